// Parser for Go's text/template: the node shapes, grammar and error messages of Go's
// text/template/parse, minus {{define}}/{{template}}/{{block}} (no docker format uses them).
import { goQuote, itemString, lex, type Item } from './lex.js';

export type Node =
  | { kind: 'list'; pos: number; nodes: Node[] }
  | { kind: 'text'; pos: number; text: string }
  | { kind: 'action'; pos: number; line: number; pipe: PipeNode }
  | CommandNode
  | OperandNode
  | ControlNode
  | { kind: 'break' | 'continue'; pos: number; line: number }
  | { kind: 'end' | 'else'; pos: number; line: number };

export interface PipeNode {
  kind: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
/** What a command's arguments and a chain's head can be: Go's operand, the nodes exec turns into values. */
export type OperandNode =
  | PipeNode
  | { kind: 'field'; pos: number; ident: string[] }
  | VariableNode
  | { kind: 'identifier'; pos: number; name: string }
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'bool'; pos: number; value: boolean }
  | { kind: 'number'; pos: number; text: string; value: number; isFloat: boolean }
  | { kind: 'string'; pos: number; quoted: string; text: string }
  | { kind: 'chain'; pos: number; node: OperandNode; field: string[] };

export interface CommandNode {
  kind: 'command';
  pos: number;
  args: OperandNode[];
}
export interface VariableNode {
  kind: 'variable';
  pos: number;
  ident: string[];
}
export interface ControlNode {
  kind: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export type ListNode = Extract<Node, { kind: 'list' }>;

/** A parse or execution error, worded as Go's text/template words it. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly phase: 'parse' | 'exec',
    /** What an execution wrote before it failed (Go's template leaves it in the writer). */
    readonly partial = '',
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Go's Node.String(): used in "executing ... at <...>". */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return goQuote(n.text);
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length) s = `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} `;
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => `.${i}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'identifier':
      return n.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join('');
    }
    case 'if':
    case 'range':
    case 'with': {
      const body = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      return n.elseList ? `${body}{{else}}${nodeString(n.elseList)}{{end}}` : `${body}{{end}}`;
    }
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
    default:
      return `{{${n.kind}}}`;
  }
}

/** Parses a template; `funcs` are the names of the functions it may call. */
export function parse(text: string, funcs: ReadonlySet<string>, name = ''): ListNode {
  const items = lex(text);
  let i = 0;
  let last: Item = items[0]!;
  let vars = ['$'];
  let rangeDepth = 0;

  const next = (): Item => {
    last = items[Math.min(i, items.length - 1)]!;
    i++;
    return last;
  };
  const backup = () => {
    i--;
  };
  const peek = (): Item => items[Math.min(i, items.length - 1)]!;
  const nextNonSpace = (): Item => {
    let t = next();
    while (t.typ === 'space') t = next();
    return t;
  };
  const peekNonSpace = (): Item => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const errorf = (msg: string): never => {
    throw new TemplateError(`template: ${name}:${last.line}: ${msg}`, 'parse');
  };
  const unexpected = (t: Item, context: string): never => errorf(`unexpected ${itemString(t)} in ${context}`);
  const expect = (typ: Item['typ'], context: string): Item => {
    const t = nextNonSpace();
    if (t.typ !== typ) unexpected(t, context);
    return t;
  };

  const textOrAction = (): Node => {
    const t = nextNonSpace();
    if (t.typ === 'text') return { kind: 'text', pos: t.pos, text: t.val };
    if (t.typ === 'leftDelim') return action();
    if (t.typ === 'error') errorf(t.val);
    return unexpected(t, 'input');
  };

  const itemList = (): { list: ListNode; end: Node } => {
    const list: ListNode = { kind: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().typ !== 'eof') {
      if (peekNonSpace().typ === 'error') errorf(nextNonSpace().val);
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list, end: n };
      list.nodes.push(n);
    }
    return errorf('unexpected EOF');
  };

  const action = (): Node => {
    const t = nextNonSpace();
    if (t.typ === 'keyword') {
      switch (t.val) {
        case 'else': {
          const p = peekNonSpace();
          if (p.typ === 'keyword' && p.val === 'if') return { kind: 'else', pos: p.pos, line: p.line };
          const r = expect('rightDelim', 'else');
          return { kind: 'else', pos: r.pos, line: r.line };
        }
        case 'end':
          return { kind: 'end', pos: expect('rightDelim', 'end').pos, line: t.line };
        case 'if':
          return control('if');
        case 'range':
          return control('range');
        case 'with':
          return control('with');
        case 'break':
        case 'continue': {
          if (rangeDepth === 0) errorf(`{{${t.val}}} outside {{range}}`);
          const r = expect('rightDelim', `{{${t.val}}}`);
          return { kind: t.val, pos: r.pos, line: r.line };
        }
        default:
          return errorf(`{{${t.val}}} is not supported by dockui's templates`);
      }
    }
    backup();
    const p = peek();
    return { kind: 'action', pos: p.pos, line: p.line, pipe: pipeline('command') };
  };

  const control = (kind: 'if' | 'range' | 'with'): ControlNode => {
    const saved = vars.length;
    try {
      const pipe = pipeline(kind);
      if (kind === 'range') rangeDepth++;
      let r: { list: ListNode; end: Node };
      try {
        r = itemList();
      } finally {
        if (kind === 'range') rangeDepth--;
      }
      let elseList: ListNode | undefined;
      if (r.end.kind === 'else') {
        const p = peek();
        if (kind === 'if' && p.typ === 'keyword' && p.val === 'if') {
          // {{else if b}} is {{else}}{{if b}}...{{end}} sharing the one {{end}}.
          next();
          elseList = { kind: 'list', pos: r.end.pos, nodes: [control('if')] };
        } else {
          const e = itemList();
          if (e.end.kind !== 'end') errorf(`expected end; found ${nodeString(e.end)}`);
          elseList = e.list;
        }
      }
      return { kind, pos: pipe.pos, line: pipe.line, pipe, list: r.list, elseList };
    } finally {
      vars = vars.slice(0, saved);
    }
  };

  const pipeline = (context: string): PipeNode => {
    const t0 = peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: t0.pos, line: t0.line, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = peekNonSpace();
      if (v.typ !== 'variable') break;
      const save = i;
      nextNonSpace();
      const n = peekNonSpace();
      if (n.typ === 'assign' || n.typ === 'declare') {
        pipe.isAssign = n.typ === 'assign';
        nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
      } else if (n.typ === 'char' && n.val === ',') {
        nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().typ;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue;
          errorf('range can only initialize variables');
        }
        errorf(`too many declarations in ${context}`);
      } else i = save;
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      switch (t.typ) {
        case 'rightDelim':
        case 'rightParen':
          if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
          pipe.cmds.slice(1).forEach((c, k) => {
            if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.kind))
              errorf(`non executable command in pipeline stage ${k + 2}`);
          });
          if (t.typ === 'rightParen') backup();
          return pipe;
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          backup();
          pipe.cmds.push(command());
          break;
        case 'error':
          return errorf(t.val);
        case 'text':
        case 'pipe':
        case 'eof':
        case 'leftDelim':
        case 'space':
        case 'declare':
        case 'assign':
        case 'char':
        case 'keyword':
        default:
          return unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { kind: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const o = operand();
      if (o) cmd.args.push(o);
      const t = next();
      if (t.typ === 'space') continue;
      if (t.typ === 'error') errorf(t.val);
      else if (t.typ === 'rightDelim' || t.typ === 'rightParen') backup();
      else if (t.typ !== 'pipe') errorf(`unexpected ${itemString(t)} in operand`);
      break;
    }
    if (cmd.args.length === 0) errorf('empty command');
    return cmd;
  };

  const operand = (): OperandNode | undefined => {
    const node = term();
    if (!node) return undefined;
    if (peek().typ !== 'field') return node;
    const fields: string[] = [];
    const pos = peek().pos;
    while (peek().typ === 'field') fields.push(next().val.slice(1));
    switch (node.kind) {
      // Go positions a chained field or variable at its first chained field (".B" in .A.B).
      case 'field':
        return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      case 'pipe':
      case 'identifier':
      case 'chain':
        return { kind: 'chain', pos, node, field: fields };
    }
  };

  const term = (): OperandNode | undefined => {
    const t = nextNonSpace();
    switch (t.typ) {
      case 'error':
        return errorf(t.val);
      case 'identifier':
        if (!funcs.has(t.val)) errorf(`function ${goQuote(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable': {
        const ident = t.val.split('.');
        if (!vars.includes(ident[0]!)) errorf(`undefined variable ${goQuote(ident[0]!)}`);
        return { kind: 'variable', pos: t.pos, ident: [t.val] };
      }
      case 'field':
        return { kind: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'number':
        return numberNode(t, errorf);
      case 'leftParen': {
        const p = pipeline('parenthesized pipeline');
        const c = next();
        if (c.typ !== 'rightParen') errorf(`unclosed right paren: unexpected ${itemString(c)}`);
        return p;
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, quoted: t.val, text: unquote(t.val, errorf) };
      case 'text':
      case 'pipe':
      case 'eof':
      case 'leftDelim':
      case 'rightDelim':
      case 'space':
      case 'declare':
      case 'assign':
      case 'char':
      case 'rightParen':
      case 'keyword':
        break;
    }
    backup();
    return undefined;
  };

  const root: ListNode = { kind: 'list', pos: peek().pos, nodes: [] };
  while (peek().typ !== 'eof') {
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') errorf(`unexpected ${nodeString(n)}`);
    root.nodes.push(n);
  }
  return root;
}

function numberNode(t: Item, errorf: (m: string) => never): OperandNode {
  if (t.typ === 'charConstant') {
    const s = unquote(t.val, errorf);
    return { kind: 'number', pos: t.pos, text: t.val, value: s.codePointAt(0) ?? 0, isFloat: false };
  }
  const text = t.val;
  if (text.endsWith('i')) return errorf(`complex numbers are not supported: ${text}`);
  const clean = text.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  let value: number;
  let isFloat = false;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[bB][01]+$/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^0[oO]?[0-7]+$/.test(body)) value = parseInt(body.replace(/^0[oO]?/, ''), 8);
  else if (/^[0-9]+$/.test(body)) value = parseInt(body, 10);
  else if (/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body)) {
    value = parseFloat(body);
    isFloat = true;
  } else return errorf(`illegal number syntax: ${goQuote(text)}`);
  return { kind: 'number', pos: t.pos, text, value: neg ? -value : value, isFloat };
}

/** strconv.Unquote for "..." (Go escapes), `...` and '.'. */
function unquote(q: string, errorf: (m: string) => never): string {
  if (q.startsWith('`')) return q.slice(1, -1);
  const body = q.slice(1, -1);
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++k] ?? '';
    if (e in simple) out += simple[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(k + 1, k + 3))) {
      out += String.fromCharCode(parseInt(body.slice(k + 1, k + 3), 16));
      k += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(k + 1, k + 5))) {
      out += String.fromCodePoint(parseInt(body.slice(k + 1, k + 5), 16));
      k += 4;
    } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(k + 1, k + 9))) {
      out += String.fromCodePoint(parseInt(body.slice(k + 1, k + 9), 16));
      k += 8;
    } else if (/^[0-7]{3}$/.test(body.slice(k, k + 3))) {
      out += String.fromCharCode(parseInt(body.slice(k, k + 3), 8));
      k += 2;
    } else return errorf('invalid syntax');
  }
  return out;
}
