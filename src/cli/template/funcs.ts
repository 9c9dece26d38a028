// Go's predefined template functions and docker/cli's additions (templates/templates.go:
// json, split, join, title, lower, upper, pad, truncate), with Go's error texts.
import { FuncError, type TemplateFunc } from './exec.js';
import {
  Box,
  byteLen,
  GoFloat,
  GoStruct,
  goJson,
  isFloat,
  isInt,
  NO_VALUE,
  numberOf,
  sprint,
  sprintf,
  sprintln,
  truth,
  typeName,
  unbox,
} from './values.js';

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): Kind {
  v = unbox(v);
  if (v === NO_VALUE || v === null || v === undefined) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (isFloat(v)) return 'float';
  if (isInt(v)) return 'int';
  return 'other';
}

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new FuncError('incompatible types for comparison');
      continue;
    }
    if (k1 === 'other') {
      const ua = unbox(a);
      throw new FuncError(`non-comparable type ${typeName(ua)}: ${typeName(ua)}`);
    }
    if (k1 === 'invalid') return true;
    if (numberOf(unbox(a)) === numberOf(unbox(b)) || unbox(a) === unbox(b)) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'bool' || k1 === 'other' || k1 === 'invalid' || k2 === 'bool' || k2 === 'other' || k2 === 'invalid')
    throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError('incompatible types for comparison');
  if (k1 === 'string') return (unbox(a) as string) < (unbox(b) as string);
  return numberOf(unbox(a)) < numberOf(unbox(b));
}

function length(x: unknown): number {
  if (x instanceof Box && x.v === null) throw new FuncError('len of nil pointer');
  const v = unbox(x);
  // An untyped nil reaches Go's len as an invalid reflect.Value.
  if (v === NO_VALUE || v === null || v === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof v === 'string') return byteLen(v);
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object' && !(v instanceof GoStruct) && !(v instanceof GoFloat)) return Object.keys(v).length;
  throw new FuncError(`len of type ${typeName(v)}`);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = unbox(item);
  if (v === NO_VALUE || v === null) throw new FuncError('index of untyped nil');
  for (const key of keys) {
    const k = unbox(key);
    if (typeof v === 'string' || Array.isArray(v)) {
      if (k === NO_VALUE || k === null) throw new FuncError('cannot index slice/array with nil');
      if (!isInt(k)) throw new FuncError(`cannot index slice/array with type ${typeName(k)}`);
      const len = typeof v === 'string' ? byteLen(v) : v.length;
      if (k < 0 || k >= len) throw new FuncError(`index out of range: ${k}`);
      v = typeof v === 'string' ? Buffer.from(v, 'utf8')[k]! : unbox(v[k]);
    } else if (v && typeof v === 'object' && !(v instanceof GoStruct) && !(v instanceof GoFloat)) {
      if (typeof k !== 'string') {
        if (k === NO_VALUE || k === null) throw new FuncError('value is nil; should be of type string');
        throw new FuncError(`value has type ${typeName(k)}; should be string`);
      }
      const o = v as Record<string, unknown>;
      // A missing key gives the element type's zero value: a nil interface{}.
      v = Object.hasOwn(o, k) ? unbox(o[k]) : null;
      if (v === undefined) v = null;
    } else if (v === null) {
      throw new FuncError('index of untyped nil');
    } else {
      throw new FuncError(`can't index item of type ${typeName(v)}`);
    }
  }
  return v === null ? new Box(null) : v;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  const v = unbox(item);
  const ks = idx.map(unbox);
  if (typeof v !== 'string' && !Array.isArray(v)) throw new FuncError(`can't slice item of type ${typeName(v)}`);
  if (typeof v === 'string' && ks.length > 2) throw new FuncError('cannot 3-index slice a string');
  if (ks.length > 3) throw new FuncError(`too many slice indexes: ${ks.length}`);
  const len = typeof v === 'string' ? byteLen(v) : v.length;
  const nums = ks.map((k) => {
    if (!isInt(k)) throw new FuncError(`cannot index slice/array with type ${typeName(k)}`);
    if (k < 0 || k > len) throw new FuncError(`index out of range: ${k}`);
    return k;
  });
  const from = nums[0] ?? 0;
  const to = nums[1] ?? len;
  if (from > to) throw new FuncError(`invalid slice index: ${from} > ${to}`);
  return typeof v === 'string' ? Buffer.from(v, 'utf8').subarray(from, to).toString('utf8') : v.slice(from, to);
}

