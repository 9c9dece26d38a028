#!/usr/bin/env python3
# A/B of dockui builds (issue 18, helper build18): each "NAME=ROOT=BIN" runs `node BIN build -q -t ab:1 CTX`
# with DOCKUI_ROOT=ROOT, alternating which goes first; medians of CPU (wait4 user+sys) and wall.
# ROOT/build-cache is removed before each build (a cold build) unless AB_KEEP=1; AB_STAMP=1
# rewrites CTX/stamp.txt before each build (a new layer; with AB_KEEP, a one-file change).
# Usage: [AB_KEEP=1] [AB_STAMP=1] python3 bench/build-ab.py N CTX NAME=ROOT=BIN ...
import os, sys, time, shutil, statistics as st
n = int(sys.argv[1]); ctx = sys.argv[2]; specs = [a.split('=') for a in sys.argv[3:]]
cpu = [[] for _ in specs]; wall = [[] for _ in specs]
devnull = os.open('/dev/null', os.O_WRONLY)
extra = os.environ.get('AB_ARGS', '').split()
for i in range(n):
    for j in range(len(specs)):
        k = (i + j) % len(specs); name, root, binp = specs[k]
        if not os.environ.get('AB_KEEP'): shutil.rmtree(os.path.join(root, 'build-cache'), ignore_errors=True)
        if os.environ.get('AB_STAMP'): open(os.path.join(ctx, 'stamp.txt'), 'w').write(f'{name} {i} {time.time()}\n')
        env = dict(os.environ, DOCKUI_ROOT=root, DOCKUI_RUNROOT=root + '-run')
        t = time.perf_counter(); pid = os.fork()
        if pid == 0:
            os.dup2(devnull, 1); os.dup2(devnull, 2)
            os.execvpe('node', ['node', binp, 'build', '-q', *extra, '-t', 'ab:1', ctx], env)
        _, status, ru = os.wait4(pid, 0)
        wall[k].append((time.perf_counter() - t) * 1000); cpu[k].append((ru.ru_utime + ru.ru_stime) * 1000)
        if status != 0: sys.exit(f'failed: {name}')
for k, s in enumerate(specs):
    print(f'{s[0]}: cpu {st.median(cpu[k]):.0f} ms, wall {st.median(wall[k]):.0f} ms  (cpu {" ".join(f"{x:.0f}" for x in cpu[k])})')
print('load', open('/proc/loadavg').read().split()[0])
