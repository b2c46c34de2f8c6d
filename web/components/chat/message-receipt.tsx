'use client';
// The receipt on one of my sent messages (stores/read-receipts.ts): in a DM ✓ "Sent" (the
// server acknowledged it) or ✓✓ "Read" (the peer's marker covers it); in a group ✓ until
// someone has seen it, then "Seen by N", a button that lists who.
import { useMemo, useState } from 'react';
import { useChat } from '@/components/chat-store-provider';
import { useSocial } from '@/components/social-provider';
import { Popover } from '@/components/ui/popover';
import { CheckIcon, DoubleCheckIcon } from '@/components/ui/icons';
import { useUserNames } from '@/hooks/use-user-names';
import { groupIdOf } from '@/lib/social-types';
import { dmReceipt, seenBy, seenByLabel } from '@/stores/read-receipts';

const NO_IDS: string[] = [];
const mark = 'flex shrink-0 items-center text-zinc-400 dark:text-zinc-500';
const readMark = 'flex shrink-0 items-center text-accent-600 dark:text-accent-400';

/** The receipt's element id, for its row's aria-describedby. */
export const receiptId = (messageId: string) => `receipt-${messageId}`;

export function MessageReceipt({ id, cid, seq, me }: { id: string; cid: string; seq: number; me: string }) {
  const markers = useChat((s) => s.peerRead[cid]);
  const groupId = groupIdOf(cid);
  if (!groupId) {
    const state = dmReceipt(markers, seq, me);
    const label = state === 'read' ? 'Read' : 'Sent';
    return (
      <span id={id} role="img" aria-label={label} title={label} data-testid="receipt" data-state={state} className={state === 'read' ? readMark : mark}>
        {state === 'read' ? <DoubleCheckIcon width={16} height={16} /> : <CheckIcon width={14} height={14} />}
      </span>
    );
  }
  return <GroupReceipt id={id} groupId={groupId} markers={markers} seq={seq} me={me} />;
}

function GroupReceipt({
  id,
  groupId,
  markers,
  seq,
  me,
}: {
  id: string;
  groupId: string;
  markers: Record<string, number> | undefined;
  seq: number;
  me: string;
}) {
  const members = useSocial((s) => s.groups[groupId]?.members);
  const blocked = useSocial((s) => s.blocked);
  const readers = useMemo(
    () => seenBy(markers, seq, me, { members: members?.map((m) => m.userID), hidden: blocked }),
    [markers, seq, me, members, blocked],
  );
  const names = useUserNames(readers.length ? readers : NO_IDS);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (readers.length === 0) {
    return (
      <span id={id} role="img" aria-label="Sent" title="Sent" data-testid="receipt" data-state="sent" className={mark}>
        <CheckIcon width={14} height={14} />
      </span>
    );
  }
  const who = readers.map((uid) => names.get(uid) ?? 'Someone');
  const label = seenByLabel(who);
  return (
    <>
      <button
        id={id}
        type="button"
        onClick={(e) => setAnchor(anchor ? null : e.currentTarget)}
        aria-expanded={!!anchor}
        title={label}
        data-testid="receipt"
        data-state="seen"
        data-count={readers.length}
        className={`${readMark} gap-0.5 rounded px-1 text-[11px] leading-5 whitespace-nowrap hover:bg-zinc-100 dark:hover:bg-zinc-800`}
      >
        <DoubleCheckIcon width={14} height={14} />
        Seen by {readers.length}
      </button>
      {anchor && (
        <Popover anchor={anchor} onClose={() => setAnchor(null)} label="Seen by" testId="seen-by-list">
          <p className="px-2 pt-1 pb-1.5 text-[11px] font-medium text-zinc-500 dark:text-zinc-400">Seen by</p>
          <ul className="max-h-60 min-w-36 overflow-y-auto">
            {who.map((name, i) => (
              <li key={readers[i]} className="px-2 py-1 text-sm" data-testid="seen-by-name">
                {name}
              </li>
            ))}
          </ul>
        </Popover>
      )}
    </>
  );
}
