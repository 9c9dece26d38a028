// The TUI's config file (feature rows 43 and 44): $XDG_CONFIG_HOME/dockui/tui.yaml (default
// ~/.config/dockui/tui.yaml), read by src/hooks/tui-config-file.ts before the first frame.
// Checked here, whole, before anything is applied: a mistake is one line naming the file and
// the entry, and dockui does not start on a config it would half ignore.
//
//   theme: plain                 # color (default) or plain; NO_COLOR still wins
//   colors: { status.running: blue, selection: "#ff8800" }
//   keys: { containers.logs: L, list.down: [j, down, n] }   # an action's keys, as ? lists them
//   columns: { containers: [NAME, STATE, STATUS] }          # which, in this order
//   mouse: false                 # leave the mouse to the terminal (text selection)
//   commands:
//     - { key: T, title: top, run: "dockui top {id}" }      # containers (default) or scope: images
import { createContext } from 'react';
import { EngineError } from '../engine/define.js';
import { actionIds, activeScopes, keymap, keysOf, type ActionId, type CustomCommand, type PaneId } from './keymap.js';
import { colorTheme, plainTheme, themeTokens, type Theme, type ThemeToken, type TokenStyle } from './theme.js';

export const containerColumns = ['NAME', 'IMAGE', 'STATE', 'STATUS', 'PORTS', 'CPU %', 'MEM'] as const;

export interface TuiConfig {
  readonly theme?: 'color' | 'plain';
  readonly colors?: Readonly<Partial<Record<ThemeToken, string>>>;
  readonly keys?: Readonly<Partial<Record<ActionId, readonly string[]>>>;
  readonly columns?: { readonly containers?: readonly string[] };
  readonly mouse?: boolean;
  readonly commands?: readonly CustomCommand[];
}

