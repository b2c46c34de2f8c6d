'use client';
// Public groups by name (GET /api/groups?public=true&q=), newest first; join or open.
import { useEffect, useState } from 'react';
import { useSocial, useSocialEngine } from '@/components/social-provider';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { SearchIcon } from '@/components/ui/icons';
import { AlertLine } from '@/components/ui/alert-line';
import { useAction } from '@/hooks/use-action';
import { socialApi } from '@/lib/social-api';
import { groupConversationId, type Group } from '@/lib/social-types';

export function DiscoverGroups({ onOpen }: { onOpen(cid: string): void }) {
  const engine = useSocialEngine();
  const mine = useSocial((s) => s.groups);
  const [q, setQ] = useState('');
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [failed, setFailed] = useState(false);
  const action = useAction();
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      socialApi
        .discoverGroups(q.trim())
        .then((r) => {
          if (!live) return;
          setGroups(r.groups);
          setFailed(false);
        })
        .catch(() => live && setFailed(true));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);

  return (
    <div className="p-4">
      <label className="relative block">
        <span className="sr-only">Search public groups</span>
        <SearchIcon width={16} height={16} className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-zinc-400" />
        <input
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Search public groups"
          data-testid="discover-search"
          data-autofocus
          className="h-9 w-full rounded-lg border border-zinc-200 bg-zinc-50 pr-3 pl-9 text-sm outline-none focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 dark:border-zinc-700 dark:bg-zinc-950"
        />
      </label>
      <AlertLine error={action.error} />
      {failed && <p className="py-6 text-center text-sm text-red-600">Could not load groups.</p>}
      {groups && groups.length === 0 && (
        <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
          {q.trim() ? 'No public group by that name.' : 'No public groups yet. Create one!'}
        </p>
      )}
      <ul className="mt-2 space-y-1" data-testid="discover-results">
        {groups?.map((g) => {
          const member = !!mine[g.id];
          const full = g.members.length >= g.settings.maxMembers;
          return (
            <li key={g.id} className="flex items-center gap-3 rounded-lg px-1.5 py-2" data-testid="discovered-group" data-name={g.name}>
              <Avatar name={g.name} size={36} />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium">{g.name}</span>
                <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">
                  {g.members.length} member{g.members.length === 1 ? '' : 's'}
                  {g.description ? ` · ${g.description}` : ''}
                </span>
              </span>
              {member ? (
                <Button onClick={() => onOpen(groupConversationId(g.id))}>Open</Button>
              ) : (
                <Button
                  variant="primary"
                  disabled={action.busy || full}
                  data-testid="join-group"
                  onClick={async () => {
                    let cid = '';
                    if (await action.run(async () => (cid = await engine.joinGroup(g.id)))) onOpen(cid);
                  }}
                >
                  {full ? 'Full' : 'Join'}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
