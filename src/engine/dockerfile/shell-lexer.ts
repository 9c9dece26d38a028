// BuildKit's shell-word lexer (frontend/dockerfile/shell/lex.go), rewritten: the rules a
// Dockerfile value goes through before it is used — quotes removed, escapes resolved and
// `$VAR` / `${VAR...}` substituted. It is not a shell: no command substitution, no globbing,
// no arithmetic; RUN/CMD/ENTRYPOINT never pass through it (the container's shell does that).

/** Returns the value of a variable, or undefined when it is unset (unset ≠ empty). */
export type VarLookup = (name: string) => string | undefined;

export interface LexOptions {
  /** The `# escape=` character. */
  readonly escape?: '\\' | '`';
  /** Keep quote characters in the output (quotes still group and still stop expansion). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  readonly rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to "". */
  readonly skipUnset?: boolean;
  /**
   * A heredoc body with an unquoted delimiter, as a shell reads it: only `$` is special
   * (quotes are plain text) and the escape character escapes only `$` and itself.
   */
  readonly heredocBody?: boolean;
}

/** A lexing failure; callers turn it into an EngineError with the instruction's range. */
export class ShellLexError extends Error {
  override readonly name = 'ShellLexError';
}

const EOF = '';

class Words {
  words: string[] = [];
  word = '';
  inWord = false;
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word.length > 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  finish(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\v' || ch === '\f';
}

const letterRe = /^\p{L}$/u;
const digitRe = /^\p{Nd}$/u;
function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9' ? true : ch.length > 0 && ch.charCodeAt(0) > 127 && digitRe.test(ch);
}
function isNameChar(ch: string): boolean {
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || (ch >= '0' && ch <= '9')) return true;
  return ch.length > 0 && ch.charCodeAt(0) > 127 && (letterRe.test(ch) || digitRe.test(ch));
}
// POSIX special parameters; BuildKit reads them as one-character names (always unset here).
function isSpecialParam(ch: string): boolean {
  return ch === '@' || ch === '*' || ch === '#' || ch === '?' || ch === '-' || ch === '$' || ch === '!' || ch === '0';
}

// Real Dockerfiles nest a few levels; the cap turns a pathological input into a clean error
// instead of a stack overflow.
const maxNesting = 64;

class Lexer {
  private pos = 0;
  private depth = 0;
  private readonly chars: string[];
  private readonly escape: string;
  constructor(
    text: string,
    private readonly lookup: VarLookup,
    private readonly opts: LexOptions,
  ) {
    // Code points, so that a non-BMP character is never split by an escape.
    this.chars = Array.from(text);
    this.escape = opts.escape ?? '\\';
  }

  private peek(): string {
    return this.chars[this.pos] ?? EOF;
  }
  private next(): string {
    const ch = this.chars[this.pos] ?? EOF;
    if (ch !== EOF) this.pos++;
    return ch;
  }

  run(): { text: string; words: string[] } {
    return this.stopOn(EOF, this.opts.rawEscapes ?? false);
  }

  private stopOn(stop: string, rawEscapes: boolean): { text: string; words: string[] } {
    let result = '';
    const words = new Words();
    while (this.peek() !== EOF) {
      let ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return { text: result, words: words.finish() };
      }
      if (ch === '$' || ((ch === "'" || ch === '"') && !this.opts.heredocBody)) {
        const tmp = ch === "'" ? this.singleQuote() : ch === '"' ? this.doubleQuote() : this.dollar();
        result += tmp;
        // An expansion result splits into words; a quoted string never does.
        if (ch === '$') words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      ch = this.next();
      if (ch === this.escape && this.opts.heredocBody) {
        const after = this.peek();
        if (after === '$' || after === this.escape) ch = this.next();
        result += ch;
        continue;
      }
      if (ch === this.escape) {
        if (rawEscapes) {
          words.addRawChar(ch);
          result += ch;
        }
        ch = this.next();
        if (ch === EOF) break; // an escape at the very end is dropped
        words.addRawChar(ch);
      } else {
        words.addChar(ch);
      }
      result += ch;
    }
    if (stop !== EOF) throw new ShellLexError(`unexpected end of statement while looking for matching ${stop}`);
    return { text: result, words: words.finish() };
  }

