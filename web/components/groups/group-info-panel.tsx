'use client';
// A group's details: settings (editable by admins), members with roles and presence, adding
// people (admins, or anyone when invites are open), admin actions on members, and leaving.
// Everything follows group-updated events, so two admins see each other's changes live.
import { useState, type FormEvent } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useSocial, useSocialEngine } from '@/components/social-provider';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Dialog } from '@/components/ui/dialog';
import { AlertLine } from '@/components/ui/alert-line';
import { UserPicker } from '@/components/social/user-picker';
import { UserCard } from '@/components/social/user-card';
import { useAction } from '@/hooks/use-action';
import { useUserNames } from '@/hooks/use-user-names';
import { presenceLabel } from '@/lib/relative-time';
import { groupFieldErrors, type GroupFields as Fields } from '@/lib/group-validation';
import type { Group, GroupMember } from '@/lib/social-types';
import { GroupFields } from './group-fields';

export function GroupInfoPanel({
  groupId,
  onClose,
  onLeft,
  onOpenConversation,
}: {
  groupId: string;
  onClose(): void;
  onLeft(): void;
  onOpenConversation(cid: string): void;
}) {
  const group = useSocial((s) => s.groups[groupId]);
  const me = useChat((s) => s.me?.id ?? '');
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const engine = useSocialEngine();
  if (!group) {
    return (
      <Dialog title="Group" onClose={onClose} variant="side" testId="group-info">
        <p className="p-6 text-sm text-zinc-500">You are not a member of this group any more.</p>
      </Dialog>
    );
  }
  const amAdmin = group.members.some((m) => m.userID === me && m.role === 'admin');
  const canInvite = amAdmin || group.settings.allowInvites;
  return (
    <Dialog
      title="Group info"
      onClose={onClose}
      variant="side"
      testId="group-info"
      footer={
        <div className="flex items-center justify-between">
          <span className="text-xs text-zinc-500">You are {amAdmin ? 'an admin' : 'a member'}</span>
          <ConfirmButton
            label="Leave group"
            confirmLabel="Leave for good?"
            testId="leave-group"
            disabled={action.busy}
            onConfirm={async () => {
              if (await action.run(() => engine.leaveGroup(groupId))) onLeft();
            }}
          />
        </div>
      }
    >
      <div className="flex flex-col items-center gap-2 px-4 pt-2 pb-4 text-center">
        <Avatar name={group.name} size={56} />
        <h3 className="text-base font-semibold" data-testid="group-info-name">
          {group.name}
        </h3>
        {group.description && <p className="max-w-xs text-sm text-zinc-600 dark:text-zinc-300">{group.description}</p>}
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {group.settings.isPublic ? 'Public' : 'Private'} · {group.members.length} of {group.settings.maxMembers} members
          {group.settings.allowInvites ? ' · members can invite' : ''}
        </p>
        {amAdmin && !editing && (
          <Button data-testid="edit-group" onClick={() => setEditing(true)}>
            Edit group
          </Button>
        )}
      </div>
      <AlertLine error={action.error} />
      {editing && <EditGroup group={group} onDone={() => setEditing(false)} />}
      {canInvite && (
        <section className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800" aria-label="Add people">
          <h4 className="pb-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Add people</h4>
          <UserPicker
            testId="add-member"
            placeholder="Find people by username"
            exclude={group.members.map((m) => m.userID)}
            action={(u) => (
              <Button
                variant="primary"
                disabled={action.busy}
                data-testid="add-member-button"
                onClick={() => void action.run(() => engine.addMember(groupId, u))}
              >
                Add
              </Button>
            )}
          />
        </section>
      )}
      <MemberList group={group} me={me} amAdmin={amAdmin} action={action} onOpenConversation={onOpenConversation} />
    </Dialog>
  );
}

