// TTY sessions for the API: runc takes its terminal from its own stdio, and a socket is no
// terminal, so `docker run -it` runs dockui's own CLI under util-linux `script` (the engine's
// spawnInPty), which gives it a pty and copies between that pty and our pipes. A TTY exec, on its
// stream or detached, is the engine's execSession (streams.ts).
// Resize sets the pty's window size (the kernel sends SIGWINCH; runc passes the size on).
import type { EnginePaths } from '../engine/index.js';
import { HttpError } from './http.js';

export { resizePty, spawnInPty } from '../engine/index.js';

/** argv of this dockui (node + bin/dockui.js) with the service's roots. */
export function dockuiArgv(paths: EnginePaths): string[] {
  const bin = process.argv[1];
  if (!bin || !/dockui(\.c?js)?$/.test(bin)) throw new HttpError(501, 'TTY sessions need the service started through bin/dockui.js');
  return [process.execPath, '--', bin, '--root', paths.root, '--runroot', paths.runRoot];
}
