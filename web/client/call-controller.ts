// The life of a call around the connections: placing one (a room on the video service, then
// a `call-invite` through the chat server), ringing for an invite, accepting or declining,
// giving up on an unanswered call, and the `system` message that records how it ended. The
// connections themselves are hooks/use-webrtc.ts's (client/mesh-call.ts).
//
// Who writes the call's end into the conversation: the one who placed the call, when it ends
// for them (completed with its duration, missed after RING_MS with nobody in, failed when
// nobody could connect); the callee writes "declined" when they decline a DM call. So each
// call gets one note, whoever hangs up first (the caller's call ends when the last peer
// leaves).
import { ApiError } from '@/lib/api';
import { CALL_ENDED_EVENT, type CallEndReason, type RoomCreated } from '@/lib/call-types';
import type { Message } from '@/lib/types';
import type { ChatStore } from '@/stores/chat-store';
import { callSeconds, formatDuration, type CallStore } from '@/stores/call-store';
import { newCallSignals, type CallSignal } from './call-signals';
import type { ClientConfig } from './video-api';
import type { MeshEnd } from './mesh-call';

/** How long a call rings before it counts as missed. */
export const RING_MS = 45_000;
/** Joined but never connected after this long: the call failed (ICE found no path). */
export const CONNECT_WITHIN_MS = 30_000;
/** An invite older than this when it reaches us (a resync after being offline) does not ring. */
const STALE_INVITE_MS = 2 * 60_000;

export interface CallControllerDeps {
  fetchConfig(): Promise<ClientConfig>;
  createRoom(videoUrl: string, conversationId: string): Promise<RoomCreated>;
  /** POST /api/conversations/:cid/messages (the server broadcasts it to every participant). */
  postMessage(conversationId: string, body: Record<string, unknown>): Promise<{ message: Message }>;
  now(): number;
  newClientMsgId(): string;
}

export class CallController {
  private unsubscribe: (() => void) | null = null;
  private ringTimer: ReturnType<typeof setTimeout> | null = null;
  private incomingTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Rooms we already rang for or took part in: an invite rings once. */
  private readonly seenRooms = new Set<string>();

  constructor(
    private readonly chat: ChatStore,
    private readonly calls: CallStore,
    private readonly deps: CallControllerDeps,
  ) {}

