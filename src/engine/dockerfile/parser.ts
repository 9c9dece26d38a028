// Stage 1: Dockerfile text → nodes with source ranges (BuildKit's frontend/dockerfile/parser).
// Lines are folded at the escape character; comment and blank lines inside a continuation are
// skipped; heredoc bodies follow the line that opens them. Each keyword has an argument
// grammar (JSON-or-shell, whitespace words, key=value, ...), picked here as BuildKit does.
import { EngineError } from '../define.js';
import type { SourceRange } from '../define.js';
import { processWords, ShellLexError } from './shell-lexer.js';
import { oneLine, q } from './text.js';
import type { Directives, Heredoc, Node, ParsedNodes, Segment, Warning } from './types.js';

export interface ParseOptions {
  /** Name used in ranges and messages; "Dockerfile" by default. */
  readonly file?: string;
  /** The escape character before any `# escape=` directive (an ONBUILD trigger inherits its file's). */
  readonly escape?: '\\' | '`';
}

const knownDirectives = new Set(['syntax', 'escape', 'check']);
const directiveRe = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const heredocRe = /^(\d*)<<(-?)([^<]*)$/;
const heredocKeywords = new Set(['run', 'copy', 'add']);

/** Go's unicode.IsSpace on one UTF-16 unit, the set BuildKit trims and splits on. */
function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
// BuildKit's reWhitespace: the characters that separate words of a simple argument list.
const wsRunRe = /[\t\v\f\r ]+/;

function trimLeft(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}
function trimRight(s: string): string {
  let i = s.length;
  while (i > 0 && isSpace(s.charCodeAt(i - 1))) i--;
  return i === s.length ? s : s.slice(0, i);
}
function trim(s: string): string {
  return trimRight(trimLeft(s));
}

function isComment(line: string): boolean {
  return trimLeft(line).startsWith('#');
}

/** A logical line being assembled, with where each piece came from. */
interface Logical {
  text: string;
  segments: Segment[];
}

/** Maps an offset in a node's `original` back to a file position. */
export function positionAt(file: string, segments: readonly Segment[], offset: number, endLine?: number): SourceRange {
  let seg = segments[0] ?? { offset: 0, line: 1, column: 1 };
  for (const s of segments) {
    if (s.offset <= offset) seg = s;
    else break;
  }
  const column = seg.column + Math.max(0, offset - seg.offset);
  // Plain literals, not spreads: this runs once per instruction on every parse.
  return endLine === undefined ? { file, line: seg.line, column } : { file, line: seg.line, column, endLine };
}

/** Segments re-based so that offset 0 is `shift` in the original text. */
function shiftSegments(segments: readonly Segment[], shift: number): Segment[] {
  if (shift === 0) return [...segments];
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.offset > shift) {
      out.push({ offset: s.offset - shift, line: s.line, column: s.column });
    } else {
      out[0] = { line: s.line, column: s.column + (shift - s.offset), offset: 0 };
    }
  }
  return out;
}

class DirectiveState {
  done = false;
  readonly seen = new Set<string>();
  escape: '\\' | '`' = '\\';
  syntax: string | undefined;
  check: string | undefined;
  // The escape char ends a line as a continuation unless it is itself escaped (BuildKit's
  // regex; like BuildKit it cannot see an escaped escape before it, as in "foo \\\").
  continuation = /([^\\])\\[ \t]*$|^\\[ \t]*$/;

  /** Looks at one line while directives are still allowed; the first other line ends them. */
  consider(line: string, range: () => SourceRange): void {
    if (this.done) return;
    const m = directiveRe.exec(line);
    if (!m) {
      this.done = true;
      return;
    }
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (!knownDirectives.has(key)) {
      // An unknown directive reads as a comment and ends the directive block (BuildKit).
      this.done = true;
      return;
    }
    if (this.seen.has(key)) throw new EngineError('invalid_argument', `only one ${key} parser directive can be used`, { range: range() });
    this.seen.add(key);
    if (key === 'escape') {
      if (value !== '`' && value !== '\\') {
        throw new EngineError('invalid_argument', `invalid escape character ${q(value)}: use \` or \\`, { range: range() });
      }
      this.setEscape(value);
    } else if (key === 'syntax') {
      this.syntax = value;
    } else {
      this.check = value;
    }
  }

