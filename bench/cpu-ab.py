#!/usr/bin/env python3
# CPU time (user + sys, from wait4) and wall time of commands run alternating, medians: for
# start-up A/B on a loaded host, where wall times drift with the other work but CPU time less.
# Usage: DOCKUI_ROOT=... DOCKUI_RUNROOT=... python3 bench/cpu-ab.py N 'cmd A' 'cmd B' ['cmd C' ...]
# Output goes to /dev/null; with OUT=pipe to a pipe this script drains (as a shell's `| cat` or a
# script capturing the output would).
import os, sys, time, statistics as st

n = int(sys.argv[1])
cmds = sys.argv[2:]
cpu = [[] for _ in cmds]
wall = [[] for _ in cmds]
devnull = os.open('/dev/null', os.O_WRONLY)
for i in range(n):
    for j in range(len(cmds)):
        k = (i + j) % len(cmds)
        argv = cmds[k].split()
        t = time.perf_counter()
        r, w = os.pipe() if os.environ.get('OUT') == 'pipe' else (None, None)
        pid = os.fork()
        if pid == 0:
            os.dup2(w if w is not None else devnull, 1)
            os.dup2(devnull, 2)
            os.execvp(argv[0], argv)
        if r is not None:
            os.close(w)
            while os.read(r, 65536):
                pass
            os.close(r)
        _, status, ru = os.wait4(pid, 0)
        wall[k].append((time.perf_counter() - t) * 1000)
        cpu[k].append((ru.ru_utime + ru.ru_stime) * 1000)
        if status != 0:
            sys.exit(f'failed: {cmds[k]} ({status})')
for k, c in enumerate(cmds):
    print(f'{c}: cpu {st.median(cpu[k]):.1f} ms, wall {st.median(wall[k]):.1f} ms')
print('load', open('/proc/loadavg').read().split()[0])
