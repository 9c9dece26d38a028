#!/usr/bin/env python3
"""A pty relay for bench/tui.mjs: runs a command on a real pseudo-terminal of a given size and
timestamps everything on one clock (time.monotonic_ns), so the key-to-redraw latency is measured
here, not across the pipe to node.

Usage: tui-pty.py COLS ROWS -- CMD [ARG...]
stdin, one JSON object a line:  {"op": "write", "id": N, "data": "j"}   {"op": "resize", "cols": C, "rows": R}
                                 {"op": "close"} (SIGHUP to the child, as a closing terminal does)
stdout, one JSON object a line: {"ev": "pid", "pid": P}
                                 {"ev": "wrote", "id": N, "t": NS}     (just before write())
                                 {"ev": "out", "t": NS, "d": BASE64}   (t: when read() returned)
                                 {"ev": "exit", "status": S}
"""
import base64
import fcntl
import json
import os
import select
import signal
import struct
import sys
import termios
from time import monotonic_ns as time_ns


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    cmd = sys.argv[sys.argv.index('--') + 1:]
    pid, master = os.forkpty()
    if pid == 0:
        set_size(0, cols, rows)
        os.environ['TERM'] = os.environ.get('TERM') or 'xterm-256color'
        os.execvp(cmd[0], cmd)
    set_size(master, cols, rows)
    out = sys.stdout.buffer

    def emit(obj):
        out.write(json.dumps(obj, separators=(',', ':')).encode() + b'\n')
        out.flush()

    emit({'ev': 'pid', 'pid': pid})
    stdin = sys.stdin.buffer.raw
    pending = b''
    stdin_open = True
    status = None
    while True:
        fds = [master] + ([stdin] if stdin_open else [])
        try:
            ready, _, _ = select.select(fds, [], [], 0.5)
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                data = b''
            t = time_ns()
            if not data:
                break
            emit({'ev': 'out', 't': t, 'd': base64.b64encode(data).decode()})
        if stdin_open and stdin in ready:
            chunk = os.read(stdin.fileno(), 65536)
            if not chunk:
                stdin_open = False
                os.kill(pid, signal.SIGHUP)
                continue
            pending += chunk
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                if not line.strip():
                    continue
                msg = json.loads(line)
                op = msg.get('op')
                if op == 'write':
                    t = time_ns()
                    os.write(master, msg['data'].encode())
                    emit({'ev': 'wrote', 'id': msg.get('id'), 't': t})
                elif op == 'resize':
                    set_size(master, msg['cols'], msg['rows'])
                    os.kill(pid, signal.SIGWINCH)
                elif op == 'close':
                    os.kill(pid, signal.SIGHUP)
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            # Drain what is left in the pty.
            try:
                while select.select([master], [], [], 0.05)[0]:
                    data = os.read(master, 65536)
                    if not data:
                        break
                    emit({'ev': 'out', 't': time_ns(), 'd': base64.b64encode(data).decode()})
            except OSError:
                pass
            break
    if status is None:
        _, status = os.waitpid(pid, 0)
    emit({'ev': 'exit', 'status': os.waitstatus_to_exitcode(status)})


if __name__ == '__main__':
    main()
