// `--mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,bind-propagation=…][,tmpfs-size=…]`
// in Docker's words, turned into the same MountRecord -v and --tmpfs make. Host paths are
// normalized and must exist (Docker's --mount does not create them, unlike -v); container paths
// are absolute and never "/", as for -v.
import { existsSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { EngineError } from '../define.js';
import type { MountRecord } from './records.js';

const propagations = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
const volumeNameRe = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Docker's RAMInBytes: "64m", "1g", "1024" (bytes), "1.5k". */
export function byteSize(s: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  const n = m ? Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase())) : NaN;
  if (!m || !(n > 0)) throw new EngineError('invalid_argument', `invalid argument ${JSON.stringify(s)} for "${flag}" flag: invalid size`);
  return n;
}

function bool(v: string | undefined, spec: string, key: string): boolean {
  if (v === undefined || ['1', 'true'].includes(v.toLowerCase())) return true;
  if (['0', 'false'].includes(v.toLowerCase())) return false;
  throw new EngineError('invalid_argument', `invalid argument ${JSON.stringify(spec)} for "--mount" flag: invalid value for ${key}: ${v}`);
}

export function parseMount(spec: string): MountRecord {
  const bad = (why: string) => new EngineError('invalid_argument', `invalid argument ${JSON.stringify(spec)} for "--mount" flag: ${why}`);
  let type = 'volume';
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  let propagation: string | undefined;
  const tmpfs: string[] = [];
  for (const field of spec.split(',')) {
    const i = field.indexOf('=');
    const key = (i === -1 ? field : field.slice(0, i)).trim().toLowerCase();
    const value = i === -1 ? undefined : field.slice(i + 1);
    if (value === undefined && !['readonly', 'ro'].includes(key)) throw bad(`invalid field '${field}' must be a key=value pair`);
    switch (key) {
      case 'type':
        if (!['bind', 'volume', 'tmpfs'].includes(value!)) throw bad(`invalid mount type ${JSON.stringify(value)} (bind, volume or tmpfs)`);
        type = value!;
        break;
      case 'source':
      case 'src':
        source = value!;
        break;
      case 'target':
      case 'destination':
      case 'dst':
        target = value!;
        break;
      case 'readonly':
      case 'ro':
        readOnly = bool(value, spec, key);
        break;
      case 'bind-propagation':
        if (!propagations.includes(value!)) throw bad(`invalid bind propagation ${JSON.stringify(value)}`);
        propagation = value!;
        break;
      case 'tmpfs-size':
        tmpfs.push(`size=${Math.ceil(byteSize(value!, '--mount') / 1024)}k`);
        break;
      case 'tmpfs-mode':
        if (!/^[0-7]{3,4}$/.test(value!)) throw bad(`invalid tmpfs-mode ${JSON.stringify(value)}`);
        tmpfs.push(`mode=${value!}`);
        break;
      case 'volume-nocopy':
      case 'consistency':
        break;
      default:
        throw bad(`unexpected key '${key}' in '${field}'`);
    }
  }
  const conf = (why: string) => new EngineError('invalid_argument', `invalid mount config for type ${JSON.stringify(type)}: ${why}`);
  if (!target) throw conf('field Target must not be empty');
  if (!isAbsolute(target)) throw conf(`invalid mount path: '${target}' mount path must be absolute`);
  const destination = normalize(target).replace(/(.)\/+$/, '$1');
  if (destination === '/') throw conf('cannot mount over /');
  if (propagation && type !== 'bind') throw conf('field BindOptions must not be specified');
  if (tmpfs.length && type !== 'tmpfs') throw conf('field TmpfsOptions must not be specified');
  if (type === 'tmpfs') {
    if (source) throw conf('field Source must not be specified');
    return { type: 'tmpfs', source: '', destination, readOnly, options: tmpfs.join(',') };
  }
  if (type === 'bind') {
    if (!source) throw conf('field Source must not be empty');
    if (!isAbsolute(source)) throw conf(`invalid mount path: '${source}' mount path must be absolute`);
    const host = normalize(source);
    if (!existsSync(host)) throw conf(`bind source path does not exist: ${host}`);
    return { type: 'bind', source: host, destination, readOnly, ...(propagation ? { propagation } : {}) };
  }
  if (source && !volumeNameRe.test(source)) throw conf(`invalid volume name ${JSON.stringify(source)}`);
  return { type: 'volume', source: source ?? '', destination, readOnly };
}
