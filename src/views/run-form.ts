// The run form (R on an image): four text fields, a pure reducer, and the parsing that turns
// what was typed into the engine's RunOptions, with a message naming the field at fault.
import type { RunOptions } from '../engine/types.js';
import { textInput, textInputReducer, type TextInputAction, type TextInputState } from './text-input.js';

export const runFields = ['name', 'ports', 'env', 'command'] as const;
export type RunField = (typeof runFields)[number];

export const runFieldLabels: Readonly<Record<RunField, string>> = {
  name: 'Name',
  ports: 'Ports',
  env: 'Env',
  command: 'Command',
};

export const runFieldPlaceholders: Readonly<Record<RunField, string>> = {
  name: 'optional, e.g. web',
  ports: 'e.g. 8080:80 127.0.0.1:5353:53/udp',
  env: 'e.g. MODE=dev GREETING="hello there"',
  command: "the image's default, or e.g. sh -c 'echo hi'",
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
    fields: { name: textInput(), ports: textInput(), env: textInput(), command: textInput() },
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

export function parseRunForm(s: RunFormState): RunFormResult {
  const name = s.fields.name.value.trim();
  if (name !== '' && !namePattern.test(name))
    return { ok: false, field: 'name', message: `invalid name "${name}": letters, digits, _ . - only` };
  let publish: string[];
  let env: string[];
  let cmd: string[];
  try {
    publish = splitWords(s.fields.ports.value.replace(/,/g, ' '));
  } catch (e) {
    return { ok: false, field: 'ports', message: (e as Error).message };
  }
  for (const p of publish) {
    const m = portPattern.exec(p);
    const bad = !m || [m[1], m[2]].some((n) => n !== undefined && (Number(n) < 1 || Number(n) > 65535));
    if (bad) return { ok: false, field: 'ports', message: `invalid port "${p}": use [ip:]host:container[/tcp|udp]` };
  }
  try {
    env = splitWords(s.fields.env.value);
  } catch (e) {
    return { ok: false, field: 'env', message: (e as Error).message };
  }
  for (const e of env) if (!envPattern.test(e)) return { ok: false, field: 'env', message: `invalid variable "${e}": use NAME=value` };
  try {
    cmd = splitWords(s.fields.command.value);
  } catch (e) {
    return { ok: false, field: 'command', message: (e as Error).message };
  }
  const options: RunOptions = {
    image: s.image,
    ...(name !== '' ? { name } : {}),
    ...(publish.length > 0 ? { publish } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(cmd.length > 0 ? { cmd } : {}),
  };
  return { ok: true, options };
}