const topKeys = ['theme', 'colors', 'keys', 'columns', 'mouse', 'commands'];
const colorRe = /^(#[0-9a-fA-F]{6}|black|red|green|yellow|blue|magenta|cyan|white|gray|grey|[a-z]+Bright)$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A key as the keymap names it: one character, or tab, enter, escape, space, up, C-x, … */
function keyOk(k: unknown): k is string {
  return (
    typeof k === 'string' &&
    (k.length === 1 || /^(C-[a-z]|S-tab|tab|enter|escape|space|up|down|left|right|pageup|pagedown|home|end)$/.test(k))
  );
}

/** Checks a parsed tui.yaml; throws one line ("FILE: keys.containers.lgs: no such action") on the first mistake. */
export function parseTuiConfig(raw: unknown, file: string): TuiConfig {
  const bad = (what: string): never => {
    throw new EngineError('invalid_argument', `${file}: ${what}`);
  };
  if (raw === null || raw === undefined) return {};
  if (!isRecord(raw)) return bad('expected a mapping (theme, colors, keys, columns, mouse, commands)');
  for (const k of Object.keys(raw)) if (!topKeys.includes(k)) bad(`unknown setting ${k} (known: ${topKeys.join(', ')})`);
  const out: { -readonly [K in keyof TuiConfig]: TuiConfig[K] } = {};
  if (raw['theme'] !== undefined) {
    if (raw['theme'] !== 'color' && raw['theme'] !== 'plain') bad(`theme: color or plain, not ${JSON.stringify(raw['theme'])}`);
    out.theme = raw['theme'] as 'color' | 'plain';
  }
  if (raw['colors'] !== undefined) {
    if (!isRecord(raw['colors'])) bad('colors: expected token: colour pairs');
    const colors: Partial<Record<ThemeToken, string>> = {};
    for (const [t, c] of Object.entries(raw['colors'] as Record<string, unknown>)) {
      if (!(themeTokens as readonly string[]).includes(t)) bad(`colors.${t}: no such token (known: ${themeTokens.join(', ')})`);
      if (typeof c !== 'string' || !colorRe.test(c)) bad(`colors.${t}: a colour name or #rrggbb, not ${String(c)}`);
      colors[t as ThemeToken] = c as string;
    }
    out.colors = colors;
  }
  if (raw['mouse'] !== undefined) {
    if (typeof raw['mouse'] !== 'boolean') bad('mouse: true or false');
    out.mouse = raw['mouse'] as boolean;
  }
  if (raw['columns'] !== undefined) {
    const c = raw['columns'];
    if (!isRecord(c)) bad('columns: expected containers: [NAME, ...]');
    for (const k of Object.keys(c as object)) if (k !== 'containers') bad(`columns.${k}: only containers can be chosen`);
    const list = (c as Record<string, unknown>)['containers'];
    if (list !== undefined) {
      if (!Array.isArray(list) || list.length === 0) bad('columns.containers: a list of column titles');
      for (const t of list as unknown[])
        if (typeof t !== 'string' || !(containerColumns as readonly string[]).includes(t.toUpperCase()))
          bad(`columns.containers: no column ${String(t)} (known: ${containerColumns.join(', ')})`);
      const titles = (list as string[]).map((t) => t.toUpperCase());
      if (!titles.includes('NAME')) bad('columns.containers: NAME cannot be left out');
      out.columns = { containers: titles };
    }
  }
  const keys: Partial<Record<ActionId, readonly string[]>> = {};
  if (raw['keys'] !== undefined) {
    if (!isRecord(raw['keys'])) bad('keys: expected action: key (or [keys]) pairs, as ? help names them');
    for (const [id, v] of Object.entries(raw['keys'] as Record<string, unknown>)) {
      if (!(actionIds as readonly string[]).includes(id)) bad(`keys.${id}: no such action (? help lists them)`);
      const list = Array.isArray(v) ? (v as unknown[]) : [v];
      if (list.length === 0 || !list.every(keyOk)) bad(`keys.${id}: a key (a character, C-x, enter, escape, tab, up, …) or a list of them`);
      keys[id as ActionId] = list as string[];
    }
    out.keys = keys;
  }
  const taken = (scope: string, key: string, except?: ActionId): ActionId | undefined =>
    actionIds.find((id) => id !== except && (keymap[id].scope as string) === scope && (keys[id] ?? keymap[id].keys).includes(key));
  // Two actions on one key in one scope: the second would never run.
  for (const id of Object.keys(keys) as ActionId[])
    for (const k of keys[id] ?? []) {
      const other = taken(keymap[id].scope, k, id);
      if (other) bad(`keys.${id}: ${k} is also ${other}'s key (give that one another key too)`);
    }
  if (raw['commands'] !== undefined) {
    if (!Array.isArray(raw['commands'])) bad('commands: a list of { key, title, run }');
    const cmds: CustomCommand[] = [];
    (raw['commands'] as unknown[]).forEach((c, i) => {
      const at = `commands[${i}]`;
      if (!isRecord(c)) return bad(`${at}: expected { key, title, run }`);
      for (const k of Object.keys(c)) if (!['key', 'title', 'run', 'scope'].includes(k)) bad(`${at}: unknown field ${k}`);
      if (!keyOk(c['key'])) bad(`${at}.key: one key (a character, C-x, …)`);
      if (typeof c['run'] !== 'string' || c['run'].trim() === '') bad(`${at}.run: the shell command to run`);
      const scope = c['scope'] ?? 'containers';
      if (scope !== 'containers' && scope !== 'images') bad(`${at}.scope: containers or images`);
      const key = c['key'] as string;
      // The key must be free where the command applies, or one of the two would never run.
      for (const s of activeScopes(scope as PaneId, undefined)) {
        const other = actionIds.find((id) => (keymap[id].scope as string) === s && (keys[id] ?? keysOf(id)).includes(key));
        if (other) bad(`${at}.key: ${key} is ${other}'s key in ${scope as string}`);
      }
      if (cmds.some((o) => o.key === key && o.scope === scope)) bad(`${at}.key: ${key} is already another command's`);
      cmds.push({
        key,
        scope: scope as 'containers' | 'images',
        title: typeof c['title'] === 'string' ? c['title'] : (c['run'] as string),
        run: c['run'] as string,
      });
    });
    out.commands = cmds;
  }
  return out;
}

/** The theme: NO_COLOR first (plain whatever the file says), then the file's theme and colours. */
export function themeFrom(config: TuiConfig, env: Readonly<Record<string, string | undefined>>): Theme {
  if ((env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') || config.theme === 'plain') return plainTheme;
  if (!config.colors) return colorTheme;
  const tokens: Record<ThemeToken, TokenStyle> = { ...colorTheme.tokens };
  for (const [t, c] of Object.entries(config.colors) as [ThemeToken, string][]) tokens[t] = { ...tokens[t], color: c };
  return { name: 'color', tokens };
}

/** Single-quotes a value for sh. */
export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/** A custom command's line with {id}, {name}, {image} of the selection, quoted. */
export function commandLine(run: string, vars: { readonly id: string; readonly name: string; readonly image: string }): string {
  return run.replace(/\{(id|name|image)\}/g, (_, k: 'id' | 'name' | 'image') => shellQuote(vars[k]));
}

/** What the panes read of the config (the default columns). */
export const TuiConfigContext = createContext<TuiConfig>({});
