// The values of `dockui build`'s docker 20.10 flags, checked before anything is built: one line
// for a bad one (docker's or BuildKit's words where they have them).
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { EngineError } from '../../engine/define.js';
import type { BuildOutput } from '../../engine/index.js';
import { flagError } from '../args.js';

const bad = (msg: string) => new EngineError('invalid_argument', msg);

/** `--add-host host:ip` (docker's opts.ValidateExtraHost). */
export function parseAddHosts(list: readonly string[] | undefined): { host: string; ip: string }[] {
  return (list ?? []).map((v) => {
    const i = v.indexOf(':');
    const host = i === -1 ? '' : v.slice(0, i);
    const ip = i === -1 ? '' : v.slice(i + 1);
    if (i === -1 || host === '' || /\s/.test(host))
      throw flagError(`invalid argument "${v}" for "--add-host" flag: bad format for add-host: "${v}"`);
    if (!isIP(ip.replace(/^\[(.*)\]$/, '$1')))
      throw flagError(`invalid argument "${v}" for "--add-host" flag: invalid IP address in add-host: "${ip}"`);
    return { host, ip: ip.replace(/^\[(.*)\]$/, '$1') };
  });
}

/** `--network`: what BuildKit's RUN can have. */
export function parseNetwork(v: string | undefined): 'default' | 'none' | 'host' | undefined {
  if (v === undefined) return undefined;
  if (v === 'default' || v === 'none' || v === 'host') return v;
  throw bad(`network mode "${v}" not supported by the build (default, none or host)`);
}

/**
 * `-o, --output`: `type=local,dest=DIR`, `type=tar,dest=FILE|-`, a bare `DIR`, or `-` (a tar
 * on stdout). Where it goes is checked now, so a bad one fails before the build.
 */
export function parseOutput(list: readonly string[] | undefined, stdout: NodeJS.WritableStream): BuildOutput | undefined {
  if (!list || list.length === 0) return undefined;
  if (list.length > 1) throw bad('only one --output is supported');
  const v = list[0]!;
  let type = 'local';
  let dest: string | undefined;
  if (v === '-') type = 'tar';
  if (!v.includes('=')) dest = v;
  else
    for (const part of v.split(',')) {
      const eq = part.indexOf('=');
      const k = part.slice(0, eq).trim().toLowerCase();
      const val = part.slice(eq + 1);
      if (eq === -1 || (k !== 'type' && k !== 'dest'))
        throw bad(`invalid --output value ${JSON.stringify(v)} (type=local,dest=DIR or type=tar,dest=FILE)`);
      if (k === 'type') type = val;
      else dest = val;
    }
  if (type !== 'local' && type !== 'tar') throw bad(`output type "${type}" is not supported here (local or tar)`);
  if (dest === undefined || dest === '') throw bad(`--output type=${type} needs dest=${type === 'local' ? 'DIR' : 'FILE'}`);
  if (dest === '-') {
    if (type === 'local') throw bad('--output type=local cannot go to stdout (use type=tar or -o -)');
    return { type: 'tar', stream: stdout };
  }
  const abs = resolve(dest);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (type === 'local' && st && !st.isDirectory()) throw bad(`--output dest ${dest} is not a directory`);
  if (type === 'tar') {
    if (st?.isDirectory()) throw bad(`--output dest ${dest} is a directory (type=tar writes a file)`);
    if (!statSync(dirname(abs), { throwIfNoEntry: false })?.isDirectory()) throw bad(`--output dest ${dest}: no directory ${dirname(abs)}`);
  }
  return type === 'local' ? { type: 'local', dest: abs } : { type: 'tar', dest: abs };
}

/** `--ssh default|ID[=SOCKET]`: agent sockets by id (`default` or no socket: $SSH_AUTH_SOCK). */
export function parseSsh(list: readonly string[] | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of list ?? []) {
    const eq = v.indexOf('=');
    const id = eq === -1 ? v : v.slice(0, eq);
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw bad(`invalid --ssh value ${JSON.stringify(v)} (default|ID[=SOCKET])`);
    const path = eq === -1 ? env.SSH_AUTH_SOCK : v.slice(eq + 1);
    if (path === undefined || path === '') throw bad('invalid empty ssh agent socket, make sure SSH_AUTH_SOCK is set');
    if (path.includes(',')) throw bad(`--ssh ${id}: key files are not supported here, only an agent's socket`);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw bad(`--ssh ${id}: ${path} does not exist`);
    if (!st.isSocket()) throw bad(`--ssh ${id}: ${path} is not a socket (key files are not supported here, only an agent's socket)`);
    out[id] = resolve(path);
  }
  return out;
}
