// A Compose file read with the `yaml` package: the plain value (anchors, aliases and `<<` merge
// keys resolved) and, beside it, where each key and value came from, so that every later error
// (schema, interpolation, unsupported key, undefined dependency) names file:line.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document, type Node } from 'yaml';

/** A path into the model: keys and array indexes. */
export type ModelPath = readonly (string | number)[];

export interface Where {
  readonly file: string;
  readonly line: number;
}

/** Positions by path ("services\u0000web\u0000ports\u00000"); a key's own position under "k:" + path. */
export class Positions {
  readonly map = new Map<string, Where>();
  /** How a `mode:` number was written ("0440" is octal to Compose, as to Go's YAML). */
  readonly raw = new Map<string, string>();
  static key(path: ModelPath): string {
    return path.join('\u0000');
  }
  set(path: ModelPath, w: Where, ofKey = false): void {
    const k = (ofKey ? 'k:' : '') + Positions.key(path);
    if (!this.map.has(k)) this.map.set(k, w);
  }
  /** Where the value at path (or its nearest ancestor) was written; `ofKey`: where its key was. */
  find(path: ModelPath, ofKey = false): Where | undefined {
    for (let n = path.length; n >= 0; n--) {
      const p = path.slice(0, n);
      const w = (ofKey && n === path.length ? this.map.get('k:' + Positions.key(p)) : undefined) ?? this.map.get(Positions.key(p));
      if (w) return w;
    }
    return undefined;
  }
  /** Takes over another file's positions (a later -f file wins where it sets a value). */
  overlay(other: Positions): void {
    for (const [k, w] of other.map) this.map.set(k, w);
    for (const [k, r] of other.raw) this.raw.set(k, r);
  }
}

export class ComposeFileError extends Error {
  constructor(
    readonly where: Where | undefined,
    readonly why: string,
  ) {
    super(where ? `${where.file}:${where.line}: ${why}` : why);
  }
}

export interface ReadFile {
  readonly value: unknown;
  readonly positions: Positions;
}

/** Parses one file's text; invalid YAML is a ComposeFileError at the first error's line. */
export function readYaml(file: string, text: string): ReadFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? lc.linePos(err.pos[0]).line;
    throw new ComposeFileError({ file, line }, `invalid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const positions = new Positions();
  const lineOf = (n: { range?: [number, number, number] | null } | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 0);
  const walk = (node: Node | null | undefined, path: (string | number)[], depth: number): void => {
    if (!node || depth > 64) return;
    if (isAlias(node)) {
      walk(node.resolve(doc as Document) as Node | undefined, path, depth + 1);
      return;
    }
    const line = lineOf(node);
    if (line) positions.set(path, { file, line });
    if (isScalar(node) && path[path.length - 1] === 'mode' && typeof node.source === 'string')
      positions.raw.set(Positions.key(path), node.source);
    if (isMap(node)) {
      const merges: Node[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (k === '<<') {
          merges.push(pair.value as Node);
          continue;
        }
        const kl = lineOf(pair.key as Node);
        if (kl) positions.set([...path, k], { file, line: kl }, true);
        walk(pair.value as Node, [...path, k], depth + 1);
        if (!positions.map.has(Positions.key([...path, k])) && kl) positions.set([...path, k], { file, line: kl });
      }
      // Keys a `<<` brings in: positions of the anchored map, where the file itself set none.
      for (const m of merges) {
        const src = isAlias(m) ? (m.resolve(doc as Document) as Node | undefined) : m;
        if (isSeq(src)) for (const item of src.items) walk(item as Node, path, depth + 1);
        else walk(src, path, depth + 1);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item as Node, [...path, i], depth + 1));
  };
  walk(doc.contents as Node, [], 0);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10_000 });
  } catch (e) {
    throw new ComposeFileError({ file, line: 1 }, `invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return { value: value ?? {}, positions };
}

/** The resolved model as `config` prints it. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
