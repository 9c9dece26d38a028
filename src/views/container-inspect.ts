// What Details adds for a container from the engine's inspect (docker inspect's shape): its
// mounts, networks and IPs, labels, health, restart policy and count, environment. Read
// defensively: the JSON is a record of unknowns, and a field missing is a line left out.
import type { ContainerSummary } from '../engine/define.js';
import { familiarName, shortId } from './format.js';
import type { ThemeToken } from './theme.js';
import { compareText } from '../engine/define.js';

/** A line of Details (DetailsPane's DetailLine, without its bar). */
interface DetailLine {
  readonly label?: string;
  readonly text: string;
  readonly token?: ThemeToken;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const heading = (text: string): DetailLine => ({ text, token: 'text.heading' });

export function inspectDetailLines(j: Json | undefined): DetailLine[] {
  if (!j) return [{ text: 'loading mounts, networks, labels…', token: 'text.muted' }];
  const out: DetailLine[] = [];
  const state = obj(j['State']);
  const config = obj(j['Config']);
  const host = obj(j['HostConfig']);
  const net = obj(j['NetworkSettings']);

  const health = obj(state?.['Health']);
  if (health) {
    const log = arr(health['Log']);
    const last = obj(log[log.length - 1]);
    const status = str(health['Status']) ?? 'unknown';
    const streak = Number(health['FailingStreak'] ?? 0);
    out.push({
      label: 'Health',
      text: `${status}${streak > 0 ? ` (failing ${streak}×)` : ''}${last ? `  last: exit ${String(last['ExitCode'])} ${(str(last['Output']) ?? '').trim().split('\n')[0] ?? ''}` : ''}`,
      token: status === 'unhealthy' ? 'text.error' : status === 'healthy' ? 'text.ok' : undefined,
    });
  }
  const policy = obj(host?.['RestartPolicy']);
  const count = Number(j['RestartCount'] ?? 0);
  const policyName = str(policy?.['Name']) ?? 'no';
  const retries = Number(policy?.['MaximumRetryCount'] ?? 0);
  out.push({ label: 'Restarts', text: `${count} (policy ${policyName}${retries > 0 ? `:${retries}` : ''})` });

  const mode = str(host?.['NetworkMode']);
  const ip = str(net?.['IPAddress']);
  const networks = Object.entries(obj(net?.['Networks']) ?? {});
  out.push({ label: 'Network', text: `${mode ?? 'none'}${ip ? `  IP ${ip}` : ''}` });
  for (const [name, v] of networks) {
    const n = obj(v);
    const aliases = arr(n?.['Aliases']).filter((a): a is string => typeof a === 'string');
    out.push({
      label: '',
      text: `${name}: ${str(n?.['IPAddress']) ?? '?'}${str(n?.['Gateway']) ? ` via ${str(n?.['Gateway'])}` : ''}${aliases.length ? `  aliases ${aliases.join(', ')}` : ''}`,
    });
  }

  const mounts = arr(j['Mounts'])
    .map(obj)
    .filter((m): m is Json => m !== undefined);
  out.push(heading(`Mounts (${mounts.length})`));
  for (const m of mounts)
    out.push({
      text: `${str(m['Type']) ?? '?'}  ${str(m['Source']) ?? str(m['Name']) ?? ''} → ${str(m['Destination']) ?? '?'}${m['RW'] === false ? '  (ro)' : ''}`,
    });

  const labels = Object.entries(obj(config?.['Labels']) ?? {});
  out.push(heading(`Labels (${labels.length})`));
  for (const [k, v] of labels.sort(([a], [b]) => compareText(a, b))) out.push({ text: `${k}=${String(v)}` });

  const env = arr(config?.['Env']).filter((e): e is string => typeof e === 'string');
  if (env.length) {
    out.push(heading(`Env (${env.length})`));
    for (const e of env) out.push({ text: e });
  }
  return out;
}

/** The containers made from an image, for its Details (the image → containers relation). */
export function imageUsersLines(users: readonly ContainerSummary[]): DetailLine[] {
  return [
    heading(`Containers (${users.length})${users.length ? '  c lists them in Containers' : ''}`),
    ...users.map((c): DetailLine => ({ text: `${c.name}  ${c.state}  ${shortId(c.id)}  ${familiarName(c.image)}` })),
  ];
}

/** `ancestor=` filter text that lists the containers of an image (matched by id prefix in filters.ts). */
export function ancestorFilter(imageId: string): string {
  return `ancestor=${shortId(imageId)}`;
}
