import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatError, EngineError } from './engine/define.js';

/** `dockui [DIR]`: the full-screen UI. DIR, when given, must be a folder (its Dockerfile drives the dev loop). */
export async function runTui(argv: readonly string[]): Promise<number> {
  const dirArg = argv.find((a) => !a.startsWith('-'));
  try {
    if (dirArg !== undefined) {
      const dir = resolve(dirArg);
      let isDir = false;
      try {
        isDir = statSync(dir).isDirectory();
      } catch {
        /* reported below */
      }
      if (!isDir)
        throw new EngineError('invalid_argument', `unknown command or not a directory: ${dirArg} (see 'dockui --help')`);
    }
    throw new EngineError('unavailable', 'the terminal UI is not built yet');
  } catch (e) {
    process.stderr.write(`dockui: ${formatError(e)}\n`);
    return 125;
  }
}
