// Compose's variable interpolation over a parsed file: ${X}, $X, ${X:-d}, ${X-d}, ${X:+r}, ${X+r},
// ${X:?err}, ${X?err} and $$ (a literal $). Defaults are interpolated themselves. The values come
// from the environment the loader assembled (the shell's over .env's). A missing required
// variable is an error naming the place it is used.

export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {}

const nameRe = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Interpolates one string; throws InterpolationError for ${X?err} with X unset, or bad syntax. */
export function interpolate(s: string, env: Lookup): string {
  if (!s.includes('$')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(s, i + 2);
      if (end < 0) throw new InterpolationError(`invalid interpolation format ${JSON.stringify(s)}: an unclosed \${`);
      out += expandBraced(s.slice(i + 2, end), env, s);
      i = end + 1;
      continue;
    }
    const m = nameRe.exec(s.slice(i + 1));
    if (m) {
      out += env(m[0]) ?? '';
      i += 1 + m[0].length;
      continue;
    }
    // A lone $ (end of string, or before something that is no name) stays as it is.
    out += '$';
    i++;
  }
  return out;
}

/** Index of the } closing a ${ that opened before `from`, nested ${...} skipped. */
function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expandBraced(body: string, env: Lookup, whole: string): string {
  const m = nameRe.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format ${JSON.stringify(whole)}: \${${body}} names no variable`);
  const name = m[0];
  const rest = body.slice(name.length);
  const value = env(name);
  if (rest === '') return value ?? '';
  const op = /^(:?[-+?])/.exec(rest);
  if (!op) throw new InterpolationError(`invalid interpolation format ${JSON.stringify(whole)}: unknown operator in \${${body}}`);
  const arg = rest.slice(op[1]!.length);
  const colon = op[1]!.startsWith(':');
  const unset = colon ? value === undefined || value === '' : value === undefined;
  switch (op[1]!.slice(-1)) {
    case '-':
      return unset ? interpolate(arg, env) : value!;
    case '+':
      return unset ? '' : interpolate(arg, env);
    default: {
      if (!unset) return value!;
      const msg = interpolate(arg, env);
      throw new InterpolationError(`required variable ${name} is missing a value${msg ? `: ${msg}` : colon ? ' (unset or empty)' : ''}`);
    }
  }
}

/**
 * A .env / env_file: KEY=VALUE lines, # comments, `export ` prefixes, single quotes literal,
 * double quotes with \n \t \" \\ escapes and ${} interpolation, unquoted values cut at " #".
 * `KEY` alone (no =) takes the value from `env` (dropped when unset). Throws on a bad line with
 * its 1-based number.
 */
export function parseDotEnv(text: string, env: Lookup = () => undefined): { vars: Map<string, string>; badLine?: number; why?: string } {
  const vars = new Map<string, string>();
  const look: Lookup = (n) => vars.get(n) ?? env(n);
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) return { vars, badLine: n + 1, why: `invalid variable name ${JSON.stringify(key)}` };
    if (eq < 0) {
      const v = env(key);
      if (v !== undefined) vars.set(key, v);
      continue;
    }
    let raw = line.slice(eq + 1).trimStart();
    let value: string;
    if (raw.startsWith("'")) {
      const end = raw.indexOf("'", 1);
      if (end < 0) return { vars, badLine: n + 1, why: 'unterminated single quote' };
      value = raw.slice(1, end);
    } else if (raw.startsWith('"')) {
      // A double-quoted value may span lines.
      let body = raw.slice(1);
      let end = unescapedQuote(body);
      while (end < 0 && n + 1 < lines.length) {
        body += '\n' + lines[++n]!;
        end = unescapedQuote(body);
      }
      if (end < 0) return { vars, badLine: n + 1, why: 'unterminated double quote' };
      const unescaped = body
        .slice(0, end)
        .replace(/\\([nrt"\\$])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$$' })[ch] ?? ch);
      try {
        value = interpolate(unescaped, look);
      } catch (e) {
        return { vars, badLine: n + 1, why: (e as Error).message };
      }
    } else {
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      try {
        value = interpolate(raw.trimEnd(), look);
      } catch (e) {
        return { vars, badLine: n + 1, why: (e as Error).message };
      }
    }
    vars.set(key, value);
  }
  return { vars };
}

function unescapedQuote(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}