  private singleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    let result = '';
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new ShellLexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private doubleQuote(): string {
    // Literal except $ expansions; the escape character escapes only " $ and itself.
    let result = '';
    const open = this.next();
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.peek();
      if (ch === EOF) throw new ShellLexError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (ch === '$') {
        result += this.dollar();
        continue;
      }
      let c = this.next();
      if (c === this.escape) {
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escape) {
          if (this.opts.rawEscapes) result += c;
          c = this.next();
        }
      }
      result += c;
    }
  }

  private name(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && isDigit(ch)) {
        // Positional parameters: $1, $12 — digits only.
        while (this.peek() !== EOF && isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return this.next();
      if (!isNameChar(ch)) break;
      name += this.next();
    }
    return name;
  }

  private get(name: string): string | undefined {
    return this.lookup(name);
  }

  private dollar(): string {
    this.next(); // $
    if (this.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      const value = this.get(name);
      if (value === undefined && this.opts.skipUnset) return `$${name}`;
      return value ?? '';
    }
    this.next(); // {
    if (++this.depth > maxNesting) throw new ShellLexError(`substitutions nested more than ${maxNesting} deep`);
    try {
      return this.braced();
    } finally {
      this.depth--;
    }
  }

  /** After `${`: the name, the operator and its word, up to the closing brace. */
  private braced(): string {
    const first = this.peek();
    if (first === EOF) throw new ShellLexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ShellLexError('syntax error: bad substitution');
    const name = this.name();
    const op = this.next();
    const word = (): string => {
      try {
        return this.stopOn('}', false).text;
      } catch (e) {
        if (this.peek() === EOF) throw new ShellLexError("syntax error: missing '}'");
        throw e;
      }
    };
    switch (op) {
      case '}': {
        const value = this.get(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}}`;
        return value ?? '';
      }
      case '?': {
        const w = word();
        const value = this.get(name);
        if (value === undefined) throw new ShellLexError(`${name}: ${w || 'is not allowed to be unset'}`);
        return value;
      }
      case ':': {
        const modifier = this.next();
        const w = word();
        const value = this.get(name);
        switch (modifier) {
          case '+':
            if (value === undefined && this.opts.skipUnset) return `\${${name}:+${w}}`;
            return value ? w : '';
          case '-':
            if (value === undefined && this.opts.skipUnset) return `\${${name}:-${w}}`;
            return value ? value : w;
          case '?':
            if (value === undefined) throw new ShellLexError(`${name}: ${w || 'is not allowed to be unset'}`);
            if (value === '') throw new ShellLexError(`${name}: ${w || 'is not allowed to be empty'}`);
            return value;
          default:
            throw new ShellLexError(`unsupported modifier (${modifier || 'end of text'}) in substitution`);
        }
      }
      case '+':
      case '-': {
        const w = word();
        const value = this.get(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}${op}${w}}`;
        if (op === '-') return value ?? w;
        return value === undefined ? '' : w;
      }
      case '#':
      case '%': {
        const longest = this.peek() === op;
        if (longest) this.next();
        const pattern = this.rawPattern('}');
        const value = this.get(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}${op}${longest ? op : ''}${pattern}}`;
        return trimPattern(value ?? '', pattern, op === '#' ? 'prefix' : 'suffix', longest, this.escape);
      }
      case '/': {
        const all = this.peek() === '/';
        if (all) this.next();
        const pattern = this.rawPattern('/}');
        let replacement = '';
        if (this.chars[this.pos - 1] === '/') replacement = word();
        const value = this.get(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}/${all ? '/' : ''}${pattern}/${replacement}}`;
        return replacePattern(value ?? '', pattern, replacement, all, this.escape);
      }
      case EOF:
        throw new ShellLexError("syntax error: missing '}'");
      default:
        if (name === '') throw new ShellLexError('syntax error: bad substitution');
        throw new ShellLexError(`unsupported modifier (${op}) in substitution`);
    }
  }

  /** A glob pattern up to one of `stops`, with $ expanded but escapes kept for the matcher. */
  private rawPattern(stops: string): string {
    let out = '';
    for (;;) {
      const ch = this.peek();
      if (ch === EOF) throw new ShellLexError("syntax error: missing '}'");
      if (stops.includes(ch)) {
        this.next();
        return out;
      }
      if (ch === '$') {
        out += escapeGlob(this.dollar(), this.escape);
        continue;
      }
      if (ch === "'" || ch === '"') {
        const quoted = ch === "'" ? this.singleQuote() : this.doubleQuote();
        out += escapeGlob(quoted, this.escape);
        continue;
      }
      this.next();
      out += ch;
      if (ch === this.escape && this.peek() !== EOF) out += this.next();
    }
  }
}

function escapeGlob(s: string, escape: string): string {
  let out = '';
  for (const ch of s) out += '*?[]'.includes(ch) || ch === escape ? escape + ch : ch;
  return out;
}

/** A shell glob (`*`, `?`, `[...]`, escapes) as an anchored-free regex source. */
function globToRegex(pattern: string, escape: string, greedy: boolean): string {
  let re = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch === escape && i + 1 < chars.length) {
      re += escapeRegex(chars[++i] ?? '');
    } else if (ch === '*') {
      re += greedy ? '[\\s\\S]*' : '[\\s\\S]*?';
    } else if (ch === '?') {
      re += '[\\s\\S]';
    } else if (ch === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = chars.slice(i + 1, close).join('');
      if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
      re += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else {
      re += escapeRegex(ch);
    }
  }
  return re;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function trimPattern(value: string, pattern: string, side: 'prefix' | 'suffix', longest: boolean, escape: string): string {
  let re: RegExp;
  try {
    re = new RegExp(globToRegex(pattern, escape, true), 'u');
  } catch {
    return value;
  }
  const full = (s: string): boolean => {
    const m = re.exec(s);
    return m !== null && m.index === 0 && m[0].length === s.length;
  };
  // Try candidate lengths in the order the operator prefers; values are short, so this is cheap.
  const n = value.length;
  if (side === 'prefix') {
    for (let k = longest ? n : 0; longest ? k >= 0 : k <= n; k += longest ? -1 : 1) {
      if (full(value.slice(0, k))) return value.slice(k);
    }
  } else {
    for (let k = longest ? 0 : n; longest ? k <= n : k >= 0; k += longest ? 1 : -1) {
      if (full(value.slice(k))) return value.slice(0, k);
    }
  }
  return value;
}

function replacePattern(value: string, pattern: string, replacement: string, all: boolean, escape: string): string {
  if (pattern === '') return value;
  let re: RegExp;
  try {
    re = new RegExp(globToRegex(pattern, escape, true), all ? 'gu' : 'u');
  } catch {
    return value;
  }
  return value.replace(re, () => replacement);
}

/** Expands one value: quotes removed, escapes resolved, variables substituted. No word splitting. */
export function processWord(text: string, lookup: VarLookup, opts: LexOptions = {}): string {
  return new Lexer(text, lookup, opts).run().text;
}

/** Like `processWord`, then split into words on unquoted whitespace (a shell's field splitting). */
export function processWords(text: string, lookup: VarLookup, opts: LexOptions = {}): string[] {
  return new Lexer(text, lookup, opts).run().words;
}
