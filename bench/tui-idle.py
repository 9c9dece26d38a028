#!/usr/bin/env python3
# Idle CPU of the TUI: opens `dockui` on ROOT in a 120x40 pseudo-terminal, waits 6 s for it to
# settle on the Containers pane, then reports the process's CPU (utime+stime from /proc) over
# SECS seconds as % of one core. Builds alternate, ROUNDS times each; median per build.
# Usage: python3 bench/tui-idle.py ROOT SECS ROUNDS NAME=PATH/bin/dockui.js [NAME=...]
import os, pty, select, signal, sys, time, statistics
root=sys.argv[1]; secs=float(sys.argv[2]); rounds=int(sys.argv[3]); builds=[(a.split('=')[0],a.split('=')[1]) for a in sys.argv[4:]]
tck=os.sysconf('SC_CLK_TCK')
def cpu(pid):
    f=open(f'/proc/{pid}/stat').read().rsplit(')',1)[1].split(); return (int(f[11])+int(f[12]))/tck
def drain(fd, until):
    while time.time()<until:
        r,_,_=select.select([fd],[],[],0.05)
        if r:
            try: os.read(fd,65536)
            except OSError: return
def once(b):
    pid, fd = pty.fork()
    if pid==0:
        os.chdir('/tmp'); os.environ.update({'DOCKUI_ROOT':root}); os.execvp(b,[b])
    import fcntl, termios, struct
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH',40,120,0,0))
    drain(fd, time.time()+6)
    c0=cpu(pid); t0=time.time(); drain(fd, t0+secs); c1=cpu(pid); t1=time.time()
    os.write(fd,b'q'); drain(fd, time.time()+2)
    try: os.kill(pid,9); os.waitpid(pid,0)
    except Exception: pass
    return 100*(c1-c0)/(t1-t0)
res={n:[] for n,_ in builds}
for _ in range(rounds):
    for n,b in builds: res[n].append(once(b))
for n,v in res.items(): print(f'{n}: idle CPU median {statistics.median(v):.1f}% of a core ({", ".join(f"{x:.1f}" for x in v)})')