/** strings.Title: upper-cases the first letter of each word. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** strings.Split: an empty separator splits after each UTF-8 sequence. */
function split(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

function truncate(s: string, n: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length < n) return s;
  if (n < 0) throw new FuncError(`slice bounds out of range [:${n}]`);
  return b.subarray(0, n).toString('utf8');
}

const any1 = ['any'] as const;

/** Go's builtins (text/template funcs.go) that docker formats can use. */
export const goBuiltins: Readonly<Record<string, TemplateFunc>> = {
  and: { params: ['any', 'any'], variadic: true, fn: () => undefined },
  or: { params: ['any', 'any'], variadic: true, fn: () => undefined },
  not: { params: any1, fn: (v) => !truth(v) },
  len: { params: any1, fn: length },
  index: { params: ['any', 'any'], variadic: true, fn: index },
  slice: { params: ['any', 'any'], variadic: true, fn: slice },
  print: { params: ['any'], variadic: true, fn: (...a) => sprint(a) },
  printf: { params: ['string', 'any'], variadic: true, fn: (f, ...a) => sprintf(f as string, a) },
  println: { params: ['any'], variadic: true, fn: (...a) => sprintln(a) },
  eq: { params: ['any', 'any'], variadic: true, fn: eq },
  ne: { params: ['any', 'any'], fn: (a, b) => !eq(a, b) },
  lt: { params: ['any', 'any'], fn: lt },
  le: { params: ['any', 'any'], fn: (a, b) => lt(a, b) || eq(a, b) },
  gt: { params: ['any', 'any'], fn: (a, b) => !lt(a, b) && !eq(a, b) },
  ge: { params: ['any', 'any'], fn: (a, b) => !lt(a, b) },
};

/** docker/cli's templates.basicFunctions. */
export const dockerFuncs: Readonly<Record<string, TemplateFunc>> = {
  ...goBuiltins,
  json: { params: any1, fn: goJson },
  split: { params: ['string', 'string'], fn: (s, sep) => split(s as string, sep as string) },
  join: { params: ['strings', 'string'], fn: (a, sep) => (a as string[]).join(sep as string) },
  title: { params: ['string'], fn: (s) => title(s as string) },
  lower: { params: ['string'], fn: (s) => (s as string).toLowerCase() },
  upper: { params: ['string'], fn: (s) => (s as string).toUpperCase() },
  pad: {
    params: ['string', 'int', 'int'],
    fn: (s, p, q) => {
      if (s === '') return s;
      if ((p as number) < 0 || (q as number) < 0) throw new FuncError('strings: negative Repeat count');
      return ' '.repeat(p as number) + (s as string) + ' '.repeat(q as number);
    },
  },
  truncate: { params: ['string', 'int'], fn: (s, n) => truncate(s as string, n as number) },
};

/** docker's HeaderFunctions: a table header keeps the column name as it is. */
const same = (v: unknown) => v;
export const headerFuncs: Readonly<Record<string, TemplateFunc>> = {
  ...dockerFuncs,
  json: { params: ['string'], fn: same },
  split: { params: ['string', 'string'], fn: same },
  join: { params: ['string', 'string'], fn: same },
  title: { params: ['string'], fn: same },
  lower: { params: ['string'], fn: same },
  upper: { params: ['string'], fn: same },
  truncate: { params: ['string', 'int'], fn: same },
};