  setEscape(value: '\\' | '`'): void {
    this.escape = value;
    this.continuation = value === '`' ? /([^`])`[ \t]*$|^`[ \t]*$/ : /([^\\])\\[ \t]*$|^\\[ \t]*$/;
  }

  directives(): Directives {
    return {
      escape: this.escape,
      ...(this.syntax === undefined ? {} : { syntax: this.syntax }),
      ...(this.check === undefined ? {} : { check: this.check }),
    };
  }
}

/** BuildKit's extractBuilderFlags: leading `--flag` words (quotes and \ resolved), then the rest. */
export function extractFlags(line: string): { flags: string[]; rest: string; restOffset: number } {
  const flags: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const atEnd = pos === line.length;
    let ch = atEnd ? '' : line.charAt(pos);
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isSpace(line.charCodeAt(pos))) continue;
      if (ch !== '-' || line.charAt(pos + 1) !== '-') return { flags, rest: line.slice(pos), restOffset: pos };
      phase = 'word';
    }
    if (atEnd) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(line.charCodeAt(pos))) {
        phase = 'spaces';
        if (word === '--') return { flags, rest: line.slice(pos), restOffset: pos };
        if (blankOk || word.length > 0) flags.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line.charAt(++pos);
      }
      word += ch;
      continue;
    }
    // in a quote
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line.charAt(++pos);
    }
    word += ch;
  }
  return { flags, rest: '', restOffset: line.length };
}

/**
 * BuildKit's parseWords: split on whitespace outside quotes, but keep the quotes and escapes
 * in the words — the shell lexer resolves them later, during expansion.
 */
export function splitWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  const chars = Array.from(rest);
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length;
    let ch = atEnd ? '' : (chars[pos] ?? '');
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isSpace(ch.charCodeAt(0))) continue;
      phase = 'word';
    }
    if (atEnd) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch.charCodeAt(0))) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === chars.length) continue; // an escape at the end is dropped
        word += ch;
        ch = chars[++pos] ?? '';
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++pos] ?? '';
    }
    word += ch;
  }
  return words;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class NodeBuilder {
  readonly warnings: Warning[] = [];
  constructor(
    readonly file: string,
    readonly escape: string,
  ) {}

  error(message: string, logical: Logical, offset: number, endLine?: number): EngineError {
    return new EngineError('invalid_argument', oneLine(message), { range: positionAt(this.file, logical.segments, offset, endLine) });
  }

  /** One instruction line → node (without heredoc bodies). `base` is where `line` starts in `logical`. */
  node(logical: Logical, base: number, comments: readonly string[], endLine: number, nested = false): Node {
    const line = logical.text.slice(base);
    const lead = line.length - trimLeft(line).length;
    const trimmed = trim(line);
    const split = /[\t\v\f\r ]+/.exec(trimmed);
    const rawKeyword = split ? trimmed.slice(0, split.index) : trimmed;
    const afterKeyword = split ? split.index + split[0].length : trimmed.length;
    const { flags, rest: restRaw, restOffset } = extractFlags(trimmed.slice(afterKeyword));
    const rest = trim(restRaw);
    const restAt = base + lead + afterKeyword + restOffset + (restRaw.length - trimLeft(restRaw).length);
    const keyword = rawKeyword.toLowerCase();
    const range = positionAt(this.file, logical.segments, base + lead, endLine);
    const segments = shiftSegments(logical.segments, base + lead);
    const done = (args: readonly string[], json: boolean, extra?: { legacyKeyValue?: boolean; sub?: Node }): Node => {
      const node: Mutable<Node> = { keyword, flags, args, json, heredocs: [], original: trimmed, range, comments, segments };
      if (extra?.legacyKeyValue) node.legacyKeyValue = true;
      if (extra?.sub) node.sub = extra.sub;
      return node;
    };
    switch (keyword) {
      case 'run':
      case 'cmd':
      case 'entrypoint':
      case 'shell':
        return this.maybeJson(rest, logical, restAt, done, false);
      case 'copy':
      case 'add':
      case 'volume':
        return this.maybeJson(rest, logical, restAt, done, true);
      case 'from':
      case 'expose':
        return done(rest === '' ? [] : rest.split(wsRunRe), false);
      case 'maintainer':
      case 'stopsignal':
      case 'user':
      case 'workdir':
        return done(rest === '' ? [] : [rest], false);
      case 'env':
      case 'label':
        return this.nameValue(rest, rawKeyword.toUpperCase(), logical, restAt, done);
      case 'arg':
        return done(splitWords(rest, this.escape), false);
      case 'healthcheck': {
        if (rest === '') return done([], false);
        const m = /[\t\n\v\f\r ]+/.exec(rest);
        const type = m ? rest.slice(0, m.index) : rest;
        const cmdText = m ? rest.slice(m.index + m[0].length) : '';
        const cmdAt = restAt + (m ? m.index + m[0].length : rest.length);
        const cmd = this.maybeJson(cmdText, logical, cmdAt, done, false);
        (cmd as Mutable<Node>).args = [type, ...cmd.args];
        return cmd;
      }
      case 'onbuild': {
        // One level is all ONBUILD allows; stopping there keeps "ONBUILD ONBUILD ..." chains flat.
        if (rest === '' || nested) return done(rest === '' ? [] : [rest], false);
        const sub = this.node(logical, restAt, [], endLine, true);
        return done([], false, { sub });
      }
      default:
        // Unknown keywords are reported by stage 2 (with a suggestion); keep the text.
        return done(rest === '' ? [] : [rest], false);
    }
  }

  private maybeJson(
    rest: string,
    logical: Logical,
    at: number,
    done: (args: readonly string[], json: boolean) => Node,
    list: boolean,
  ): Node {
    if (rest === '') return done([], false);
    if (rest.startsWith('[')) {
      let parsed: unknown;
      let ok = true;
      try {
        parsed = JSON.parse(rest);
      } catch {
        ok = false;
      }
      if (ok && Array.isArray(parsed)) {
        if (!parsed.every((x): x is string => typeof x === 'string')) {
          throw this.error('when using JSON array syntax, arrays must be comprised of strings only (write ["cmd", "arg"])', logical, at);
        }
        return done(parsed, true);
      }
      if (rest.endsWith(']')) {
        this.warnings.push({
          rule: 'InvalidJSONArray',
          message: oneLine(`arguments look like a JSON array but are not valid JSON, so they are used in shell form: ${q(rest, 80)}`),
          range: positionAt(this.file, logical.segments, at),
        });
      }
    }
    if (list) return done(rest.split(wsRunRe), false);
    return done([rest], false);
  }

  private nameValue(
    rest: string,
    key: string,
    logical: Logical,
    at: number,
    done: (args: readonly string[], json: boolean, extra?: Partial<Pick<Node, 'legacyKeyValue'>>) => Node,
  ): Node {
    const words = splitWords(rest, this.escape);
    if (words.length === 0) return done([], false);
    const first = words[0] ?? '';
    if (!first.includes('=')) {
      // Legacy `KEY value with spaces`: the value is the rest of the line.
      const m = wsRunRe.exec(rest);
      if (!m) throw this.error(`${key} ${q(first)} has no value: write ${key} ${first.length <= 40 ? first : 'name'}=value`, logical, at);
      this.warnings.push({
        rule: 'LegacyKeyValueFormat',
        message: `"${key} key value" is the legacy form; write "${key} key=value"`,
        range: positionAt(this.file, logical.segments, at),
      });
      return done([rest.slice(0, m.index), rest.slice(m.index + m[0].length)], false, { legacyKeyValue: true });
    }
    const args: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        const where = rest.indexOf(word);
        throw this.error(`${key}: can't find = in ${q(word)}; write name=value`, logical, at + Math.max(0, where));
      }
      args.push(word.slice(0, eq), word.slice(eq + 1));
    }
    return done(args, false);
  }
}

