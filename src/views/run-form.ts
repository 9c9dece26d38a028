// The run form (R on an image): text fields, a pure reducer, and the parsing that turns what was
// typed into the engine's RunOptions, with a message naming the field at fault. Each run flag
// gets its own field rather than one "more flags" line through the CLI's run-flag parser: views
// are pure and may not import the CLI (its parser reads files and builds on the engine's
// values), and a field of its own lets an error point at it. The words are checked here only
// as far as the form's syntax goes; what a value means (a capability, a limit, an address, a
// network) the engine checks, and its refusal keeps the form open with what was typed.
import type { RestartPolicy } from '../engine/define.js';
import type { RunOptions } from '../engine/types.js';
import { textInput, textInputReducer, type TextInputAction, type TextInputState } from './text-input.js';

export const runFields = [
  'name',
  'ports',
  'env',
  'command',
  'restart',
  'health',
  'network',
  'hosts',
  'ulimits',
  'capAdd',
  'capDrop',
  'labels',
] as const;
export type RunField = (typeof runFields)[number];

export const runFieldLabels: Readonly<Record<RunField, string>> = {
  name: 'Name',
  ports: 'Ports',
  env: 'Env',
  command: 'Command',
  restart: 'Restart',
  health: 'Health',
  network: 'Network',
  hosts: 'Add host',
  ulimits: 'Ulimits',
  capAdd: 'Cap add',
  capDrop: 'Cap drop',
  labels: 'Labels',
};

export const runFieldPlaceholders: Readonly<Record<RunField, string>> = {
  name: 'optional, e.g. web',
  ports: 'e.g. 8080:80 127.0.0.1:5353:53/udp',
  env: 'e.g. MODE=dev GREETING="hello there"',
  command: "the image's default, or e.g. sh -c 'echo hi'",
  restart: 'no, always, unless-stopped or on-failure[:N]',
  health: 'a shell command, e.g. wget -qO- localhost:80',
  network: 'e.g. host, none or a network name',
  hosts: 'e.g. db:10.0.0.5 cache:host-gateway',
  ulimits: 'e.g. nofile=1024:2048 nproc=512',
  capAdd: 'e.g. NET_ADMIN SYS_TIME',
  capDrop: 'e.g. ALL or CHOWN',
  labels: 'e.g. team=web tier="front end"',
};

export interface RunFormState {
  readonly image: string;
  readonly focus: number;
  readonly fields: Readonly<Record<RunField, TextInputState>>;
  /** A field's bad input, or (no field) the engine refusing the run: the form stays open with what was typed. */
  readonly error: { readonly field?: RunField; readonly message: string } | undefined;
  /** The run is in flight: Enter does not start a second one. */
  readonly submitting: boolean;
}

export type RunFormAction =
  | { readonly type: 'next' }
  | { readonly type: 'prev' }
  | { readonly type: 'edit'; readonly action: TextInputAction }
  | { readonly type: 'invalid'; readonly field: RunField; readonly message: string }
  | { readonly type: 'submitting' }
  | { readonly type: 'failed'; readonly message: string };

export function runForm(image: string): RunFormState {
  return {
    image,
    focus: 0,
    fields: Object.fromEntries(runFields.map((f) => [f, textInput()])) as Record<RunField, TextInputState>,
    error: undefined,
    submitting: false,
  };
}

export function focusedField(s: RunFormState): RunField {
  return runFields[s.focus] ?? 'name';
}

export function runFormReducer(s: RunFormState, a: RunFormAction): RunFormState {
  switch (a.type) {
    case 'next':
      return { ...s, focus: (s.focus + 1) % runFields.length };
    case 'prev':
      return { ...s, focus: (s.focus + runFields.length - 1) % runFields.length };
    case 'edit': {
      const f = focusedField(s);
      const next = textInputReducer(s.fields[f], a.action);
      if (next === s.fields[f]) return s;
      return {
        ...s,
        fields: { ...s.fields, [f]: next },
        error: s.error?.field === f || s.error?.field === undefined ? undefined : s.error,
      };
    }
    case 'invalid':
      return { ...s, error: { field: a.field, message: a.message }, focus: runFields.indexOf(a.field) };
    case 'submitting':
      return { ...s, submitting: true, error: undefined };
    case 'failed':
      return { ...s, submitting: false, error: { message: a.message } };
  }
}

