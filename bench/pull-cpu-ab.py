#!/usr/bin/env python3
# Cold pull of fixture/big by two builds of dockui, alternating, into fresh roots: wall time and
# CPU time (user + sys of the dockui process, from getrusage of children), medians and paired
# ratios. CPU is the steadier measure on a loaded host.
# Usage: python3 bench/pull-cpu-ab.py N BEFORE_DIR AFTER_DIR   (DIR: a tree with bin/ and dist/)
# Registry: $DOCKUI_TEST_REGISTRY (default 127.0.0.1:5000) with fixture/big seeded.
import os, resource, shutil, statistics, subprocess, sys

reps = int(sys.argv[1])
sides = sys.argv[2:4]
env = dict(os.environ)
env.pop('NODE_EXTRA_CA_CERTS', None)
img = f"{os.environ.get('DOCKUI_TEST_REGISTRY', '127.0.0.1:5000')}/fixture/big:latest"
wall = {s: [] for s in sides}
cpu = {s: [] for s in sides}
for i in range(reps):
    for k, s in enumerate(sides if i % 2 == 0 else sides[::-1]):
        root = f'/var/tmp/dockui-pull-cpu-ab-{sides.index(s)}'
        shutil.rmtree(root, ignore_errors=True)
        a = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = os.times().elapsed
        subprocess.run(['node', os.path.join(s, 'bin/dockui.cjs'), 'pull', '-q', img], env=dict(env, DOCKUI_ROOT=root), check=True, capture_output=True)
        wall[s].append(os.times().elapsed - t)
        b = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[s].append((b.ru_utime - a.ru_utime) + (b.ru_stime - a.ru_stime))
        shutil.rmtree(root, ignore_errors=True)
for s in sides:
    print(f'{s}: wall {statistics.median(wall[s]) * 1000:.0f} ms, cpu {statistics.median(cpu[s]) * 1000:.0f} ms')
for name, d in (('wall', wall), ('cpu', cpu)):
    r = sorted(y / x for x, y in zip(d[sides[0]], d[sides[1]]))
    print(f'{name} after/before, paired quartiles: ' + ' / '.join(f'{r[int(f * len(r))]:.3f}' for f in (0.25, 0.5, 0.75)))
