// Parsers for the structured values inside instructions: `--mount` specs, Go durations,
// port specs, sizes and signals. They throw `ValueError`; the caller adds the source range.
import { cacheSharingModes, mountTypes } from './types.js';
import { parseGoDuration } from '../util/duration.js';
import type { CacheSharing, MountSpec, MountType } from './types.js';
import { q } from './text.js';

export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** Splits one CSV record the way Go's encoding/csv does for a single line (quotes, "" escapes). */
function csvFields(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new ValueError(`unterminated quote in ${q(s)}`);
        const ch = s[i++] ?? '';
        if (ch === '"') {
          if (s[i] === '"') {
            field += '"';
            i++;
            continue;
          }
          break;
        }
        field += ch;
      }
      if (i < s.length && s[i] !== ',') throw new ValueError(`extraneous text after a quoted field in ${q(s)}`);
    } else {
      const comma = s.indexOf(',', i);
      const end = comma < 0 ? s.length : comma;
      field = s.slice(i, end);
      if (field.includes('"')) throw new ValueError(`bare " in a field of ${q(s)}: quote the whole field`);
      i = end;
    }
    out.push(field);
    if (i >= s.length) return out;
    i++; // the comma
  }
}

function parseBool(key: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === '1' || l === 't' || l === 'true') return true;
  if (l === '0' || l === 'f' || l === 'false') return false;
  throw new ValueError(`invalid value for ${key}: ${q(v)} (expected true or false)`);
}

function parseUint(key: string, v: string, base: 8 | 10): number {
  const re = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(v))
    throw new ValueError(`invalid value for ${key}: ${q(v)} (expected ${base === 8 ? 'an octal mode like 0755' : 'a number'})`);
  const n = parseInt(v, base);
  if (n > 0xffffffff) throw new ValueError(`invalid value for ${key}: ${q(v)} is too large`);
  return n;
}

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A RAM size as Docker reads it: `64m`, `1g`, `512k`, plain bytes. Binary multiples. */
export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v);
  const unit = sizeUnits[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new ValueError(`invalid size ${q(v)} (expected a number with an optional unit: 64m, 1g)`);
  return Math.floor(Number(m[1]) * unit);
}

export interface MountParseOptions {
  /**
   * Before expansion: values holding `$` are kept raw and not validated (numbers are left
   * undefined), and a mount whose type is a variable yields undefined.
   */
  readonly lenient?: boolean;
  /** Position among the RUN's ssh mounts, for the default target. */
  readonly sshIndex?: number;
}