function EditGroup({ group, onDone }: { group: Group; onDone(): void }) {
  const engine = useSocialEngine();
  const action = useAction();
  const [fields, setFields] = useState<Fields>({
    name: group.name,
    description: group.description,
    isPublic: group.settings.isPublic,
    allowInvites: group.settings.allowInvites,
    maxMembers: String(group.settings.maxMembers),
  });
  const [tried, setTried] = useState(false);
  const errors = groupFieldErrors(fields, group.members.length);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (Object.keys(errors).length) return;
    const ok = await action.run(() =>
      engine.updateGroup(group.id, {
        name: fields.name.trim(),
        description: fields.description.trim(),
        settings: { isPublic: fields.isPublic, allowInvites: fields.allowInvites, maxMembers: Number(fields.maxMembers) },
      }),
    );
    if (ok) onDone();
  }
  return (
    <form onSubmit={submit} className="space-y-3 border-t border-zinc-200 px-4 py-4 dark:border-zinc-800" data-testid="edit-group-form" noValidate>
      <GroupFields value={fields} onChange={setFields} errors={errors} showErrors={tried} />
      <AlertLine error={action.error} />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={action.busy} data-testid="save-group">
          Save
        </Button>
      </div>
    </form>
  );
}

function MemberList({
  group,
  me,
  amAdmin,
  action,
  onOpenConversation,
}: {
  group: Group;
  me: string;
  amAdmin: boolean;
  action: ReturnType<typeof useAction>;
  onOpenConversation(cid: string): void;
}) {
  const [card, setCard] = useState<string | null>(null);
  const names = useUserNames(group.members.map((m) => m.userID));
  // Admins first, then by name; the order of joining breaks ties.
  const members = [...group.members].sort(
    (a, b) =>
      (a.role === 'admin' ? 0 : 1) - (b.role === 'admin' ? 0 : 1) ||
      (names.get(a.userID) ?? '').localeCompare(names.get(b.userID) ?? ''),
  );
  return (
    <section className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800" aria-label="Members">
      <h4 className="pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
        {group.members.length} member{group.members.length === 1 ? '' : 's'}
      </h4>
      <ul data-testid="member-list">
        {members.map((m) => (
          <MemberRow
            key={m.userID}
            groupId={group.id}
            member={m}
            name={names.get(m.userID) ?? '…'}
            me={me}
            amAdmin={amAdmin}
            action={action}
            onShow={() => setCard(m.userID)}
          />
        ))}
      </ul>
      {card && (
        <UserCard
          user={{ id: card, username: names.get(card) ?? '…' }}
          onClose={() => setCard(null)}
          onOpenConversation={onOpenConversation}
        />
      )}
    </section>
  );
}

function MemberRow({
  groupId,
  member,
  name,
  me,
  amAdmin,
  action,
  onShow,
}: {
  groupId: string;
  member: GroupMember;
  name: string;
  me: string;
  amAdmin: boolean;
  action: ReturnType<typeof useAction>;
  onShow(): void;
}) {
  const engine = useSocialEngine();
  const presence = useSocial((s) => s.presence[member.userID]);
  const self = member.userID === me;
  const status = self ? 'Online' : presence ? presenceLabel(presence.status, presence.lastSeen) : null;
  return (
    <li className="flex items-center gap-3 py-1.5" data-testid="member" data-username={name} data-role={member.role}>
      <button
        type="button"
        onClick={onShow}
        aria-label={`About ${name}`}
        data-testid="member-card"
        className="shrink-0 rounded-lg"
      >
        <Avatar name={name} size={32} presence={self ? 'online' : presence?.status} />
      </button>
      <span className="min-w-0 flex-1">
        <span className="flex items-center gap-1.5">
          <button type="button" onClick={onShow} className="truncate text-sm font-medium hover:underline">
            {name}
          </button>
          {self && <span className="text-xs text-zinc-500">you</span>}
          {member.role === 'admin' && (
            <span className="rounded bg-accent-50 px-1.5 text-[10px] font-semibold tracking-wide text-accent-700 uppercase dark:bg-accent-500/15 dark:text-accent-400" data-testid="admin-badge">
              Admin
            </span>
          )}
        </span>
        {status && (
          <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="person-status">
            {status}
          </span>
        )}
      </span>
      {amAdmin && !self && (
        <span className="flex shrink-0 items-center gap-1">
          <Button
            variant="ghost"
            disabled={action.busy}
            data-testid="toggle-admin"
            onClick={() => void action.run(() => engine.setRole(groupId, member.userID, member.role === 'admin' ? 'member' : 'admin'))}
          >
            {member.role === 'admin' ? 'Make member' : 'Make admin'}
          </Button>
          <ConfirmButton
            label="Remove"
            confirmLabel={`Remove ${name}?`}
            testId="kick-member"
            disabled={action.busy}
            onConfirm={() => void action.run(() => engine.removeMember(groupId, member.userID))}
          />
        </span>
      )}
    </li>
  );
}
