#!/usr/bin/env python3
# Time from starting `dockui` (the TUI) on a real pseudo-terminal to its first full frame (both
# the Containers and Images tab names drawn), then q. Median of N runs; `node -e 0` for scale.
# Usage: python3 bench/tui-first-frame.py [RUNS] [ROOT]   (ROOT: a DOCKUI_ROOT to open; default a
# temporary empty one). The UI is opened with no folder argument from /tmp: no dev loop.
import os, pty, select, shutil, signal, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
dockui = os.path.join(here, '..', 'bin', 'dockui.js')
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
root = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix='dockui-tui-start-')

def once(argv, env):
    t0 = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir('/tmp')
        os.environ.update(env)
        os.execvp(argv[0], argv)
    buf, dt = b'', None
    while time.time() - t0 < 15:
        r, _, _ = select.select([fd], [], [], 0.02)
        if not r:
            continue
        try:
            buf += os.read(fd, 65536)
        except OSError:
            break
        if b'Containers' in buf and b'Images' in buf:
            dt = time.time() - t0
            break
    try:
        os.write(fd, b'q')
        deadline = time.time() + 3
        while time.time() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
            select.select([fd], [], [], 0.05)
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    return dt

env = {'DOCKUI_ROOT': root, 'COLUMNS': '120', 'LINES': '40'}
frames, nodes = [], []
for _ in range(runs):
    frames.append(once([dockui], env))
    t = time.time(); subprocess.run(['node', '-e', '0'], check=True); nodes.append(time.time() - t)
ok = [f for f in frames if f is not None]
print(f'dockui TUI first frame: median {statistics.median(ok)*1000:.0f} ms over {len(ok)} of {runs} runs '
      f'({", ".join(f"{f*1000:.0f}" for f in sorted(ok))}); node -e 0: {statistics.median(nodes)*1000:.0f} ms')
if len(sys.argv) <= 2:
    shutil.rmtree(root, ignore_errors=True)