/** Parses one `--mount=` value (BuildKit's ParseMount). */
export function parseMount(spec: string, opts: MountParseOptions = {}): MountSpec | undefined {
  const lenient = opts.lenient ?? false;
  const deferred = (v: string): boolean => lenient && v.includes('$');
  const fields = csvFields(spec);
  let type: MountType = 'bind';
  // The type decides which keys are valid, so read it first wherever it is written.
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq >= 0 && f.slice(0, eq).trim().toLowerCase() === 'type') {
      const v = f.slice(eq + 1).trim();
      if (deferred(v)) return undefined;
      const t = v.toLowerCase();
      if (!(mountTypes as readonly string[]).includes(t)) {
        throw new ValueError(`unsupported mount type ${q(v)} (use ${mountTypes.join(', ')})`);
      }
      type = t as MountType;
    }
  }
  let target = '';
  let source: string | undefined;
  let from: string | undefined;
  let readonly: boolean | undefined;
  let id: string | undefined;
  let sharing: CacheSharing | undefined;
  let required: boolean | undefined;
  let mode: number | undefined;
  let uid: number | undefined;
  let gid: number | undefined;
  let size: number | undefined;
  let env: string | undefined;
  const only = (key: string, ...types: MountType[]): void => {
    if (!types.includes(type)) throw new ValueError(`"${key}" is not valid for a ${type} mount (only for ${types.join(', ')})`);
  };
  for (const field of fields) {
    if (field.trim() === '') continue;
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (eq < 0) {
      switch (key) {
        case 'readonly':
        case 'ro':
          readonly = true;
          continue;
        case 'readwrite':
        case 'rw':
          readonly = false;
          continue;
        case 'required':
          only(key, 'secret', 'ssh');
          required = true;
          continue;
        default:
          throw new ValueError(`unexpected key ${q(key)} in ${q(field)} (write key=value)`);
      }
    }
    const value = field.slice(eq + 1);
    const late = deferred(value);
    switch (key) {
      case 'type':
        break;
      case 'source':
      case 'src':
        source = value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        target = value;
        break;
      case 'readonly':
      case 'ro':
        if (!late) readonly = parseBool(key, value);
        break;
      case 'readwrite':
      case 'rw':
        if (!late) readonly = !parseBool(key, value);
        break;
      case 'required':
        only(key, 'secret', 'ssh');
        if (!late) required = parseBool(key, value);
        break;
      case 'id':
        id = value;
        break;
      case 'sharing':
        only(key, 'cache');
        if (!late) {
          const s = value.toLowerCase();
          if (!(cacheSharingModes as readonly string[]).includes(s))
            throw new ValueError(`unsupported sharing value ${q(value)} (use shared, private or locked)`);
          sharing = s as CacheSharing;
        }
        break;
      case 'from':
        only(key, 'bind', 'cache');
        // BuildKit resolves mount sources before any ARG is known.
        if (/\$./.test(value))
          throw new ValueError(
            `"from" does not support variable expansion (${q(value)}): define an alias stage (FROM ${value.length <= 40 ? value : '...'} AS name) instead`,
          );
        from = value;
        break;
      case 'mode':
        only(key, 'cache', 'secret', 'ssh');
        if (!late) mode = parseUint(key, value, 8);
        break;
      case 'uid':
        only(key, 'cache', 'secret', 'ssh');
        if (!late) uid = parseUint(key, value, 10);
        break;
      case 'gid':
        only(key, 'cache', 'secret', 'ssh');
        if (!late) gid = parseUint(key, value, 10);
        break;
      case 'size':
        only(key, 'tmpfs');
        if (!late) size = parseSize(value);
        break;
      case 'env':
        only(key, 'secret');
        env = value;
        break;
      default:
        throw new ValueError(`unexpected key ${q(key)} in ${q(field)}`);
    }
  }
  if (type === 'secret') {
    // For secrets, source names the secret like id does.
    if (source && id) throw new ValueError('a secret mount takes source or id, not both');
    if (source) {
      id = source;
      source = undefined;
    }
    if (!id && !target && !env) throw new ValueError('a secret mount needs an id or a target (id=mysecret)');
    if (!id && target) id = target.slice(target.lastIndexOf('/') + 1);
    if (!target && id && !env) target = `/run/secrets/${id}`;
  } else if (type === 'ssh') {
    id ||= 'default';
    if (!target) target = `/run/buildkit/ssh_agent.${opts.sshIndex ?? 0}`;
  } else if (!target) {
    throw new ValueError(`a ${type} mount needs a target (target=/path)`);
  }
  if (type === 'cache') {
    id ||= target;
    sharing ??= 'shared';
  }
  // bind, secret and ssh are read-only unless asked otherwise; cache and tmpfs are writable.
  readonly ??= !(type === 'cache' || type === 'tmpfs');
  return {
    type,
    target,
    readonly,
    ...(source === undefined ? {} : { source }),
    ...(from === undefined ? {} : { from }),
    ...(id === undefined ? {} : { id }),
    ...(sharing === undefined ? {} : { sharing }),
    ...(required === undefined ? {} : { required }),
    ...(mode === undefined ? {} : { mode }),
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
    ...(size === undefined ? {} : { size }),
    ...(env === undefined ? {} : { env }),
  };
}

/** Go's time.ParseDuration, in nanoseconds: `30s`, `1m30s`, `1.5h`, `500ms`, `0`. */
export function parseDuration(v: string): number {
  const ns = parseGoDuration(v);
  if (ns === undefined) {
    if (v === '') throw new ValueError(`invalid duration ${q(v)}`);
    throw new ValueError(`invalid duration ${q(v)} (expected a number with a unit: 30s, 1m30s, 500ms)`);
  }
  return ns;
}

export interface PortSpec {
  readonly start: number;
  readonly end: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
}

/** `80`, `80/tcp`, `53/udp`, `8000-8010` → a port range and protocol (tcp by default). */
export function parsePortSpec(v: string): PortSpec {
  const m = /^(\d+)(?:-(\d+))?(?:\/([a-zA-Z]+))?$/.exec(v);
  if (!m) throw new ValueError(`invalid port ${q(v)} (expected PORT, PORT/PROTOCOL or START-END)`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const protocol = (m[3] ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp')
    throw new ValueError(`invalid protocol ${q(m[3] ?? '')} in ${q(v)} (use tcp, udp or sctp)`);
  if (start < 1 || start > 65535 || end < start || end > 65535) throw new ValueError(`invalid port ${q(v)} (ports run from 1 to 65535)`);
  return { start, end, protocol };
}

const signalNumbers: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};

/** `SIGTERM`, `TERM`, `15`, `SIGRTMIN+3` → the signal as the image config stores it. */
export function parseSignal(v: string): string {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n < 1 || n > 64) throw new ValueError(`invalid signal ${q(v)} (1 to 64)`);
    return v;
  }
  const name = v.toUpperCase().replace(/^SIG/, '');
  if (signalNumbers[name] !== undefined || /^RTM(IN|AX)([+-]\d+)?$/.test(name)) return v;
  throw new ValueError(`invalid signal ${q(v)} (use a name like SIGTERM or a number)`);
}
