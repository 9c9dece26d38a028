// --env-file and --label-file: docker's line files (blank lines and # comments skipped).
import { readFile } from 'node:fs/promises';
import { EngineError } from '../engine/define.js';

export async function readEnvFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // Docker's words: "open /missing: no such file or directory".
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why =
      { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'not a directory' }[code] ??
      (e as Error).message;
    throw new EngineError('invalid_argument', `open ${path}: ${why}`);
  }
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
}
