// Lexer for Go's text/template language, as `docker --format` accepts it. Token kinds, the
// trim markers ("{{- " / " -}}") and the error wording follow Go's text/template/parse.

export type ItemType =
  | 'error'
  | 'eof'
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'rawString'
  | 'charConstant'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'char'
  | 'leftParen'
  | 'rightParen'
  | 'keyword';

export interface Item {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const keywords = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

/** How Go prints a token in "unexpected X in Y". */
export function itemString(i: Item): string {
  if (i.typ === 'eof') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (i.typ === 'keyword') return `<${i.val}>`;
  if ([...i.val].length > 10) return `${goQuote([...i.val].slice(0, 10).join(''))}...`;
  return goQuote(i.val);
}

/** strconv.Quote for the characters templates contain. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's %#U: U+0029 ')'. */
export function hashU(ch: string): string {
  const c = ch.codePointAt(0)!;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string) => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);

/** All tokens of `input`, ending with an 'eof' or an 'error' item. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let insideAction = false;

  const emit = (typ: ItemType, val = input.slice(start, pos)) => {
    items.push({ typ, pos: start, val, line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += countNl(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): false => {
    items.push({ typ: 'error', pos: start, val: msg, line: startLine });
    return false;
  };
  const next = (): string => {
    if (pos >= input.length) return '';
    const ch = String.fromCodePoint(input.codePointAt(pos)!);
    pos += ch.length;
    if (ch === '\n') line++;
    return ch;
  };
  const peek = () => (pos >= input.length ? '' : String.fromCodePoint(input.codePointAt(pos)!));
  const atRightDelim = (): { yes: boolean; trim: boolean } => {
    if (input.startsWith('}}', pos)) return { yes: true, trim: false };
    if (input.startsWith(' -}}', pos) || input.startsWith('\t-}}', pos) || input.startsWith('\r-}}', pos) || input.startsWith('\n-}}', pos))
      return { yes: true, trim: true };
    return { yes: false, trim: false };
  };
  const atTerminator = () => {
    const c = peek();
    if (c === '' || isSpace(c) || '.,|:()'.includes(c)) return true;
    return input.startsWith('}}', pos);
  };

  // Returns false once an error item has been emitted.
  const lexText = (): boolean => {
    const x = input.indexOf('{{', pos);
    if (x === -1) {
      pos = input.length;
      if (pos > start) {
        line += countNl(input.slice(start, pos));
        emit('text');
      }
      emit('eof', '');
      return false;
    }
    pos = x;
    const trim = input.startsWith('{{-', x) && isSpace(input[x + 3] ?? '');
    let text = input.slice(start, pos);
    const nl = countNl(text);
    if (trim) text = text.replace(/[ \t\r\n]+$/, '');
    if (text.length > 0) {
      items.push({ typ: 'text', pos: start, val: text, line: startLine });
    }
    line += nl;
    start = pos;
    startLine = line;
    return lexLeftDelim(trim);
  };

  const lexLeftDelim = (trim: boolean): boolean => {
    pos += 2;
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      return lexComment();
    }
    emit('leftDelim');
    pos += afterMarker;
    ignore();
    insideAction = true;
    parenDepth = 0;
    return true;
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x === -1) return fail('unclosed comment');
    pos = x + 2;
    const r = atRightDelim();
    if (!r.yes) return fail('comment ends before closing delimiter');
    pos += r.trim ? 4 : 2;
    ignore();
    if (r.trim) trimLeading();
    return true;
  };

  const trimLeading = () => {
    while (pos < input.length && isSpace(input[pos]!)) next();
    ignore();
  };

  const lexRightDelim = (trim: boolean) => {
    if (trim) {
      pos += 1; // the space before the marker
      ignore();
      pos += 1; // '-'
      ignore();
    }
    pos += 2;
    emit('rightDelim');
    if (trim) trimLeading();
    insideAction = false;
  };

  const lexInsideAction = (): boolean => {
    const r = atRightDelim();
    if (r.yes) {
      if (parenDepth === 0) {
        lexRightDelim(r.trim);
        return true;
      }
      return fail('unclosed left paren');
    }
    const c = next();
    if (c === '') return fail('unclosed action');
    if (isSpace(c)) {
      // The last space before "-}}" belongs to the trim marker.
      while (isSpace(peek()) && !atRightDelim().trim) next();
      emit('space');
      return true;
    }
    if (c === '=') emit('assign');
    else if (c === ':') {
      if (next() !== '=') return fail('expected :=');
      emit('declare');
    } else if (c === '|') emit('pipe');
    else if (c === '"') return lexQuoted('"', 'string', 'unterminated quoted string');
    else if (c === '`') return lexRawQuote();
    else if (c === '$') return lexFieldOrVariable('variable');
    else if (c === "'") return lexQuoted("'", 'charConstant', 'unterminated character constant');
    else if (c === '.') {
      if (/[0-9]/.test(peek())) {
        pos--;
        return lexNumber();
      }
      return lexFieldOrVariable('field');
    } else if (c === '+' || c === '-' || /[0-9]/.test(c)) {
      pos -= c.length;
      return lexNumber();
    } else if (isAlnum(c)) {
      return lexIdentifier();
    } else if (c === '(') {
      emit('leftParen');
      parenDepth++;
    } else if (c === ')') {
      parenDepth--;
      if (parenDepth < 0) return fail('unexpected right paren');
      emit('rightParen');
    } else if (c.codePointAt(0)! <= 0x7f && c.codePointAt(0)! >= 0x20) {
      emit('char');
    } else return fail(`unrecognized character in action: ${hashU(c)}`);
    return true;
  };

  const lexIdentifier = (): boolean => {
    while (isAlnum(peek())) next();
    if (!atTerminator()) return fail(`bad character ${hashU(peek())}`);
    const word = input.slice(start, pos);
    if (keywords.has(word)) emit('keyword');
    else if (word === 'true' || word === 'false') emit('bool');
    else if (word === 'nil') emit('nil');
    else emit('identifier');
    return true;
  };

  const lexFieldOrVariable = (typ: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(typ === 'variable' ? 'variable' : 'dot');
      return true;
    }
    while (isAlnum(peek())) next();
    if (!atTerminator()) return fail(`bad character ${hashU(peek())}`);
    emit(typ);
    return true;
  };

  // Go's lexQuote and lexChar: scan to the closing quote, a backslash escaping the next character.
  const lexQuoted = (quote: '"' | "'", typ: 'string' | 'charConstant', unterminated: string): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const d = next();
        if (d !== '' && d !== '\n') continue;
        return fail(unterminated);
      }
      if (c === '' || c === '\n') return fail(unterminated);
      if (c === quote) break;
    }
    emit(typ);
    return true;
  };

  const lexRawQuote = (): boolean => {
    const x = input.indexOf('`', pos);
    if (x === -1) return fail('unterminated raw quoted string');
    while (pos <= x) next();
    emit('rawString');
    return true;
  };

  const lexNumber = (): boolean => {
    const m =
      /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[bB][01_]*|0[oO][0-7_]*|[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?)i?/.exec(
        input.slice(pos),
      );
    pos += m ? m[0].length : 0;
    if (isAlnum(peek())) {
      next();
      return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
    }
    if (pos === start || /^[+-]$/.test(input.slice(start, pos))) return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
    emit('number');
    return true;
  };

  for (;;) {
    const ok = insideAction ? lexInsideAction() : lexText();
    if (!ok) break;
  }
  return items;
}

function countNl(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
