'use client';
// A new group: its settings and the people to start with (found by username).
import { useState, type FormEvent } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useSocialEngine } from '@/components/social-provider';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { CloseIcon } from '@/components/ui/icons';
import { AlertLine } from '@/components/ui/alert-line';
import { UserPicker } from '@/components/social/user-picker';
import { useAction } from '@/hooks/use-action';
import { EMPTY_GROUP_FIELDS, groupFieldErrors, type GroupFields as Fields } from '@/lib/group-validation';
import type { User } from '@/lib/types';
import { GroupFields } from './group-fields';

export function CreateGroupForm({ onCreated }: { onCreated(cid: string): void }) {
  const engine = useSocialEngine();
  const me = useChat((s) => s.me);
  const [fields, setFields] = useState<Fields>(EMPTY_GROUP_FIELDS);
  const [members, setMembers] = useState<User[]>([]);
  const [tried, setTried] = useState(false);
  const action = useAction();
  const errors = groupFieldErrors(fields, members.length + 1);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (Object.keys(errors).length) return;
    let created: string | null = null;
    const ok = await action.run(async () => {
      const { cid } = await engine.createGroup(
        {
          name: fields.name.trim(),
          description: fields.description.trim(),
          settings: { isPublic: fields.isPublic, allowInvites: fields.allowInvites, maxMembers: Number(fields.maxMembers) },
        },
        members.map((m) => m.id),
      );
      created = cid;
    });
    if (ok && created) onCreated(created);
  }

  return (
    <form onSubmit={submit} className="space-y-4 p-4" data-testid="create-group-form" noValidate>
      <GroupFields value={fields} onChange={setFields} errors={errors} showErrors={tried} />
      <div>
        <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-300">Members</p>
        {members.length > 0 && (
          <ul className="mb-2 flex flex-wrap gap-1.5" aria-label="Members to add">
            {members.map((u) => (
              <li
                key={u.id}
                className="flex items-center gap-1.5 rounded-full bg-zinc-100 py-0.5 pr-1 pl-0.5 text-[13px] dark:bg-zinc-800"
                data-testid="picked-member"
              >
                <Avatar name={u.username} size={20} />
                {u.username}
                <button
                  type="button"
                  aria-label={`Remove ${u.username}`}
                  onClick={() => setMembers((list) => list.filter((x) => x.id !== u.id))}
                  className="flex h-5 w-5 items-center justify-center rounded-full text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-700"
                >
                  <CloseIcon width={12} height={12} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <UserPicker
          testId="group-member-picker"
          clearOnAction
          placeholder="Add people by username"
          exclude={[me?.id ?? '', ...members.map((m) => m.id)]}
          action={(u) => (
            <Button data-testid="pick-member" onClick={() => setMembers((list) => [...list, u])}>
              Add
            </Button>
          )}
        />
      </div>
      <AlertLine error={action.error} />
      <div className="sticky bottom-0 -mx-4 -mb-4 flex justify-end border-t border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
        <Button type="submit" variant="primary" disabled={action.busy} data-testid="create-group">
          {action.busy ? 'Creating…' : 'Create group'}
        </Button>
      </div>
    </form>
  );
}
