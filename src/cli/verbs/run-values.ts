// The values of run/create's flags that docker's CLI parses itself, before it asks the daemon,
// checked here the same way and refused in its words with exit 125 (flagError), for create as
// for run. Two kinds, as docker 20.10 prints them: a value its flag type refuses (pflag: `invalid
// argument "abc" for "-m, --memory" flag: invalid size: 'abc'`) and a value its parse() refuses
// (`docker: Invalid containerPort: bogus.`, printed here without docker's trailing period).
// What only the daemon checks (a restart policy's name, a memory floor, a CPU range, a mount's
// source) is left to the engine, whose refusal a create reports with exit 1, as docker's does.
// Pure: go-units, go-connections/nat and docker's opts ported, no I/O but a seccomp file's read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Net from 'node:net';
import { flagError } from '../args.js';
import { namespacedSysctl } from '../../engine/define.js';

/** pflag's refusal of a flag's value. `flag`: its name as pflag shows it ("-m, --memory", "--cpus"). */
function invalid(value: string, flag: string, why: string): Error {
  return flagError(`invalid argument ${JSON.stringify(value)} for "${flag}" flag: ${why}`);
}

/** docker's parse() refusal: its message, without the period docker's reportError adds. */
function refused(message: string): Error {
  return flagError(message.replace(/\.$/, ''));
}

const syntax = (fn: string, s: string) => new Error(`strconv.${fn}: parsing ${JSON.stringify(s)}: invalid syntax`);
const range = (fn: string, s: string) => new Error(`strconv.${fn}: parsing ${JSON.stringify(s)}: value out of range`);

/** Go's strconv.ParseInt(s, base, 64); base 0 takes 0x, 0o, 0b and 0 prefixes and underscores. */
export function goParseInt(s: string, base: 0 | 10 = 10): bigint {
  let t = s;
  const neg = t.startsWith('-');
  if (neg || t.startsWith('+')) t = t.slice(1);
  let radix = 10;
  if (base === 0) {
    const p = /^0([xXbBoO])/.exec(t);
    if (p) [radix, t] = [{ x: 16, b: 2, o: 8 }[p[1]!.toLowerCase() as 'x' | 'b' | 'o'], t.slice(2).replace(/^_/, '')];
    else if (/^0./.test(t)) [radix, t] = [8, t.slice(1).replace(/^_/, '')];
    if (t.includes('_')) {
      if (!/^[0-9a-zA-Z]+(?:_[0-9a-zA-Z]+)*$/.test(t)) throw syntax('ParseInt', s);
      t = t.replace(/_/g, '');
    }
  }
  const digit = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^\d+$/, 16: /^[0-9a-fA-F]+$/ }[radix as 2 | 8 | 10 | 16];
  if (!digit.test(t)) throw syntax('ParseInt', s);
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[radix as 2 | 8 | 10 | 16];
  const n = (neg ? -1n : 1n) * BigInt(`${prefix}${t}`);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw range('ParseInt', s);
  return n;
}

/** A pflag int or int64 flag's value (strconv.ParseInt(s, 0, 64)). */
export function intFlag(value: string, flag: string): number {
  try {
    return Number(goParseInt(value, 0));
  } catch (e) {
    throw invalid(value, flag, (e as Error).message);
  }
}

/** go-units' RAMInBytes: "512m", "1.5g", "1 GiB", "100" (bytes); binary multiples. */
export function ramInBytes(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!m) throw invalid(value, flag, `invalid size: '${value}'`);
  if (!/^\d+(?:\.\d+)?$/.test(m[1]!)) throw invalid(value, flag, `strconv.ParseFloat: parsing ${JSON.stringify(m[1])}: invalid syntax`);
  return Math.trunc(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] ?? ' ').toLowerCase()));
}

/** docker's MemSwapBytes (--memory-swap): -1 (unlimited swap), or a size as RAMInBytes reads it. */
export function memSwapFlag(value: string): number {
  return value === '-1' ? -1 : ramInBytes(value, '--memory-swap');
}