/** A `<<NAME` / `<<-"NAME"` / `3<<NAME` word → its heredoc header; undefined for other words. */
export function parseHeredocWord(word: string): Omit<Heredoc, 'content'> | undefined {
  const m = heredocRe.exec(word);
  if (!m) return undefined;
  const rest = m[3] ?? '';
  if (rest === '') return undefined;
  let cooked: string[];
  let raw: string[];
  try {
    cooked = processWords(rest, () => undefined, { skipUnset: true });
    raw = processWords(rest, () => undefined, { rawQuotes: true, skipUnset: true });
  } catch (e) {
    if (e instanceof ShellLexError) return undefined;
    throw e;
  }
  if (cooked.length !== 1 || raw.length !== 1) return undefined;
  const name = cooked[0] ?? '';
  const rawName = raw[0] ?? '';
  // Any quote in the delimiter (removed in `name`, kept in `rawName`) turns expansion off.
  const quotes = (s: string): number => s.split("'").length + s.split('"').length - 2;
  return {
    name,
    expand: quotes(name) === quotes(rawName),
    chomp: m[2] === '-',
    ...(m[1] ? { fd: Number(m[1]) } : {}),
  };
}

/**
 * BuildKit's heredocsFromLine: every `<<NAME` word of the line, in order. Like BuildKit, the
 * line is lexed with `\\` as escape whatever `# escape=` says.
 */
