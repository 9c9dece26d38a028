// The Go values a template sees, modelled on JavaScript ones, and Go's fmt printing of them.
// JSON data is Go's map[string]interface{} / []interface{}: elements read out of them are
// "boxed" (static type interface {}) until a pipeline ends, as in Go's reflect-driven exec.
import { goQuote } from './lex.js';

/** Go's invalid reflect.Value: a missing map key, prints "<no value>". */
export const NO_VALUE: unique symbol = Symbol('no value');

/** Marks an empty array or object as Go's nil slice or map: printed as [] or map[], JSON null. */
export const NIL: unique symbol = Symbol('nil');

/** A value read out of a map or slice of interface{}: Go reports its type as "interface {}". */
export class Box {
  constructor(readonly v: unknown) {}
}

/** A float64 whose value happens to be integral (1.0): printed and compared as a float. */
export class GoFloat {
  constructor(readonly v: number) {}
}

/**
 * A Go struct, as docker's formatter contexts are: a missing field is an error
 * ("can't evaluate field X in type T") rather than "<no value>". Function fields are
 * methods and may take arguments ({{.Label "com.example"}}).
 */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
    /** The JSON the struct was decoded from, if any: what `json` marshals it to. */
    readonly json?: unknown,
  ) {}
}

export function unbox(v: unknown): unknown {
  return v instanceof Box ? v.v : v;
}

/** Go's %T (reflect type string) for our values. */
export function typeName(v: unknown): string {
  if (v instanceof Box) return 'interface {}';
  if (v === null || v === undefined || v === NO_VALUE) return '<nil>';
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof GoStruct) return v.typeName;
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float64';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
    case 'bigint':
    case 'symbol':
    case 'undefined':
    case 'object':
      break;
  }
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') && v.length > 0 ? '[]string' : '[]interface {}';
  return 'map[string]interface {}';
}

export function isFloat(v: unknown): boolean {
  return v instanceof GoFloat || (typeof v === 'number' && !Number.isInteger(v));
}
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
export function numberOf(v: unknown): number {
  return v instanceof GoFloat ? v.v : (v as number);
}

/** strconv.FormatFloat(f, 'g', -1, 64), as %v prints a float64. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, e] = f.toExponential().split('e') as [string, string];
  const exp = Number(e);
  // Shortest %g switches to an exponent at 1e+06, unlike JavaScript (1e+21).
  if (exp < -4 || exp >= 6) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

/** Go's default (%v) formatting; nil (inside a map or slice) prints "<nil>". */
export function formatValue(v: unknown): string {
  v = unbox(v);
  if (v === NO_VALUE || v === null || v === undefined) return '<nil>';
  if (v instanceof GoFloat) return formatFloatG(v.v);
  if (v instanceof GoStruct)
    return `{${Object.values(v.fields)
      .filter((x) => typeof x !== 'function')
      .map(formatValue)
      .join(' ')}}`;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isInteger(v) ? String(v) : formatFloatG(v);
    case 'boolean':
      return String(v);
    case 'function':
      return '<func>';
    case 'bigint':
    case 'symbol':
    case 'undefined':
    case 'object':
      break;
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${formatValue(o[k])}`)
    .join(' ')}]`;
}

/** Docker's `json` function: encoding/json with HTML escaping off, no trailing newline. */
export function goJson(v: unknown): string {
  const conv = (x: unknown): unknown => {
    x = unbox(x);
    if (x === NO_VALUE || x === undefined) return null;
    if (x instanceof GoFloat) return x.v;
    if (x && typeof x === 'object' && NIL in x) return null;
    if (x instanceof GoStruct && x.json !== undefined) return conv(x.json);
    if (x instanceof GoStruct) {
      // docker's formatter contexts marshal as a map of their fields: keys sorted.
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x.fields).sort()) if (typeof x.fields[k] !== 'function') out[k] = conv(x.fields[k]);
      return out;
    }
    if (Array.isArray(x)) return x.map(conv);
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(x)) out[k] = conv(e);
      return out;
    }
    return x;
  };
  return JSON.stringify(conv(v))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go's truth for if/with/and/or/not: the zero value, nil and empty things are false. */
export function truth(v: unknown): boolean {
  v = unbox(v);
  if (v === NO_VALUE || v === null || v === undefined) return false;
  if (v instanceof GoFloat) return v.v !== 0;
  if (v instanceof GoStruct) return true;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'function') return true;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

/** Byte length in UTF-8, as Go's len and string slicing count. */
export function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The "%!verb(type=value)" Go prints for a wrong argument. */
function badVerb(verb: string, v: unknown): string {
  v = unbox(v);
  if (v === NO_VALUE || v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  zero: boolean;
  space: boolean;
  sharp: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const n = [...s].length;
  if (n >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - n);
  if (spec.zero && !numeric) return '0'.repeat(w - n) + s;
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(w - n) + s.slice(sign.length);
  }
  return ' '.repeat(w - n) + s;
}

