'use client';
import { useTheme, type ThemeChoice } from '@/hooks/use-theme';
import { IconButton } from './icon-button';
import { MonitorIcon, MoonIcon, SunIcon } from './icons';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** Cycles system → light → dark. */
export function ThemeToggle() {
  const { choice, setChoice } = useTheme();
  const Icon = choice === 'light' ? SunIcon : choice === 'dark' ? MoonIcon : MonitorIcon;
  return (
    <IconButton
      onClick={() => setChoice(NEXT[choice])}
      label={`${LABEL[choice]} (switch to ${LABEL[NEXT[choice]].toLowerCase()})`}
      title={LABEL[choice]}
      data-testid="theme-toggle"
    >
      <Icon width={18} height={18} />
    </IconButton>
  );
}