  start(): void {
    this.deps
      .fetchConfig()
      .then((c) => this.calls.getState().setVideoUrl(c.videoUrl))
      .catch(() => this.calls.getState().setVideoUrl(null));
    // The change that loads the list is the state we arrived in, not news (as the message
    // notifier does); a store started with the list has it from the start.
    this.unsubscribe = this.chat.subscribe((s, prev) => {
      if (s.conversations === prev.conversations || !prev.listLoaded) return;
      for (const signal of newCallSignals(prev.conversations, s.conversations)) this.onSignal(signal);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.clearTimers();
  }

  private get me(): string {
    return this.chat.getState().me?.id ?? '';
  }

  // --- placing a call

  async startCall(conversationId: string, { voiceOnly = false } = {}): Promise<void> {
    const s = this.calls.getState();
    if (s.call || !s.videoUrl) return;
    let room: RoomCreated;
    try {
      room = await this.deps.createRoom(s.videoUrl, conversationId);
    } catch (e) {
      this.calls.getState().setNotice({ text: refusalText(e), reason: 'error' });
      return;
    }
    this.seenRooms.add(room.roomId);
    this.calls.getState().stopRinging();
    this.calls.getState().begin({
      roomId: room.roomId,
      conversationId,
      direction: 'outgoing',
      phase: 'ringing',
      iceServers: room.iceServers,
      startedAt: this.deps.now(),
      connectedAt: null,
      everJoined: false,
    });
    this.calls.getState().setLocal({ voiceOnly });
    this.ringTimer = setTimeout(() => this.end('missed'), RING_MS);
    try {
      await this.deps.postMessage(conversationId, {
        type: 'call-invite',
        body: voiceOnly ? 'Started a voice call' : 'Started a video call',
        clientMsgId: this.deps.newClientMsgId(),
        metadata: { roomId: room.roomId },
      });
    } catch (e) {
      // Nobody was told: there is no call to wait for.
      this.end(null, refusalText(e));
    }
  }

  // --- an invite

  accept({ voiceOnly = false } = {}): void {
    const invite = this.calls.getState().incoming;
    if (!invite || this.calls.getState().call) return;
    this.clearIncoming();
    this.join(invite.conversationId, invite.roomId);
    this.calls.getState().setLocal({ voiceOnly });
  }

  /** Joins a call that is already on in a conversation (a group call one did not answer). */
  join(conversationId: string, roomId: string): void {
    if (this.calls.getState().call) return;
    this.seenRooms.add(roomId);
    this.calls.getState().stopRinging(roomId);
    this.calls.getState().begin({
      roomId,
      conversationId,
      direction: 'incoming',
      phase: 'connecting',
      iceServers: [],
      startedAt: this.deps.now(),
      connectedAt: null,
      everJoined: false,
    });
  }

  decline(): void {
    const invite = this.calls.getState().incoming;
    if (!invite) return;
    this.clearIncoming();
    // In a group the others may still answer: only a DM's decline ends the call.
    if (invite.conversationId.startsWith('dm_')) this.postEnd(invite.conversationId, invite.roomId, 'declined', 0);
  }

  private onSignal(signal: CallSignal): void {
    const s = this.calls.getState();
    if (signal.kind === 'invite') {
      const m = signal.message;
      if (m.from === this.me || this.seenRooms.has(signal.roomId)) return;
      if (this.deps.now() - Date.parse(m.createdAt) > STALE_INVITE_MS) return;
      this.seenRooms.add(signal.roomId);
      if (s.call || s.incoming) return; // busy: the caller's call goes unanswered here
      s.ring({ roomId: signal.roomId, conversationId: m.conversationId, from: m.from, messageId: m.id });
      this.incomingTimer = setTimeout(() => this.clearIncoming(), RING_MS);
      return;
    }
    // A call's end: stop ringing for it; a DM call I placed that the callee declined is over.
    if (s.incoming?.roomId === signal.roomId) this.clearIncoming();
    const call = s.call;
    if (call?.roomId === signal.roomId && signal.message.from !== this.me && signal.reason === 'declined' && !call.everJoined) {
      this.end(null, 'Call declined', 'declined');
    }
  }

  private clearIncoming(): void {
    if (this.incomingTimer) clearTimeout(this.incomingTimer);
    this.incomingTimer = null;
    this.calls.getState().stopRinging();
  }

  // --- events from the connections (hooks/use-webrtc.ts)

  onPeerJoined(): void {
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.ringTimer = null;
    const call = this.calls.getState().call;
    if (!call) return;
    this.calls.getState().update({ everJoined: true, phase: call.phase === 'connected' ? 'connected' : 'connecting' });
    if (!call.connectedAt && !this.connectTimer) {
      this.connectTimer = setTimeout(() => {
        if (!this.calls.getState().call?.connectedAt) this.end('failed');
      }, CONNECT_WITHIN_MS);
    }
  }

  onConnected(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    if (this.calls.getState().call?.connectedAt) return;
    this.calls.getState().update({ phase: 'connected', connectedAt: this.deps.now() });
  }

  onMeshEnded(end: MeshEnd): void {
    if (end.why === 'refused') this.end(null, refusalMessage(end.code, end.message));
    else if (end.why === 'lost') this.end(this.calls.getState().call?.connectedAt ? 'completed' : 'failed');
    else this.end('completed');
  }

  hangUp(): void {
    const call = this.calls.getState().call;
    if (!call) return;
    this.end(call.connectedAt ? 'completed' : call.everJoined ? 'failed' : 'missed');
  }

  /**
   * Leaves the call. `reason` is what happened from here (null: nothing to record); the
   * caller records it in the conversation.
   */
  private end(reason: CallEndReason | null, noticeText?: string, noticeReason?: CallEndReason): void {
    const call = this.calls.getState().call;
    if (!call) return;
    this.clearTimers();
    let effective = reason;
    // Hanging up after somebody answered is a completed call even if the media never flowed
    // for long; nobody ever answering is missed, whoever gave up.
    if (reason === 'completed' && !call.connectedAt) effective = call.everJoined ? 'failed' : 'missed';
    const seconds = callSeconds(call, this.deps.now());
    if (effective && call.direction === 'outgoing') this.postEnd(call.conversationId, call.roomId, effective, seconds);
    const text =
      noticeText ??
      (effective === 'completed'
        ? `Call ended · ${formatDuration(seconds)}`
        : effective === 'missed'
          ? 'No answer'
          : effective === 'failed'
            ? 'The call could not connect'
            : 'Call ended');
    this.calls.getState().finish({ text, reason: noticeReason ?? effective ?? 'error' });
  }

  private postEnd(conversationId: string, roomId: string, reason: CallEndReason, durationSeconds: number): void {
    void this.deps
      .postMessage(conversationId, {
        type: 'system',
        clientMsgId: this.deps.newClientMsgId(),
        metadata: { event: CALL_ENDED_EVENT, roomId, reason, durationSeconds },
      })
      .catch(() => {
        /* the note is lost; the call itself is over either way */
      });
  }

  private clearTimers(): void {
    for (const t of [this.ringTimer, this.connectTimer]) if (t) clearTimeout(t);
    this.ringTimer = this.connectTimer = null;
  }
}

function refusalMessage(code: string, message: string): string {
  switch (code) {
    case 'room_full':
      return 'This call is full';
    case 'blocked':
      return 'You cannot join this call';
    case 'not_found':
    case 'room_expired':
      return 'This call has ended';
    case 'replaced':
      return 'You joined this call from another tab';
    default:
      return message || 'You cannot join this call';
  }
}

function refusalText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'blocked') return 'You cannot call this person';
    if (e.status === 0) return 'Cannot reach the call service';
    return e.message;
  }
  return 'The call could not start';
}
