'use client';
// The call's buttons: microphone, camera, screen, voice only, hang up. Toggle buttons say
// their state with aria-pressed; labels name the action.
import type { ReactNode } from 'react';
import type { LocalMedia } from '@/stores/call-store';
import type { CallControls as Controls } from '@/hooks/use-webrtc';
import { RoundButton } from './round-button';
import { CameraIcon, CameraOffIcon, HangUpIcon, HeadphonesIcon, MicIcon, MicOffIcon, ScreenIcon } from './call-icons';

function Toggle({
  label,
  pressed,
  testId,
  onClick,
  children,
  disabled,
}: {
  label: string;
  pressed: boolean;
  testId: string;
  onClick(): void;
  children: ReactNode;
  disabled?: boolean;
}) {
  return (
    <RoundButton
      label={label}
      pressed={pressed}
      testId={testId}
      disabled={disabled}
      onClick={onClick}
      look={`h-11 w-11 ${pressed ? 'bg-white text-zinc-900' : 'bg-zinc-700 text-white hover:bg-zinc-600'}`}
    >
      {children}
    </RoundButton>
  );
}

export function CallControls({ local, controls }: { local: LocalMedia; controls: Controls }) {
  const screenShareable = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
  return (
    <div className="flex flex-wrap items-center justify-center gap-3" role="toolbar" aria-label="Call controls">
      <Toggle label={local.audio ? 'Mute' : 'Unmute'} pressed={!local.audio} testId="toggle-mic" onClick={controls.toggleMute}>
        {local.audio ? <MicIcon /> : <MicOffIcon />}
      </Toggle>
      <Toggle
        label={local.video ? 'Turn camera off' : 'Turn camera on'}
        pressed={!local.video}
        testId="toggle-camera"
        onClick={controls.toggleCamera}
      >
        {local.video ? <CameraIcon /> : <CameraOffIcon />}
      </Toggle>
      <Toggle
        label={local.screen ? 'Stop sharing' : 'Share screen'}
        pressed={local.screen}
        testId="toggle-screen"
        disabled={!screenShareable}
        onClick={controls.toggleScreen}
      >
        <ScreenIcon />
      </Toggle>
      <Toggle
        label={local.voiceOnly ? 'Show video' : 'Voice only'}
        pressed={local.voiceOnly}
        testId="toggle-voice-only"
        onClick={() => controls.setVoiceOnly(!local.voiceOnly)}
      >
        <HeadphonesIcon />
      </Toggle>
      <RoundButton label="Hang up" testId="hang-up" look="h-11 w-14 bg-red-600 text-white hover:bg-red-700" onClick={controls.hangUp}>
        <HangUpIcon />
      </RoundButton>
    </div>
  );
}
