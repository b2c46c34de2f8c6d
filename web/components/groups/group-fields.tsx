'use client';
// The editable settings of a group: name, description, public, invites, size. Used by the
// create form and by an admin's "Edit group".
import { useId } from 'react';
import type { GroupFields as Fields } from '@/lib/group-validation';

const input =
  'w-full rounded-lg border border-zinc-200 bg-zinc-50 px-3 text-sm outline-none focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 aria-invalid:border-red-400 dark:border-zinc-700 dark:bg-zinc-950';

export function GroupFields({
  value,
  onChange,
  errors,
  showErrors,
}: {
  value: Fields;
  onChange(v: Fields): void;
  errors: Partial<Record<keyof Fields, string>>;
  showErrors: boolean;
}) {
  const id = useId();
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => onChange({ ...value, [k]: v });
  const err = (k: keyof Fields) =>
    showErrors && errors[k] ? (
      <p id={`${id}-${k}-err`} className="mt-1 text-xs text-red-600 dark:text-red-400">
        {errors[k]}
      </p>
    ) : null;
  const invalid = (k: keyof Fields) => (showErrors && errors[k] ? true : undefined);
  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={`${id}-name`} className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-300">
          Name
        </label>
        <input
          id={`${id}-name`}
          value={value.name}
          onChange={(e) => set('name', e.target.value)}
          placeholder="e.g. Book club"
          data-testid="group-name"
          data-autofocus
          aria-invalid={invalid('name')}
          aria-describedby={invalid('name') ? `${id}-name-err` : undefined}
          className={`${input} h-9`}
        />
        {err('name')}
      </div>
      <div>
        <label htmlFor={`${id}-desc`} className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-300">
          Description <span className="font-normal text-zinc-400">(optional)</span>
        </label>
        <textarea
          id={`${id}-desc`}
          value={value.description}
          onChange={(e) => set('description', e.target.value)}
          rows={2}
          data-testid="group-description"
          aria-invalid={invalid('description')}
          className={`${input} resize-none py-2`}
        />
        {err('description')}
      </div>
      <fieldset className="space-y-2">
        <legend className="sr-only">Who can join</legend>
        <Toggle
          checked={value.isPublic}
          onChange={(v) => set('isPublic', v)}
          label="Public"
          hint="Anyone can find it in Discover and join."
          testId="group-public"
        />
        <Toggle
          checked={value.allowInvites}
          onChange={(v) => set('allowInvites', v)}
          label="Members can invite"
          hint="Not only admins can add people."
          testId="group-allow-invites"
        />
      </fieldset>
      <div>
        <label htmlFor={`${id}-max`} className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-300">
          Maximum members
        </label>
        <input
          id={`${id}-max`}
          inputMode="numeric"
          value={value.maxMembers}
          onChange={(e) => set('maxMembers', e.target.value)}
          data-testid="group-max-members"
          aria-invalid={invalid('maxMembers')}
          className={`${input} h-9 w-32`}
        />
        {err('maxMembers')}
      </div>
    </div>
  );
}

function Toggle({
  checked,
  onChange,
  label,
  hint,
  testId,
}: {
  checked: boolean;
  onChange(v: boolean): void;
  label: string;
  hint: string;
  testId: string;
}) {
  return (
    <label className="flex cursor-pointer items-start gap-3 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
        className="mt-0.5 h-4 w-4 accent-accent-600"
      />
      <span>
        <span className="block text-sm font-medium">{label}</span>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>
      </span>
    </label>
  );
}
