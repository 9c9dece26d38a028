// Semantic colour tokens. Views name a token ("status.running"), never a colour, so that the
// whole UI switches to the no-colour variant when NO_COLOR is set (https://no-color.org).
// The plain variant keeps emphasis (bold, dim, inverse) because NO_COLOR is about colour only,
// and selection or search matches must stay visible without it.
import { createContext } from 'react';

export const themeTokens = [
  'status.running',
  'status.paused',
  'status.created',
  'status.exited',
  'status.failed',
  'status.removing',
  'border.focused',
  'border.normal',
  'tab.focused',
  'tab.normal',
  'text.muted',
  'text.accent',
  'text.heading',
  'text.ok',
  'text.error',
  'text.warn',
  'selection',
  'log.stdout',
  'log.stderr',
  'log.match',
  'progress.done',
  'progress.todo',
  'build.cached',
  'build.running',
] as const;
export type ThemeToken = (typeof themeTokens)[number];

export interface TokenStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
  readonly underline?: boolean;
}

export interface Theme {
  readonly name: 'color' | 'plain';
  readonly tokens: Readonly<Record<ThemeToken, TokenStyle>>;
}

export const colorTheme: Theme = {
  name: 'color',
  tokens: {
    'status.running': { color: 'green' },
    'status.paused': { color: 'yellow' },
    'status.created': { color: 'cyan' },
    'status.exited': { color: 'gray' },
    'status.failed': { color: 'red' },
    'status.removing': { color: 'magenta' },
    'border.focused': { color: 'cyan' },
    'border.normal': { color: 'gray' },
    'tab.focused': { color: 'black', inverse: true, bold: true },
    'tab.normal': { color: 'gray' },
    'text.muted': { color: 'gray' },
    'text.accent': { color: 'cyan' },
    'text.heading': { bold: true },
    'text.ok': { color: 'green' },
    'text.error': { color: 'red', bold: true },
    'text.warn': { color: 'yellow' },
    selection: { inverse: true },
    'log.stdout': {},
    'log.stderr': { color: 'red' },
    'log.match': { color: 'yellow', inverse: true },
    'progress.done': { color: 'green' },
    'progress.todo': { color: 'gray' },
    'build.cached': { color: 'cyan' },
    'build.running': { color: 'yellow' },
  },
};

export const plainTheme: Theme = {
  name: 'plain',
  tokens: {
    'status.running': { bold: true },
    'status.paused': {},
    'status.created': {},
    'status.exited': { dim: true },
    'status.failed': { bold: true },
    'status.removing': { dim: true },
    'border.focused': { bold: true },
    'border.normal': { dim: true },
    'tab.focused': { inverse: true, bold: true },
    'tab.normal': {},
    'text.muted': { dim: true },
    'text.accent': { bold: true },
    'text.heading': { bold: true },
    'text.ok': {},
    'text.error': { bold: true },
    'text.warn': { bold: true },
    selection: { inverse: true },
    'log.stdout': {},
    'log.stderr': { bold: true },
    'log.match': { inverse: true },
    'progress.done': {},
    'progress.todo': { dim: true },
    'build.cached': { dim: true },
    'build.running': { bold: true },
  },
};

/** NO_COLOR set to any non-empty value disables colour (the convention's own rule). */
export function themeFor(env: Readonly<Record<string, string | undefined>>): Theme {
  return env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '' ? plainTheme : colorTheme;
}

export const ThemeContext = createContext<Theme>(colorTheme);
