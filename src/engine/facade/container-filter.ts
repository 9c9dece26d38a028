// Docker's container filters (`ps --filter`, GET /containers/json?filters=), one implementation
// for the CLI and the API socket. Semantics as in moby's daemon/list.go: values of one key are
// alternatives (any may match), different keys must all match. Pure: no I/O.
import { EngineError } from '../define.js';
import type { ContainerReport } from './api.js';

/** The keys dockui understands, in the order the error message lists them. */
export const containerFilterKeys = [
  'id',
  'name',
  'status',
  'label',
  'ancestor',
  'exited',
  'health',
  'network',
  'volume',
  'before',
  'since',
] as const;

const statuses = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const healths = new Set(['starting', 'healthy', 'unhealthy', 'none']);

/** `KEY=VALUE` strings (the CLI's repeated --filter) → key → values. */
export function parseFilterArgs(args: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of args) {
    const i = f.indexOf('=');
    // A flag value docker's flag parser refuses: exit 125, as a flag error (see the CLI's flagError).
    if (i <= 0) throw new EngineError('invalid_argument', `invalid filter ${JSON.stringify(f)}: use KEY=VALUE`, { exitCode: 125 });
    const k = f.slice(0, i).toLowerCase();
    out.set(k, [...(out.get(k) ?? []), f.slice(i + 1)]);
  }
  return out;
}

function nameRegExp(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    throw new EngineError('invalid_argument', `invalid filter name=${v}: not a regular expression`);
  }
}

/** By name only, when no lookup was made: its reference as created, or an id prefix. */
function ancestorNamed(c: ContainerReport, v: string): boolean {
  const hex = v.replace(/^sha256:/, '');
  return (
    c.image === v ||
    c.image.endsWith(`/${v}`) ||
    c.image === `${v}:latest` ||
    c.image.endsWith(`/${v}:latest`) ||
    (/^[0-9a-f]{4,64}$/.test(hex) && c.imageId.replace(/^sha256:/, '').startsWith(hex))
  );
}

/**
 * A predicate for `filters` over the listed containers (`all` is needed to resolve before= and
 * since=, which name a container). Unknown keys and bad values fail with invalid_argument.
 * `images`: each ancestor= value looked up in the store (ImageEngine.ancestorIds): as moby's,
 * it is the containers of the image it names (by a name, name:tag, name@digest, its id or a
 * prefix of it) and of the images built on that one; one naming no image matches none.
 * Without it, ancestors match by the reference a container was made from.
 */
export function containerFilter(
  filters: ReadonlyMap<string, readonly string[]>,
  all: readonly ContainerReport[] = [],
  images?: ReadonlyMap<string, ReadonlySet<string>>,
): (c: ContainerReport) => boolean {
  const checks: ((c: ContainerReport) => boolean)[] = [];
  const pick = (v: string): ContainerReport => {
    const hit = all.find((c) => c.name === v || c.id === v) ?? all.find((c) => c.id.startsWith(v));
    if (!hit) throw new EngineError('not_found', `no such container: ${v}`);
    return hit;
  };
  for (const [k, vals] of filters) {
    if (vals.length === 0) continue;
    let one: (c: ContainerReport, v: string) => boolean;
    switch (k) {
      case 'id':
        one = (c, v) => c.id.startsWith(v);
        break;
      case 'name': {
        const res = new Map(vals.map((v) => [v, nameRegExp(v)]));
        one = (c, v) => res.get(v)!.test(c.name);
        break;
      }
      case 'status':
        for (const v of vals)
          if (!statuses.has(v))
            throw new EngineError('invalid_argument', `invalid filter status=${v}: use one of ${[...statuses].join(', ')}`);
        one = (c, v) => (v === 'restarting' ? c.restarting === true : c.state === v && !c.restarting);
        break;
      case 'label':
        one = (c, v) => {
          const j = v.indexOf('=');
          const key = j === -1 ? v : v.slice(0, j);
          return key in c.labels && (j === -1 || c.labels[key] === v.slice(j + 1));
        };
        break;
      case 'ancestor':
        one = images ? (c, v) => images.get(v)?.has(c.imageId) === true : ancestorNamed;
        break;
      case 'exited':
        for (const v of vals)
          if (!/^-?\d+$/.test(v)) throw new EngineError('invalid_argument', `invalid filter exited=${v}: an exit code is a number`);
        one = (c, v) => c.state === 'exited' && String(c.exitCode ?? 0) === v;
        break;
      case 'health':
        for (const v of vals)
          if (!healths.has(v))
            throw new EngineError('invalid_argument', `invalid filter health=${v}: use starting, healthy, unhealthy or none`);
        one = (c, v) => (v === 'none' ? !c.healthcheck?.Test?.length || c.healthcheck.Test[0] === 'NONE' : c.healthStatus === v);
        break;
      case 'network':
        // On named networks: those names; otherwise the mode, the default one answering to Docker's names.
        one = (c, v) =>
          c.networks?.length
            ? c.networks.some((n) => n.name === v)
            : c.network === 'private'
              ? ['bridge', 'default', 'slirp4netns', 'private'].includes(v)
              : c.network === v;
        break;
      case 'volume':
        one = (c, v) => c.mounts.some((m) => m.source === v || m.destination === v);
        break;
      case 'before':
      case 'since': {
        const ref = new Map(vals.map((v) => [v, Date.parse(pick(v).createdAt)]));
        one = (c, v) => (k === 'before' ? Date.parse(c.createdAt) < ref.get(v)! : Date.parse(c.createdAt) > ref.get(v)!);
        break;
      }
      default:
        throw new EngineError('invalid_argument', `unknown filter ${JSON.stringify(k)} (${containerFilterKeys.join(', ')})`);
    }
    // Labels must all match (moby's MatchKVList); every other key matches any of its values.
    checks.push(k === 'label' ? (c) => vals.every((v) => one(c, v)) : (c) => vals.some((v) => one(c, v)));
  }
  return (c) => checks.every((f) => f(c));
}
