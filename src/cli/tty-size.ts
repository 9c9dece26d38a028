// A pty that a helper (`script`, a terminal emulator) has just made starts at 0×0 and gets its
// size from its owner a moment later: a command that asks its size at once (`stty size` in
// `docker run -it`) would read 0 0. Wait for the size, bounded, before the container's process
// starts; a terminal that never gets one costs the wait.
export async function windowSize(out: NodeJS.WriteStream, ms: number): Promise<void> {
  const sized = () => {
    const [cols, rows] = out.getWindowSize();
    return cols > 0 && rows > 0;
  };
  if (!out.isTTY || sized()) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      clearInterval(poll);
      out.off('resize', check);
      resolve();
    };
    // Node re-reads the size on SIGWINCH ('resize'); the poll covers a size set before the
    // listener was, and stty's rows and cols arriving as two changes.
    const check = () => {
      if (sized()) done();
    };
    const timer = setTimeout(done, ms);
    const poll = setInterval(check, 10);
    out.on('resize', check);
  });
}

/**
 * Readies this process's terminal for a container's pty that runc copies to it (run -t, exec -t):
 * its size known, and raw. runc makes it raw as well, but only once the container's pty is
 * made: output the container wrote in between was sent through the terminal's own \n → \r\n a
 * second time. Node's raw mode is libuv's, which keeps that output processing (ONLCR): `stty
 * -opost` turns it off too, as runc's (and docker's) raw mode does. Returns what puts the terminal
 * back (libuv restores the settings it saved before any of this).
 */
export async function terminalFor(tty: boolean): Promise<() => void> {
  if (!tty) return () => undefined;
  await windowSize(process.stdout, 2000);
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => undefined;
  stdin.setRawMode(true);
  const { spawnSync } = await import('node:child_process');
  spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  return () => {
    stdin.setRawMode(false);
    stdin.pause();
  };
}