/** docker's GpuOpts.Set (--gpus): "all", a count, or driver=,count=,device=,capabilities=,options= fields. */
export function gpusFlag(value: string): {
  Driver: string;
  Count: number;
  DeviceIDs: string[] | null;
  Capabilities: string[][];
  Options: Record<string, string>;
} {
  const fail = (why: string) => invalid(value, '--gpus', why);
  const count = (s: string) => {
    if (s === 'all') return -1;
    if (!/^[+-]?\d+$/.test(s)) throw fail(`count must be an integer: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
    return Number(s);
  };
  let fields: string[];
  try {
    fields = csvFields(value);
  } catch (e) {
    throw fail((e as Error).message);
  }
  const req = { Driver: '', Count: 0, DeviceIDs: null as string[] | null, Capabilities: [['gpu']], Options: {} as Record<string, string> };
  const seen = new Set<string>();
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = eq === -1 ? field : field.slice(0, eq);
    if (seen.has(key)) throw fail(`gpu request key '${key}' can be specified only once`);
    seen.add(key);
    if (eq === -1) {
      seen.add('count');
      req.Count = count(key);
      continue;
    }
    const v = field.slice(eq + 1);
    if (key === 'driver') req.Driver = v;
    else if (key === 'count') req.Count = count(v);
    else if (key === 'device') req.DeviceIDs = v.split(',');
    else if (key === 'capabilities') req.Capabilities = [[...v.split(','), 'gpu']];
    else if (key === 'options') {
      let kv: string[];
      try {
        kv = csvFields(v);
      } catch (e) {
        throw fail(`failed to read gpu options: ${(e as Error).message}`);
      }
      for (const o of kv) {
        const i = o.indexOf('=');
        req.Options[i === -1 ? o : o.slice(0, i)] = i === -1 ? '' : o.slice(i + 1);
      }
    } else throw fail(`unexpected key '${key}' in '${field}'`);
  }
  if (!seen.has('count') && req.DeviceIDs === null) req.Count = 1;
  return req;
}

/** A number in Go's big.Int syntax with base 0 (no sign): its value, undefined when it is none. */
function bigUint(s: string): bigint | undefined {
  const p = /^0([xXbBoO])/.exec(s);
  const radix = p ? { x: 16, b: 2, o: 8 }[p[1]!.toLowerCase() as 'x' | 'b' | 'o'] : /^0./.test(s) ? 8 : 10;
  const t = p ? s.slice(2) : radix === 8 ? s.slice(1) : s;
  const digit = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^\d+$/, 16: /^[0-9a-fA-F]+$/ }[radix as 2 | 8 | 10 | 16];
  if (!digit.test(t)) return undefined;
  return BigInt(`${{ 2: '0b', 8: '0o', 10: '', 16: '0x' }[radix as 2 | 8 | 10 | 16]}${t}`);
}

/**
 * docker's opts.ParseCPUs: a big.Rat ("1.5", ".5", "1e-3", "3/4", "0x10", "1p-1") in nano-CPUs,
 * which must come out whole ("value is too precise"). The number of CPUs as a decimal string.
 */
export function cpusFlag(value: string): string {
  const bad = () => invalid(value, '--cpus', `failed to parse ${value} as a rational number`);
  let num: bigint;
  let den = 1n;
  const frac = /^([+-]?)([^/]+)\/([^/]+)$/.exec(value);
  if (frac) {
    const a = bigUint(frac[2]!);
    const b = bigUint(frac[3]!);
    if (a === undefined || b === undefined || b === 0n) throw bad();
    [num, den] = [frac[1] === '-' ? -a : a, b];
  } else {
    const m =
      /^([+-]?)(?:0[xX]([0-9a-fA-F]+)(?:[pP]([+-]?\d+))?|0[bB]([01]+)|0[oO]([0-7]+)|(\d*)(?:\.(\d*))?(?:([eEpP])([+-]?\d+))?)$/.exec(value);
    if (!m) throw bad();
    const [, sign, hex, hexExp, bin, oct, int, fraction, expKind, exp] = m;
    let e = 0;
    let eBase = 10n;
    if (hex !== undefined) [num, e, eBase] = [BigInt(`0x${hex}`), Number(hexExp ?? 0), 2n];
    else if (bin !== undefined) num = BigInt(`0b${bin}`);
    else if (oct !== undefined) num = BigInt(`0o${oct}`);
    else {
      if (!int && !fraction) throw bad();
      num = BigInt(`${int ?? ''}${fraction ?? ''}` || '0');
      den = 10n ** BigInt((fraction ?? '').length);
      if (expKind) [e, eBase] = [Number(exp), /[pP]/.test(expKind) ? 2n : 10n];
    }
    if (Math.abs(e) > 10_000) throw bad();
    if (e > 0) num *= eBase ** BigInt(e);
    else den *= eBase ** BigInt(-e);
    if (sign === '-') num = -num;
  }
  const scaled = num * 1_000_000_000n;
  if (scaled % den !== 0n) throw invalid(value, '--cpus', 'value is too precise');
  return String(Number(scaled / den) / 1e9);
}

/** go-units' ParseUlimit: NAME=SOFT[:HARD], a known name, whole numbers, soft not above hard. */
const ulimitNames = new Set(
  'as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack'.split(' '),
);
export function checkUlimit(value: string): void {
  const why = (() => {
    const i = value.indexOf('=');
    if (i === -1) return `invalid ulimit argument: ${value}`;
    const [name, limits] = [value.slice(0, i), value.slice(i + 1)];
    if (!ulimitNames.has(name)) return `invalid ulimit type: ${name}`;
    const parts = limits.split(':');
    if (parts.length > 2) return `too many limit value arguments - ${limits}, can only have up to two, \`soft[:hard]\``;
    try {
      const hard = parts.length === 2 ? goParseInt(parts[1]!) : undefined; // Go parses the hard limit first
      const soft = goParseInt(parts[0]!);
      if ((hard ?? soft) !== -1n && soft > (hard ?? soft))
        return `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard ?? soft}`;
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  })();
  if (why) throw invalid(value, '--ulimit', why);
}

/** Go's net.ParseIP (no zone), and docker's ValidateIPAddress of a value with spaces around. */
// node:net costs 1–3 ms to load and `create` without an address flag never needs it.
let net: typeof Net | undefined;
const parsesAsIp = (s: string) => (net ??= createRequire(import.meta.url)('node:net') as typeof Net).isIP(s) !== 0 && !s.includes('%');

/** docker's opts.ValidateIPAddress (--dns): the address, trimmed. */
export function dnsFlag(value: string): string {
  if (!parsesAsIp(value.trim())) throw invalid(value, '--dns', `${value} is not an ip address`);
  return value.trim();
}

/** docker's opts.ValidateDNSSearch (--dns-search): a domain, or ".". */
export function dnsSearchFlag(value: string): string {
  const v = value.replace(/^ +| +$/g, '');
  if (v === '.') return v;
  const m =
    /^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/.exec(
      v,
    );
  if (!/[a-zA-Z]/.test(v) || !m || m[1]!.length >= 255) throw invalid(value, '--dns-search', `${v} is not a valid domain`);
  return m[1]!;
}

/** docker's opts.ValidateExtraHost (--add-host): HOST:IP, the IP an address or host-gateway. */
export function checkExtraHost(value: string): void {
  const i = value.indexOf(':');
  if (i <= 0) throw invalid(value, '--add-host', `bad format for add-host: ${JSON.stringify(value)}`);
  const ip = value.slice(i + 1);
  if (ip !== 'host-gateway' && !parsesAsIp(ip.trim()))
    throw invalid(value, '--add-host', `invalid IP address in add-host: ${JSON.stringify(ip)}`);
}

/** docker's opts.ValidateSysctl: KEY=VALUE with a key of the namespaced ones docker allows. */
export function checkSysctl(value: string): void {
  const parts = value.split('=');
  const key = parts[0]!;
  if (parts.length < 2 || namespacedSysctl(key) === undefined) throw invalid(value, '--sysctl', `sysctl '${value}' is not whitelisted`);
}

/** docker's opts.ValidateEnv (-e): a name before any "=". */
export function checkEnv(value: string): void {
  if (value.split('=')[0] === '') throw invalid(value, '-e, --env', `invalid environment variable: ${value}`);
}

/** docker's opts.ValidateLabel (-l): a name before any "=", without blanks in it. */
export function checkLabel(value: string): void {
  const key = value.split('=')[0]!.replace(/^[ \t]+/, '');
  if (key === '') throw invalid(value, '-l, --label', `invalid label '${value}': empty name`);
  if (/[ \t]/.test(key)) throw invalid(value, '-l, --label', `label '${key}' contains whitespaces`);
}

// ---- what docker's parse() refuses -----------------------------------------------------

/** nat.ParsePortRange: "80", "8000-8010"; an Error in nat's or strconv's words. */
function portRange(ports: string): [number, number] {
  const uint16 = (s: string) => {
    if (!/^\d+$/.test(s)) throw syntax('ParseUint', s);
    if (Number(s) > 65535) throw range('ParseUint', s);
    return Number(s);
  };
  if (ports === '') throw new Error('Empty string specified for ports.');
  if (!ports.includes('-')) return [uint16(ports), uint16(ports)];
  const [a = '', b = ''] = ports.split('-');
  const start = uint16(a);
  const end = uint16(b);
  if (end < start) throw new Error(`Invalid range specified for the Port: ${ports}`);
  return [start, end];
}

/** nat.SplitProtoPort: "80/udp" → [udp, 80]; no protocol: tcp. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  return [parts[1] || 'tcp', parts[0]!];
}

/** Go's net.SplitHostPort's host of `s + ":"`, or its error. */
function hostOf(s: string): string {
  const hp = `${s}:`;
  const i = hp.lastIndexOf(':');
  const fail = (why: string) => new Error(`address ${hp}: ${why}`);
  let host: string;
  let [j, k] = [0, 0];
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0) throw fail("missing ']' in address");
    if (end + 1 !== i) throw fail(hp[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hp.slice(1, end);
    [j, k] = [1, end + 1];
  } else {
    host = hp.slice(0, i);
    if (host.includes(':')) throw fail('too many colons in address');
  }
  if (hp.slice(j).includes('[')) throw fail("unexpected '[' in address");
  if (hp.slice(k).includes(']')) throw fail("unexpected ']' in address");
  return host;
}

/**
 * `-p`: docker's convertToStandardNotation (the long form target=80,published=8080,protocol=udp)
 * and nat.ParsePortSpec's checks. The values in the short form, for the engine.
 */
export function publishFlags(values: readonly string[]): string[] {
  return values.map((publish) => {
    let spec = publish;
    if (publish.includes('=')) {
      const params: Record<string, string> = { protocol: 'tcp' };
      for (const param of publish.split(',')) {
        const opt = param.split('=');
        if (opt.length < 2) throw refused(`invalid publish opts format (should be name=value but got '${param}')`);
        params[opt[0]!] = opt[1]!;
      }
      spec = `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
    }
    const parts = spec.split(':');
    const n = parts.length;
    const rawIp = n <= 2 ? '' : n === 3 ? parts[0]! : parts.slice(0, n - 2).join(':');
    const hostPort = n === 1 ? '' : parts[n - 2]!;
    const [proto, containerPort] = splitProtoPort(parts[n - 1]!);
    let ip: string;
    try {
      ip = hostOf(rawIp);
    } catch (e) {
      throw refused(`Invalid ip address ${rawIp}: ${(e as Error).message}`);
    }
    if (ip !== '' && !parsesAsIp(ip)) throw refused(`Invalid ip address: ${ip}`);
    if (containerPort === '') throw refused(`No port specified: ${spec}<empty>`);
    let ctr: [number, number];
    try {
      ctr = portRange(containerPort);
    } catch {
      throw refused(`Invalid containerPort: ${containerPort}`);
    }
    let host: [number, number] = [0, 0];
    if (hostPort !== '')
      try {
        host = portRange(hostPort);
      } catch {
        throw refused(`Invalid hostPort: ${hostPort}`);
      }
    if (hostPort !== '' && ctr[1] - ctr[0] !== host[1] - host[0] && ctr[1] !== ctr[0])
      throw refused(`Invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw refused(`Invalid proto: ${proto}`);
    return spec;
  });
}

/** `--expose PORT[-PORT][/PROTO]`, as docker's parse() reads it. */
export function checkExpose(value: string): void {
  if (value.includes(':')) throw refused(`invalid port format for --expose: ${value}`);
  try {
    portRange(splitProtoPort(value)[1]);
  } catch (e) {
    throw refused(`invalid range format for --expose: ${value}, error: ${(e as Error).message}`);
  }
}

/** docker's validateLinuxPath with validDeviceMode (--device HOST[:CONTAINER][:MODE]). */
export function checkDevice(value: string): void {
  const mode = (m: string) => m !== '' && /^[rwm]+$/.test(m) && new Set(m).size === m.length;
  if ((value.match(/:/g) ?? []).length > 2) throw refused(`bad format for path: ${value}`);
  const split = value.split(':');
  if (split[0] === '') throw refused(`bad format for path: ${value}`);
  let containerPath = split[0]!;
  if (split.length === 2 && !mode(split[1]!)) containerPath = split[1]!;
  if (split.length === 3) {
    containerPath = split[1]!;
    if (!mode(split[2]!)) throw refused(`bad mode specified: ${split[2]}`);
  }
  if (!containerPath.startsWith('/')) throw refused(`${containerPath} is not an absolute path`);
}

/** docker's parseSecurityOpts: KEY=VALUE (KEY:VALUE), no-new-privileges; a seccomp file must read as JSON. */
export function checkSecurityOpt(value: string): void {
  let con = value.split('=');
  if (con.length > 2) con = [con[0]!, con.slice(1).join('=')];
  if (con.length === 1 && con[0] !== 'no-new-privileges') {
    const i = value.indexOf(':');
    if (i === -1) throw refused(`Invalid --security-opt: ${JSON.stringify(value)}`);
    con = [value.slice(0, i), value.slice(i + 1)];
  }
  if (con[0] !== 'seccomp' || con[1] === 'unconfined') return;
  const file = con[1]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory' }[code ?? ''] ?? code;
    throw refused(`opening seccomp profile (${file}) failed: open ${file}: ${why}`);
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw refused(`compacting json for seccomp profile (${file}) failed: ${(e as Error).message}`);
  }
}

/** container.PidMode.Valid / UTSMode.Valid: "", host, (pid) container:NAME. */
export function checkNamespaceModes(pid: string | undefined, uts: string | undefined): void {
  if (pid !== undefined) {
    const [mode, ...rest] = pid.split(':');
    if (!(mode === '' || mode === 'host' || (mode === 'container' && rest.length === 1 && rest[0] !== '')))
      throw refused('--pid: invalid PID mode');
  }
  if (uts !== undefined && !['', 'host'].includes(uts.split(':')[0]!)) throw refused('--uts: invalid UTS mode');
}

/** docker's parseLoggingOpts: no --log-opt for the none driver. */
export function checkLogOpts(driver: string | undefined, opts: readonly string[] | undefined): void {
  if (driver === 'none' && opts?.length) throw refused('invalid logging opts for driver none');
}

/** docker's opts.ParseRestartPolicy: NAME[:COUNT], COUNT an integer (the name is the daemon's to check). */
export function restartFlag(value: string): { readonly name: string; readonly count: number } {
  if (value === '') return { name: '', count: 0 };
  const parts = value.split(':');
  if (parts.length > 2) throw refused('invalid restart policy format');
  let count = 0;
  if (parts.length === 2) {
    if (!/^[+-]?\d+$/.test(parts[1]!)) throw refused('maximum retry count must be an integer');
    count = Number(parts[1]);
  }
  return { name: parts[0]!, count };
}

/** One line of Go's encoding/csv (a mount's fields): commas, "quoted, fields" with "" inside. */
function csvFields(line: string): string[] {
  if (line === '') throw new Error('EOF');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      for (i++; ; i++) {
        if (i >= line.length) throw new Error(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
        if (line[i] === '"' && line[i + 1] === '"') [field, i] = [field + '"', i + 1];
        else if (line[i] === '"') break;
        else field += line[i];
      }
      i++;
      if (i < line.length && line[i] !== ',')
        throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
      field = line.slice(i, end);
      if (field.includes('"')) throw new Error(`parse error on line 1, column ${i + field.indexOf('"') + 1}: bare " in non-quoted-field`);
      i = end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** Go's strconv.ParseBool. */
const goBool = (v: string): boolean | undefined =>
  ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v) ? true : ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? false : undefined;

/** docker's opts.MountOpt.Set (--mount): the fields' form, a type and a target; the rest is the daemon's. */
export function checkMount(value: string): void {
  const why = (() => {
    let fields: string[];
    try {
      fields = csvFields(value);
    } catch (e) {
      return (e as Error).message;
    }
    let [type, target] = ['volume', ''];
    const options = new Set<'volume' | 'bind' | 'tmpfs'>();
    for (const field of fields) {
      const eq = field.indexOf('=');
      const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
      if (eq === -1 && (key === 'readonly' || key === 'ro')) continue;
      if (eq === -1 && key === 'volume-nocopy') {
        options.add('volume');
        continue;
      }
      if (eq === -1) return `invalid field '${field}' must be a key=value pair`;
      const v = field.slice(eq + 1);
      switch (key) {
        case 'type':
          type = v.toLowerCase();
          break;
        case 'target':
        case 'dst':
        case 'destination':
          target = v;
          break;
        case 'source':
        case 'src':
        case 'consistency':
          break;
        case 'readonly':
        case 'ro':
          if (goBool(v) === undefined) return `invalid value for ${key}: ${v}`;
          break;
        case 'bind-propagation':
        case 'bind-nonrecursive':
          if (key === 'bind-nonrecursive' && goBool(v) === undefined) return `invalid value for ${key}: ${v}`;
          options.add('bind');
          break;
        case 'volume-nocopy':
        case 'volume-label':
        case 'volume-driver':
        case 'volume-opt':
          if (key === 'volume-nocopy' && goBool(v) === undefined) return `invalid value for volume-nocopy: ${v}`;
          options.add('volume');
          break;
        case 'tmpfs-size':
        case 'tmpfs-mode':
          try {
            if (key === 'tmpfs-size') ramInBytes(v, '--mount');
            else if (!/^[0-7]+$/.test(v) || parseInt(v, 8) > 0xffffffff) throw new Error();
          } catch {
            return `invalid value for ${key}: ${v}`;
          }
          options.add('tmpfs');
          break;
        default:
          return `unexpected key '${key}' in '${field}'`;
      }
    }
    if (type === '') return 'type is required';
    if (target === '') return 'target is required';
    for (const o of ['volume', 'bind', 'tmpfs'] as const)
      if (options.has(o) && o !== type) return `cannot mix '${o}-*' options with mount type '${type}'`;
    return undefined;
  })();
  if (why) throw invalid(value, '--mount', why);
}