/** Splits like a POSIX shell does for words: quotes group, backslash escapes; no expansion. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

const namePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const portPattern = /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/;
const envPattern = /^[A-Za-z_][A-Za-z0-9_]*=/;

export type RunFormResult =
  | { readonly ok: true; readonly options: RunOptions }
  | { readonly ok: false; readonly field: RunField; readonly message: string };

const restartNames = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

/** A field's words (shell quoting; `commas`: a comma separates too), or the field's error. */
function words(s: RunFormState, field: RunField, commas: boolean): string[] | { field: RunField; message: string } {
  try {
    const v = s.fields[field].value;
    return splitWords(commas ? v.replace(/,/g, ' ') : v);
  } catch (e) {
    return { field, message: (e as Error).message };
  }
}

export function parseRunForm(s: RunFormState): RunFormResult {
  const name = s.fields.name.value.trim();
  if (name !== '' && !namePattern.test(name))
    return { ok: false, field: 'name', message: `invalid name "${name}": letters, digits, _ . - only` };
  const lists: Partial<Record<RunField, string[]>> = {};
  for (const f of ['ports', 'env', 'command', 'hosts', 'ulimits', 'capAdd', 'capDrop', 'labels'] as const) {
    // Ports and capabilities may be written with commas too ("8080:80, 53:53", "NET_ADMIN,SYS_TIME").
    const w = words(s, f, f === 'ports' || f === 'capAdd' || f === 'capDrop');
    if (!Array.isArray(w)) return { ok: false, ...w };
    lists[f] = w;
  }
  const publish = lists.ports!;
  for (const p of publish) {
    const m = portPattern.exec(p);
    const bad = !m || [m[1], m[2]].some((n) => n !== undefined && (Number(n) < 1 || Number(n) > 65535));
    if (bad) return { ok: false, field: 'ports', message: `invalid port "${p}": use [ip:]host:container[/tcp|udp]` };
  }
  const env = lists.env!;
  for (const e of env) if (!envPattern.test(e)) return { ok: false, field: 'env', message: `invalid variable "${e}": use NAME=value` };
  const cmd = lists.command!;
  const restartText = s.fields.restart.value.trim();
  let restart: RestartPolicy | undefined;
  if (restartText !== '') {
    const [policy = '', count, ...rest] = restartText.split(':');
    const known = (restartNames as readonly string[]).includes(policy);
    if (!known || rest.length || (count !== undefined && (policy !== 'on-failure' || !/^\d+$/.test(count))))
      return {
        ok: false,
        field: 'restart',
        message: `invalid restart policy "${restartText}": use no, always, unless-stopped or on-failure[:N]`,
      };
    restart = { Name: policy as RestartPolicy['Name'], MaximumRetryCount: count === undefined ? 0 : Number(count) };
  }
  const health = s.fields.health.value.trim();
  const network = s.fields.network.value.trim();
  if (/\s/.test(network)) return { ok: false, field: 'network', message: `one network: "${network}" has spaces` };
  for (const h of lists.hosts!)
    if (!/^[^:\s]+:\S+$/.test(h)) return { ok: false, field: 'hosts', message: `invalid host "${h}": use NAME:IP` };
  const labels: Record<string, string> = {};
  for (const l of lists.labels!) {
    const eq = l.indexOf('=');
    if (eq === 0) return { ok: false, field: 'labels', message: `invalid label "${l}": use KEY=value` };
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const list = <K extends keyof RunOptions>(key: K, v: string[]) => (v.length > 0 ? { [key]: v } : {});
  const options: RunOptions = {
    image: s.image,
    ...(name !== '' ? { name } : {}),
    ...list('publish', publish),
    ...list('env', env),
    ...list('cmd', cmd),
    ...(restart ? { restart } : {}),
    ...(health !== '' ? { healthcheck: { Test: ['CMD-SHELL', health] } } : {}),
    ...(network !== '' ? { network } : {}),
    ...list('addHosts', lists.hosts!),
    ...list('ulimits', lists.ulimits!),
    ...list('capAdd', lists.capAdd!),
    ...list('capDrop', lists.capDrop!),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
  };
  return { ok: true, options };
}
