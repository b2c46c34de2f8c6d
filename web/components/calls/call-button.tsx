'use client';
// The conversation header's call button: places a call to the DM's peer or the group, or
// joins the one that is on there (a group call whose ring one missed). Disabled while another
// call is on, and absent when the server has no video service.
import { useCall, useCallController } from '@/components/call-provider';
import { useChat } from '@/components/chat-store-provider';
import { Button } from '@/components/ui/button';
import { IconButton } from '@/components/ui/icon-button';
import { useOngoingCall } from '@/hooks/use-ongoing-call';
import { dmPeerId } from '@/lib/conversation-id';
import { PhoneIcon } from './call-icons';

export function CallButton({ cid }: { cid: string }) {
  const controller = useCallController();
  // Notes to self (dm_<me>_<me>): nobody to call.
  const self = useChat((s) => !!s.me && dmPeerId(cid, s.me.id) === s.me.id);
  const available = useCall((s) => !!s.videoUrl);
  const busy = useCall((s) => s.call !== null);
  const ongoing = useOngoingCall(cid);
  if (!available || self) return null;
  if (ongoing && !busy) {
    return (
      <Button variant="primary" data-testid="join-call" onClick={() => controller.join(cid, ongoing)} className="shrink-0">
        <PhoneIcon width={16} height={16} />
        Join call
      </Button>
    );
  }
  return (
    <IconButton
      label={busy ? 'A call is already on' : 'Start a call'}
      title={busy ? 'A call is already on' : 'Start a call'}
      data-testid="start-call"
      disabled={busy}
      onClick={() => void controller.startCall(cid)}
      className="disabled:opacity-40"
    >
      <PhoneIcon width={18} height={18} />
    </IconButton>
  );
}
