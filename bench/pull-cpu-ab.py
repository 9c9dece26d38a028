#!/usr/bin/env python3
# Cold pull by two builds of dockui, alternating, into fresh roots: wall time and CPU time (user +
# sys of the dockui process, from getrusage of children), medians and paired ratios. CPU is the
# steadier measure on a loaded host. With SKOPEO=1, `skopeo copy` of the same image to an OCI
# folder (download only) takes its turn in each round too, and the ratios to it are printed.
# Usage: [IMAGE=fixture/busybox] [SKOPEO=1] python3 bench/pull-cpu-ab.py N BEFORE_DIR AFTER_DIR
#   (DIR: a tree with bin/ and dist/; IMAGE is a repository:tag of the registry, fixture/big:latest
#   by default). Registry: $DOCKUI_TEST_REGISTRY (default 127.0.0.1:5000), seeded.
import os, resource, shutil, statistics, subprocess, sys, time

reps = int(sys.argv[1])
sides = sys.argv[2:4]
env = dict(os.environ)
env.pop('NODE_EXTRA_CA_CERTS', None)
reg = os.environ.get('DOCKUI_TEST_REGISTRY', '127.0.0.1:5000')
img = f"{reg}/{os.environ.get('IMAGE', 'fixture/big:latest')}"
peer = os.environ.get('SKOPEO') == '1'
names = sides + (['skopeo'] if peer else [])
wall = {s: [] for s in names}
cpu = {s: [] for s in names}


def once(s, k):
    root = f'/var/tmp/dockui-pull-cpu-ab-{k}'
    shutil.rmtree(root, ignore_errors=True)
    if s == 'skopeo':
        cmd = ['skopeo', 'copy', '-q', '--src-tls-verify=false', f'docker://{img}', f'oci:{root}:x']
    else:
        cmd = ['node', os.path.join(s, 'bin/dockui.cjs'), 'pull', '-q', img]
    a = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=dict(env, DOCKUI_ROOT=root), check=True, capture_output=True)
    wall[s].append(time.perf_counter() - t)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu[s].append((b.ru_utime - a.ru_utime) + (b.ru_stime - a.ru_stime))
    shutil.rmtree(root, ignore_errors=True)


for i in range(reps):
    order = names[i % len(names):] + names[:i % len(names)]
    for s in order:
        once(s, names.index(s))
for s in names:
    print(f'{s}: wall {statistics.median(wall[s]) * 1000:.0f} ms, cpu {statistics.median(cpu[s]) * 1000:.0f} ms')
for name, d in (('wall', wall), ('cpu', cpu)):
    r = sorted(y / x for x, y in zip(d[sides[0]], d[sides[1]]))
    print(f'{name} after/before, paired quartiles: ' + ' / '.join(f'{r[int(f * len(r))]:.3f}' for f in (0.25, 0.5, 0.75)))
if peer:
    for s in sides:
        print(f'{s} / skopeo, wall medians: {statistics.median(wall[s]) / statistics.median(wall["skopeo"]):.2f}×')