function signed(s: string, neg: boolean, spec: Spec): string {
  if (neg) return `-${s}`;
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

function fmtOne(verb: string, arg: unknown, spec: Spec): string {
  const v = unbox(arg);
  if (verb === 'T') return pad(typeName(v === NO_VALUE ? null : v), spec, false);
  if (v === NO_VALUE || v === null || v === undefined) return verb === 'v' ? pad('<nil>', spec, false) : badVerb(verb, v);
  if (Array.isArray(v) && verb !== 'T') return `[${v.map((e) => fmtOne(verb, e, spec)).join(' ')}]`;
  if (v && typeof v === 'object' && !(v instanceof GoFloat) && !(v instanceof GoStruct) && verb !== 'v') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${fmtOne(verb, k, spec)}:${fmtOne(verb, o[k], spec)}`)
      .join(' ')}]`;
  }
  const float = isFloat(v);
  const int = isInt(v);
  switch (verb) {
    case 'v':
      if (float) {
        const a = Math.abs(numberOf(v));
        return pad(signed(spec.prec === undefined ? formatFloatG(a) : goG(a, spec.prec), numberOf(v) < 0, spec), spec, true);
      }
      if (int) return pad(signed(String(Math.abs(v)), v < 0, spec), spec, true);
      if (spec.sharp && typeof v === 'string') return pad(goQuote(v), spec, false);
      return pad(formatValue(v), spec, false);
    case 's':
      if (typeof v !== 'string') return badVerb(verb, v);
      return pad(spec.prec !== undefined ? [...v].slice(0, spec.prec).join('') : v, spec, false);
    case 'q':
      if (typeof v === 'string') return pad(spec.sharp && !v.includes('`') ? `\`${v}\`` : goQuote(v), spec, false);
      if (int) return pad(`'${String.fromCodePoint(v)}'`, spec, false);
      return badVerb(verb, v);
    case 't':
      return typeof v === 'boolean' ? pad(String(v), spec, false) : badVerb(verb, v);
    case 'd':
    case 'b':
    case 'o':
    case 'O':
    case 'x':
    case 'X': {
      if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
        const bytes = [...Buffer.from(v, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
        const hex = bytes.join(spec.space ? ' ' : '');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
      }
      if (!int) return badVerb(verb, v);
      const radix = { d: 10, b: 2, o: 8, O: 8, x: 16, X: 16 }[verb];
      let s = Math.abs(v).toString(radix);
      if (verb === 'X') s = s.toUpperCase();
      if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
      if (verb === 'O' || (spec.sharp && verb === 'o')) s = (verb === 'O' ? '0o' : '0') + s;
      if (spec.sharp && verb === 'x') s = `0x${s}`;
      if (spec.sharp && verb === 'X') s = `0X${s}`;
      return pad(signed(s, v < 0, spec), spec, true);
    }
    case 'c':
      return int ? pad(String.fromCodePoint(v), spec, false) : badVerb(verb, v);
    case 'U':
      return int ? pad(`U+${v.toString(16).toUpperCase().padStart(4, '0')}`, spec, false) : badVerb(verb, v);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!float && !(v instanceof GoFloat)) return badVerb(verb, v);
      const f = numberOf(v);
      const a = Math.abs(f);
      let s: string;
      if (verb === 'f' || verb === 'F') s = a.toFixed(spec.prec ?? 6);
      else if (verb === 'e' || verb === 'E') s = goExp(a.toExponential(spec.prec ?? 6));
      else s = spec.prec === undefined ? formatFloatG(a) : goG(a, spec.prec);
      if (verb === 'E' || verb === 'G') s = s.toUpperCase();
      return pad(signed(s, f < 0, spec), spec, true);
    }
    default:
      return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
  }
}

function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
function goG(a: number, prec: number): string {
  const p = prec === 0 ? 1 : prec;
  const exp = a === 0 ? 0 : Math.floor(Math.log10(a));
  if (exp < -4 || exp >= p) return goExp(a.toExponential(p - 1).replace(/\.?0+e/, 'e'));
  return String(Number(a.toPrecision(p)));
}

/** fmt.Sprintf with Go's verbs, flags, width and precision, and its error notation. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const spec: Spec = { minus: false, plus: false, zero: false, space: false, sharp: false };
    let j = i + 1;
    for (; j < format.length; j++) {
      const f = format[j];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '0') spec.zero = true;
      else if (f === ' ') spec.space = true;
      else if (f === '#') spec.sharp = true;
      else break;
    }
    const num = () => {
      if (format[j] === '*') {
        j++;
        const a = unbox(args[argi++]);
        return isInt(a) ? a : undefined;
      }
      const m = /^\d+/.exec(format.slice(j));
      if (!m) return undefined;
      j += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    if (format[j] === '.') {
      j++;
      spec.prec = num() ?? 0;
    }
    const verb = format[j];
    i = j;
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += fmtOne(verb, args[argi++], spec);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => {
      const v = unbox(a);
      return v === NO_VALUE || v === null ? '<nil>' : `${typeName(v)}=${formatValue(v)}`;
    });
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, k) => {
    const v = unbox(a);
    if (k > 0 && typeof v !== 'string' && typeof unbox(args[k - 1]) !== 'string') out += ' ';
    out += formatValue(v);
  });
  return out;
}

/** fmt.Sprintln: always spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => formatValue(a)).join(' ')}\n`;
}
