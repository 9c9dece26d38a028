// Rootless dockui: the user namespace every command of an ordinary user runs in (podman's pause
// process). One long-lived process, `dockui-pause` (a symlink to sleep, so its name says what it
// is), is made with `unshare -U -m` and mapped by newuidmap/newgidmap (uidmap package) to the
// user's own id as 0 and the subordinate range from /etc/subuid and /etc/subgid above it. Every
// command joins it with `nsenter -U -m --preserve-credentials`, so overlay mounts and network
// namespaces made by one command are there for the next, and the container monitors live in it.
// The fast path (the pause process is there) is in bin/dockui.js's shell line: no second Node
// start. This file only runs when it is not: it makes the pause process, then runs the command in
// it and returns its exit code.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  linkSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants as osConstants, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where the pause process's pid is kept; bin/dockui.js's shell line reads the same file. */
export function pauseDir(env = process.env) {
  return env.XDG_RUNTIME_DIR || join(env.HOME || userInfo().homedir, '.local/share');
}

const fail = (msg) => {
  const e = new Error(msg);
  e.dockuiUser = true;
  throw e;
};

function which(name) {
  for (const d of [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The user's first subordinate range in FILE (by name or by uid), or undefined. */
export function subRange(file, name, id) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if ((who === name || who === String(id)) && /^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '') && Number(count) > 0)
      return { start: Number(start), count: Number(count) };
  }
  return undefined;
}

/** The pid of a live pause process of this user, or undefined. */
export function livePause(pidFile) {
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'dockui-pause') return undefined;
    if (readlinkSync(`/proc/${pid}/ns/user`) === readlinkSync('/proc/self/ns/user')) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

function makePause(dir) {
  const me = userInfo();
  const uidR = subRange('/etc/subuid', me.username, me.uid);
  const gidR = subRange('/etc/subgid', me.username, me.uid);
  if (!uidR || !gidR)
    fail(
      `rootless dockui needs subordinate ids for ${me.username} in /etc/subuid and /etc/subgid ` +
        `(as root: usermod --add-subuids 200000-265535 --add-subgids 200000-265535 ${me.username})`,
    );
  const newuidmap = which('newuidmap');
  const newgidmap = which('newgidmap');
  if (!newuidmap || !newgidmap) fail('rootless dockui needs newuidmap and newgidmap: install the uidmap package (apt-get install uidmap)');
  const unshare = which('unshare');
  const sleep = which('sleep');
  if (!unshare || !sleep) fail('rootless dockui needs unshare (util-linux) and sleep (coreutils)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const link = join(dir, 'dockui-pause');
  try {
    if (readlinkSync(link) !== sleep) unlinkSync(link);
  } catch {
    /* absent */
  }
  try {
    symlinkSync(sleep, link);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  const child = spawn(unshare, ['-U', '-m', '--propagation', 'private', '--', link, 'infinity'], {
    detached: true,
    stdio: 'ignore',
    cwd: '/',
  });
  const pid = child.pid;
  child.unref();
  if (!pid) fail('rootless dockui: cannot start unshare');
  const own = readlinkSync('/proc/self/ns/user');
  const deadline = Date.now() + 5000;
  for (;;) {
    let ns;
    try {
      ns = readlinkSync(`/proc/${pid}/ns/user`);
    } catch {
      fail('rootless dockui: unshare -U failed (are unprivileged user namespaces enabled? sysctl kernel.unprivileged_userns_clone=1)');
    }
    if (ns !== own) break;
    if (Date.now() > deadline) fail('rootless dockui: unshare -U did not make a user namespace');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
  }
  const map = (bin, id, r) => {
    const res = spawnSync(bin, [String(pid), '0', String(id), '1', '1', String(r.start), String(r.count)], { encoding: 'utf8' });
    if (res.status !== 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      fail(`rootless dockui: ${bin.split('/').pop()} failed: ${(res.stderr || '').trim().split('\n').pop()}`);
    }
  };
  map(newuidmap, me.uid, uidR);
  map(newgidmap, me.gid, gidR);
  return pid;
}

/** The pid of this user's pause process, made if need be (concurrent first commands agree on one). */
export function ensurePause() {
  const dir = pauseDir();
  const pidFile = join(dir, 'dockui-userns.pid');
  const live = livePause(pidFile);
  if (live) return live;
  const pid = makePause(dir);
  const tmp = `${pidFile}.${process.pid}`;
  writeFileSync(tmp, `${pid}\n`);
  try {
    linkSync(tmp, pidFile);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    const other = livePause(pidFile);
    if (other) {
      rmSync(tmp, { force: true });
      process.kill(pid, 'SIGKILL');
      return other;
    }
    renameSync(tmp, pidFile); // a stale file: replaced
    return pid;
  }
  rmSync(tmp, { force: true });
  return pid;
}

/** Runs `node script ...argv` in the pause process's namespaces; returns its exit code. */
export function runInUserns(script, argv) {
  let pid;
  try {
    pid = ensurePause();
  } catch (e) {
    if (!e.dockuiUser) throw e;
    process.stderr.write(`dockui: ${e.message}\n`);
    return 125;
  }
  const r = spawnSync(
    'nsenter',
    ['-t', String(pid), '-U', '-m', '--preserve-credentials', `--wd=${process.cwd()}`, '--', process.execPath, '--', script, ...argv],
    { stdio: 'inherit', env: { ...process.env, DOCKUI_USERNS: String(pid) } },
  );
  if (r.error) {
    process.stderr.write(`dockui: cannot run nsenter (util-linux): ${r.error.message}\n`);
    return 125;
  }
  if (r.signal) return 128 + (osConstants.signals[r.signal] ?? 1);
  return r.status ?? 125;
}
