// Reads the TUI's config file, $XDG_CONFIG_HOME/dockui/tui.yaml (default ~/.config/...), before
// the first frame; views/tui-config.ts checks it. No file: the defaults. A file that does not
// parse: one line naming it and where, and the UI does not start.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../engine/define.js';
import { parseTuiConfig, type TuiConfig } from '../views/tui-config.js';

export function tuiConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'dockui', 'tui.yaml');
}

export async function loadTuiConfig(env: Readonly<Record<string, string | undefined>>): Promise<{ file: string; config: TuiConfig }> {
  const file = tuiConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, config: {} };
    throw new EngineError('invalid_argument', `${file}: ${(e as Error).message}`);
  }
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new EngineError('invalid_argument', `${file}: not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return { file, config: parseTuiConfig(raw, file) };
}
