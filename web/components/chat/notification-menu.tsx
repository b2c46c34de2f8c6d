'use client';
// The bell in the conversation header: mute this conversation, the chime on or off, and
// desktop notifications (the permission prompt comes from this click, as browsers require).
import { useRef, useState } from 'react';
import { useNotificationPrefs, useNotificationPrefsApi } from '@/components/message-features-provider';
import { IconButton } from '@/components/ui/icon-button';
import { BellIcon, BellOffIcon } from '@/components/ui/icons';
import { Popover } from '@/components/ui/popover';

type Permission = NotificationPermission | 'unsupported';
const currentPermission = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

export function NotificationMenu({ conversationId }: { conversationId: string }) {
  const prefs = useNotificationPrefsApi();
  const muted = useNotificationPrefs((s) => !!s.muted[conversationId]);
  const sound = useNotificationPrefs((s) => s.sound);
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const anchor = useRef<HTMLDivElement>(null);
  const row = 'flex w-full items-center justify-between gap-4 rounded-lg px-2.5 py-2 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800';
  const toggle = (on: boolean) => (
    <span
      aria-hidden="true"
      className={`relative h-5 w-9 shrink-0 rounded-full transition ${on ? 'bg-accent-600' : 'bg-zinc-300 dark:bg-zinc-700'}`}
    >
      <span className={`absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-all ${on ? 'left-[18px]' : 'left-0.5'}`} />
    </span>
  );
  return (
    <div ref={anchor}>
      <IconButton
        label={muted ? 'Notifications (muted)' : 'Notifications'}
        aria-expanded={open}
        data-testid="notification-menu"
        data-muted={muted || undefined}
        onClick={() => {
          setPermission(currentPermission());
          setOpen((o) => !o);
        }}
      >
        {muted ? <BellOffIcon width={18} height={18} /> : <BellIcon width={18} height={18} />}
      </IconButton>
      {open && anchor.current && (
        <Popover anchor={anchor.current} onClose={() => setOpen(false)} label="Notifications">
          <div className="w-64">
            <button type="button" role="switch" aria-checked={muted} className={row} onClick={() => prefs.getState().toggleMute(conversationId)} data-testid="mute-toggle">
              <span>
                Mute this conversation
                <span className="block text-xs text-zinc-500">No alerts, not counted in the title</span>
              </span>
              {toggle(muted)}
            </button>
            <button type="button" role="switch" aria-checked={sound} className={row} onClick={() => prefs.getState().setSound(!sound)} data-testid="sound-toggle">
              <span>Sound for new messages</span>
              {toggle(sound)}
            </button>
            <div className="mt-1 border-t border-zinc-100 px-2.5 pt-2 pb-1 text-sm dark:border-zinc-800">
              <p className="font-medium">Desktop notifications</p>
              {permission === 'granted' && <p className="text-xs text-zinc-500">On: you are told when this tab is hidden.</p>}
              {permission === 'denied' && <p className="text-xs text-zinc-500">Blocked in the browser’s site settings.</p>}
              {permission === 'unsupported' && <p className="text-xs text-zinc-500">Not available in this browser.</p>}
              {permission === 'default' && (
                <button
                  type="button"
                  onClick={() => void Notification.requestPermission().then(setPermission)}
                  data-testid="enable-desktop-notifications"
                  className="mt-1.5 h-8 rounded-lg bg-accent-600 px-3 text-xs font-medium text-white hover:bg-accent-700"
                >
                  Turn on
                </button>
              )}
            </div>
          </div>
        </Popover>
      )}
    </div>
  );
}