function heredocsIn(line: string): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = processWords(line, () => undefined, { rawQuotes: true, rawEscapes: true, skipUnset: true });
  } catch (e) {
    if (e instanceof ShellLexError) return [];
    throw e;
  }
  const docs: Omit<Heredoc, 'content'>[] = [];
  for (const word of words) {
    const doc = parseHeredocWord(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

function canContainHeredoc(node: Node): boolean {
  const target = node.keyword === 'onbuild' && node.sub ? node.sub : node;
  return heredocKeywords.has(target.keyword) && !target.json;
}

/** Parses Dockerfile text into nodes. Throws EngineError('invalid_argument') with a range. */
export function parseNodes(text: string, options: ParseOptions = {}): ParsedNodes {
  const file = options.file ?? 'Dockerfile';
  const lines = text.split('\n');
  // A final newline does not start another line.
  const hasFinalNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (hasFinalNewline) lines.pop();
  if (lines.length > 0 && lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  const at = (i: number): string => {
    const l = lines[i] ?? '';
    return l.endsWith('\r') ? l.slice(0, -1) : l;
  };

  const d = new DirectiveState();
  if (options.escape === '`') d.setEscape('`');
  const nodes: Node[] = [];
  const warnings: Warning[] = [];
  let comments: string[] = [];
  let builder: NodeBuilder | undefined;

  let i = 0;
  while (i < lines.length) {
    const raw = at(i);
    const lineNo = i + 1;
    i++;
    if (isComment(raw)) {
      const c = trim(trimLeft(raw).slice(1));
      if (c === '') comments = [];
      else comments.push(c);
    }
    const stripped = trimLeft(raw);
    d.consider(stripped, () => ({ file, line: lineNo, column: raw.length - stripped.length + 1 }));
    const token = stripped.startsWith('#') ? '' : stripped;
    const startColumn = raw.length - stripped.length + 1;

    let isEnd = true;
    let text = token;
    const cont = d.continuation.exec(token);
    if (cont) {
      text = token.slice(0, cont.index) + (cont[1] ?? '');
      isEnd = false;
    }
    if (isEnd && text === '') continue;
    const logical: Logical = { text, segments: [{ offset: 0, line: lineNo, column: startColumn }] };
    let endLine = lineNo;
    let emptyContinuation = false;
    while (!isEnd && i < lines.length) {
      const next = at(i);
      const nextNo = i + 1;
      i++;
      d.consider(next, () => ({ file, line: nextNo, column: 1 }));
      endLine = nextNo;
      if (isComment(next)) continue;
      if (trimLeft(next) === '') {
        emptyContinuation = true;
        continue;
      }
      let piece = next;
      const c = d.continuation.exec(next);
      if (c) piece = next.slice(0, c.index) + (c[1] ?? '');
      else isEnd = true;
      logical.segments.push({ offset: logical.text.length, line: nextNo, column: 1 });
      logical.text += piece;
    }

    builder ??= new NodeBuilder(file, d.escape);
    const node = builder.node(logical, 0, comments, endLine);
    if (emptyContinuation) {
      warnings.push({
        rule: 'NoEmptyContinuation',
        message: 'empty continuation line (a future Dockerfile syntax rejects it)',
        range: node.range,
      });
    }

    if (canContainHeredoc(node) && logical.text.includes('<<')) {
      const docs: Heredoc[] = [];
      for (const doc of heredocsIn(logical.text)) {
        let content = '';
        let terminated = false;
        while (i < lines.length) {
          const l = lines[i] ?? '';
          i++;
          endLine = i;
          let candidate = l.replace(/[\r\n]+$/, '');
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          content += i < lines.length || hasFinalNewline ? l + '\n' : l;
        }
        if (!terminated) {
          const offset = Math.max(0, logical.text.indexOf('<<'));
          throw new EngineError(
            'invalid_argument',
            `unterminated heredoc: no line "${doc.name}" closes the heredoc opened here (end of file reached)`,
            { range: positionAt(file, logical.segments, offset, endLine) },
          );
        }
        docs.push(
          doc.fd === undefined
            ? { name: doc.name, content, expand: doc.expand, chomp: doc.chomp }
            : { name: doc.name, content, expand: doc.expand, chomp: doc.chomp, fd: doc.fd },
        );
      }
      const mutable = node as Mutable<Node>;
      mutable.heredocs = docs;
      mutable.range = { file, line: node.range.line, column: node.range.column, endLine };
    }
    nodes.push(node);
    comments = [];
  }
  if (builder) warnings.push(...builder.warnings);
  warnings.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { file, directives: d.directives(), nodes, warnings };
}

function dumpNode(node: Node): string {
  let s = node.keyword;
  if (node.json) s += ' json';
  if (node.legacyKeyValue) s += ' legacy';
  if (node.flags.length > 0) s += ' ' + JSON.stringify(node.flags);
  for (const a of node.args) s += ' ' + JSON.stringify(a);
  if (node.sub) s += ' (' + dumpNode(node.sub) + ')';
  for (const h of node.heredocs) {
    const fd = h.fd === undefined ? '' : String(h.fd);
    s += ` ${fd}<<${h.chomp ? '-' : ''}${h.expand ? h.name : `'${h.name}'`} ${JSON.stringify(h.content)}`;
  }
  return s;
}

/** One line per node: `line:column-endLine (keyword flags args heredocs)`. For golden tests and debugging. */
export function dump(parsed: ParsedNodes): string[] {
  return parsed.nodes.map((n) => `${n.range.line}:${n.range.column}-${n.range.endLine ?? n.range.line} (${dumpNode(n)})`);
}
