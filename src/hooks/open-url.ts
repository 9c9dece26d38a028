// Opens a URL with the desktop's opener (xdg-open, or `open` on macOS) when there is one on
// PATH; says whether it did, so the screen can print the URL either way.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function onPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Starts the opener detached (its output discarded); resolves to the opener's path, or undefined when there is none. */
export function openUrl(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const opener = onPath(process.platform === 'darwin' ? 'open' : 'xdg-open', env);
  if (!opener) return undefined;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore', env });
    child.on('error', () => undefined);
    child.unref();
    return opener;
  } catch {
    return undefined;
  }
}
