#!/usr/bin/env python3
# Time from starting `dockui` (the TUI) on a real pseudo-terminal to its first full frame (both
# the Containers and Images tab names drawn), then q. For each run: the wall time and the CPU time
# the dockui process had used by then (utime+stime from /proc: steadier than wall time on a host
# other jobs load). Median of N runs; `node -e 0` in the same run for scale (Node's floor).
# With --before DIR (a copy of another build: its bin/ and dist/), the two builds alternate.
# Usage: python3 bench/tui-first-frame.py [RUNS] [ROOT] [--before DIR]
#   ROOT: a DOCKUI_ROOT to open (default a temporary empty one). The UI is opened with no folder
#   argument from /tmp: no dev loop.
import os, pty, select, shutil, signal, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
before = None
if '--before' in args:
    i = args.index('--before')
    before = args[i + 1]
    del args[i:i + 2]
runs = int(args[0]) if len(args) > 0 else 9
root = args[1] if len(args) > 1 else tempfile.mkdtemp(prefix='dockui-tui-start-')
builds = [('this build', os.path.join(here, '..', 'bin', 'dockui.js'))]
if before:
    builds.insert(0, ('before', os.path.join(before, 'bin', 'dockui.js')))
tick = os.sysconf('SC_CLK_TCK')

def cpu_ms(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / tick

def once(argv, env):
    t0 = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir('/tmp')
        os.environ.update(env)
        os.execvp(argv[0], argv)
    buf, res = b'', None
    while time.time() - t0 < 15:
        r, _, _ = select.select([fd], [], [], 0.005)
        if not r:
            continue
        try:
            buf += os.read(fd, 65536)
        except OSError:
            break
        if b'Containers' in buf and b'Images' in buf:
            res = (time.time() - t0, cpu_ms(pid))
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
    return res

env = {'DOCKUI_ROOT': root, 'COLUMNS': '120', 'LINES': '40'}
# One run each first, not counted: it writes the code cache a fresh build has not yet.
for _, b in builds:
    once([b], env)
got, nodes = {n: [] for n, _ in builds}, []
for _ in range(runs):
    for n, b in builds:
        r = once([b], env)
        if r:
            got[n].append(r)
    t = time.time(); subprocess.run(['node', '-e', '0'], check=True); nodes.append(time.time() - t)
for n, ok in got.items():
    walls = sorted(f[0] * 1000 for f in ok)
    cpus = sorted(f[1] for f in ok)
    print(f'{n}: first frame median {statistics.median(walls):.0f} ms wall, {statistics.median(cpus):.0f} ms CPU, over {len(ok)} of {runs} runs '
          f'(wall {", ".join(f"{w:.0f}" for w in walls)})')
print(f'node -e 0: {statistics.median(nodes)*1000:.0f} ms')
if len(args) <= 1:
    shutil.rmtree(root, ignore_errors=True)
