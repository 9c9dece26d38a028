// Executes a parsed template the way Go's text/template/exec.go does: dot and variables,
// field chains over maps (JSON) and structs (docker's formatter contexts), pipelines with
// the final value passed as the last argument, if/with/range scoping, and Go's error texts.
import {
  nodeString,
  TemplateError,
  type CommandNode,
  type ControlNode,
  type ListNode,
  type Node,
  type OperandNode,
  type PipeNode,
} from './parse.js';
import { Box, formatValue, GoFloat, GoStruct, NO_VALUE, truth, typeName, unbox } from './values.js';

/** A function's parameter kinds: checked as Go checks argument types before a call. */
export type Param = 'any' | 'string' | 'int' | 'strings';

export interface TemplateFunc {
  readonly params: readonly Param[];
  /** The last parameter repeats (Go's ...T). */
  readonly variadic?: boolean;
  readonly fn: (...args: unknown[]) => unknown;
}

/** A function's own failure: reported as "error calling NAME: message". */
export class FuncError extends Error {}

export interface ExecOptions {
  readonly funcs: Readonly<Record<string, TemplateFunc>>;
  /** Go's Option("missingkey=error"): a missing map key is an error instead of "<no value>". */
  readonly missingKey?: 'default' | 'error';
}

const MISSING: unique symbol = Symbol('missing final');
type Final = unknown;

// {{break}} and {{continue}} unwind to their range loop.
class Break extends Error {}
class Continue extends Error {}

export function execute(text: string, tree: ListNode, data: unknown, opts: ExecOptions, name = ''): string {
  const out: string[] = [];
  const top = data === null || data === undefined ? NO_VALUE : data;
  let vars: { name: string; value: unknown }[] = [{ name: '$', value: top }];
  let at: Node | undefined;

  const errorf = (msg: string): never => {
    if (!at) throw new TemplateError(`template: ${name}: ${msg}`, 'exec', out.join(''));
    const before = text.slice(0, at.pos);
    const nl = before.lastIndexOf('\n');
    const lineNum = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = nl === -1 ? at.pos : at.pos - (nl + 1);
    throw new TemplateError(
      `template: ${name}:${lineNum}:${col}: executing "${name}" at <${nodeString(at)}>: ${msg}`,
      'exec',
      out.join(''),
    );
  };

  const varValue = (n: string): unknown => {
    for (let k = vars.length - 1; k >= 0; k--) if (vars[k]!.name === n) return vars[k]!.value;
    return errorf(`undefined variable: ${n}`);
  };
  const setVar = (n: string, value: unknown) => {
    for (let k = vars.length - 1; k >= 0; k--)
      if (vars[k]!.name === n) {
        vars[k]!.value = value;
        return;
      }
    errorf(`undefined variable: ${n}`);
  };

  const walk = (dot: unknown, node: Node): void => {
    switch (node.kind) {
      case 'list':
        for (const n of node.nodes) walk(dot, n);
        return;
      case 'text':
        out.push(node.text);
        return;
      case 'action': {
        const v = evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) printValue(node, v);
        return;
      }
      case 'if':
      case 'with':
        return walkIfOrWith(dot, node);
      case 'range':
        return walkRange(dot, node);
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
      case 'string':
      case 'number':
      case 'pipe':
      case 'command':
      case 'field':
      case 'variable':
      case 'identifier':
      case 'dot':
      case 'nil':
      case 'bool':
      case 'chain':
      case 'end':
      case 'else':
      default:
        return errorf(`unknown node: ${nodeString(node)}`);
    }
  };

  const scoped = (f: () => void) => {
    const mark = vars.length;
    try {
      f();
    } finally {
      vars = vars.slice(0, mark);
    }
  };

  const walkIfOrWith = (dot: unknown, node: ControlNode) =>
    scoped(() => {
      const v = evalPipeline(dot, node.pipe);
      if (truth(v)) {
        if (node.kind === 'with') walk(v, node.list);
        else walk(dot, node.list);
      } else if (node.elseList) walk(dot, node.elseList);
    });

  const walkRange = (dot: unknown, node: ControlNode) =>
    scoped(() => {
      at = node;
      const v = unbox(evalPipeline(dot, node.pipe));
      const mark = vars.length;
      const decl = node.pipe.decl;
      // Returns false on {{break}}.
      const one = (index: unknown, elem: unknown): boolean => {
        try {
          if (decl.length > 0) {
            if (node.pipe.isAssign) {
              if (decl.length > 1) {
                setVar(decl[0]!.ident[0]!, index);
                setVar(decl[1]!.ident[0]!, elem);
              } else setVar(decl[0]!.ident[0]!, elem);
            } else {
              vars[vars.length - 1]!.value = elem;
              if (decl.length > 1) vars[vars.length - 2]!.value = index;
            }
          }
          walk(elem, node.list);
        } catch (e) {
          if (e instanceof Break) return false;
          if (!(e instanceof Continue)) throw e;
        } finally {
          vars = vars.slice(0, mark);
        }
        return true;
      };
      let n = 0;
      if (Array.isArray(v)) {
        n = v.length;
        for (let k = 0; k < v.length; k++) if (!one(k, new Box(v[k]))) break;
      } else if (typeof v === 'number' && Number.isInteger(v)) {
        if (decl.length > 1) errorf(`can't use ${v} to iterate over more than one variable`);
        n = Math.max(v, 0);
        for (let k = 0; k < v; k++) if (!one(k, k)) break;
      } else if (v === NO_VALUE || v === null) {
        n = 0;
      } else if (v && typeof v === 'object' && !(v instanceof GoStruct) && !(v instanceof GoFloat)) {
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o).sort();
        n = keys.length;
        for (const k of keys) if (!one(k, new Box(o[k]))) break;
      } else {
        errorf(`range can't iterate over ${formatValue(v)}`);
      }
      if (n === 0 && node.elseList) walk(dot, node.elseList);
    });

  const printValue = (node: Node, v: unknown) => {
    at = node;
    if (v === NO_VALUE) out.push('<no value>');
    else if (typeof v === 'function') errorf(`can't print ${nodeString(node)} of type func`);
    else out.push(formatValue(v));
  };

  const evalPipeline = (dot: unknown, pipe: PipeNode): unknown => {
    at = pipe;
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      const r = evalCommand(dot, cmd, value);
      value = unbox(r);
      // A nil interface{} is Go's invalid value once unwrapped; a struct's nil pointer field
      // (docker-types.ts) stays a nil pointer, which prints "<nil>".
      if (value === undefined || (value === null && r !== null)) value = NO_VALUE;
    }
    for (const d of pipe.decl) {
      if (pipe.isAssign) setVar(d.ident[0]!, value);
      else vars.push({ name: d.ident[0]!, value });
    }
    return value;
  };

  const notAFunction = (args: readonly OperandNode[], final: Final) => {
    if (args.length > 1 || final !== MISSING) errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  };

  const evalCommand = (dot: unknown, cmd: CommandNode, final: Final): unknown => {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        at = first;
        return evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        notAFunction(cmd.args, final);
        return evalPipeline(dot, first);
      case 'variable':
        return evalVariable(dot, first, cmd.args, final);
      case 'nil':
        at = first;
        notAFunction(cmd.args, final);
        return errorf('nil is not a command');
      case 'bool':
      case 'dot':
      case 'number':
      case 'string':
        // A constant (or dot) takes no arguments; its value is the one it has as an argument.
        at = first;
        notAFunction(cmd.args, final);
        return evalArg(dot, first);
    }
  };

  const numberValue = (n: Extract<Node, { kind: 'number' }>) => (n.isFloat && Number.isInteger(n.value) ? new GoFloat(n.value) : n.value);

  const evalChain = (dot: unknown, chain: Extract<Node, { kind: 'chain' }>, args: readonly OperandNode[] | null, final: Final) => {
    at = chain;
    if (chain.node.kind === 'nil') errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = evalArg(dot, chain.node);
    return evalFieldChain(dot, pipe, chain, chain.field, args, final);
  };

  const evalVariable = (dot: unknown, v: Extract<Node, { kind: 'variable' }>, args: readonly OperandNode[] | null, final: Final) => {
    at = v;
    const value = varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args) notAFunction(args, final);
      return value;
    }
    return evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  };

  const evalFieldChain = (
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: readonly string[],
    args: readonly OperandNode[] | null,
    final: Final,
  ): unknown => {
    for (let k = 0; k < ident.length - 1; k++) receiver = evalField(dot, ident[k]!, node, null, MISSING, receiver);
    return evalField(dot, ident[ident.length - 1]!, node, args, final, receiver);
  };

  const evalField = (
    dot: unknown,
    field: string,
    node: Node,
    args: readonly OperandNode[] | null,
    final: Final,
    receiver: unknown,
  ): unknown => {
    if (receiver === NO_VALUE) {
      if (opts.missingKey === 'error') errorf(`nil data; no entry for key "${field}"`);
      return NO_VALUE;
    }
    const typ = typeName(receiver);
    const r = unbox(receiver);
    if (r === null || r === undefined) return errorf(`nil pointer evaluating ${typ}.${field}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (r instanceof GoStruct) {
      if (Object.hasOwn(r.fields, field)) {
        const f = r.fields[field];
        if (typeof f === 'function') return call(dot, field, f as TemplateFunc['fn'], null, node, args, final);
        if (hasArgs) errorf(`${field} has arguments but cannot be invoked as function`);
        return f === undefined ? NO_VALUE : f;
      }
    } else if (r && typeof r === 'object' && !Array.isArray(r) && !(r instanceof GoFloat)) {
      if (hasArgs) errorf(`${field} is not a method but has arguments`);
      const o = r as Record<string, unknown>;
      if (Object.hasOwn(o, field) && o[field] !== undefined) return new Box(o[field]);
      if (opts.missingKey === 'error') errorf(`map has no entry for key "${field}"`);
      return NO_VALUE;
    }
    return errorf(`can't evaluate field ${field} in type ${typ}`);
  };

  const evalFunction = (dot: unknown, fname: string, ident: Node, cmd: Node, args: readonly OperandNode[], final: Final) => {
    at = ident;
    const f = opts.funcs[fname];
    if (!f) return errorf(`"${fname}" is not a defined function`);
    if (fname === 'and' || fname === 'or') {
      // Short-circuit, as Go 1.18+: stop at the first false (and) / true (or) argument.
      const n = args.length - 1 + (final !== MISSING ? 1 : 0);
      if (n < 1) errorf(`wrong number of args for ${fname}: want at least 1 got 0`);
      let v: unknown = NO_VALUE;
      for (const a of args.slice(1)) {
        v = evalArg(dot, a);
        if (truth(v) === (fname === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    return call(dot, fname, f.fn, f, cmd, args, final);
  };

  const call = (
    dot: unknown,
    fname: string,
    fn: TemplateFunc['fn'],
    spec: TemplateFunc | null,
    node: Node,
    args: readonly OperandNode[] | null,
    final: Final,
  ): unknown => {
    const argNodes = args ? args.slice(1) : [];
    const given = argNodes.length + (final !== MISSING ? 1 : 0);
    if (spec) {
      const want = spec.params.length;
      if (spec.variadic ? given < want - 1 : given !== want)
        errorf(
          `wrong number of args for ${fname}: want ${spec.variadic ? 'at least ' : ''}${spec.variadic ? want - 1 : want} got ${given}`,
        );
    }
    const param = (k: number): Param => {
      if (!spec) return 'any';
      return spec.params[Math.min(k, spec.params.length - 1)]!;
    };
    const values = argNodes.map((a, k) => {
      const p = param(k);
      // A literal of the wrong type is reported as Go's evalArg does: "expected T; found X".
      if (p !== 'any' && ['bool', 'number', 'string', 'nil'].includes(a.kind)) {
        const lit = evalArg(dot, a);
        const fits = p === 'string' ? typeof lit === 'string' : p === 'int' ? typeof lit === 'number' && Number.isInteger(lit) : false;
        if (!fits) {
          at = a;
          if (p === 'strings') errorf(`can't handle ${nodeString(a)} for arg of type []string`);
          if (a.kind === 'nil') errorf(`cannot assign nil to ${p === 'strings' ? '[]string' : p}`);
          errorf(`expected ${p === 'strings' ? '[]string' : p}; found ${nodeString(a)}`);
        }
        return lit;
      }
      return checkType(evalArg(dot, a), p, a);
    });
    if (final !== MISSING) values.push(checkType(final, param(values.length), node));
    try {
      return fn(...values);
    } catch (e) {
      at = node;
      if (e instanceof FuncError) return errorf(`error calling ${fname}: ${e.message}`);
      throw e;
    }
  };

  const checkType = (v: unknown, p: Param, node: Node): unknown => {
    if (p === 'any') return v;
    const u = unbox(v);
    const ok =
      p === 'string'
        ? typeof u === 'string'
        : p === 'int'
          ? typeof u === 'number' && Number.isInteger(u)
          : Array.isArray(u) && u.every((x) => typeof unbox(x) === 'string');
    if (ok) return p === 'strings' ? (u as unknown[]).map(unbox) : u;
    at = node;
    const goType = p === 'strings' ? '[]string' : p;
    if (u === NO_VALUE) return errorf(`invalid value; expected ${goType}`);
    return errorf(`wrong type for value; expected ${goType}; got ${typeName(v instanceof Box && v.v === null ? v : u)}`);
  };

  const evalArg = (dot: unknown, n: OperandNode): unknown => {
    at = n;
    switch (n.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return evalFieldChain(dot, dot, n, n.ident, [n], MISSING);
      case 'variable':
        return evalVariable(dot, n, null, MISSING);
      case 'pipe':
        return evalPipeline(dot, n);
      case 'identifier':
        return evalFunction(dot, n.name, n, n, [n], MISSING);
      case 'chain':
        return evalChain(dot, n, null, MISSING);
      case 'bool':
        return n.value;
      case 'number':
        return numberValue(n);
      case 'string':
        return n.text;
    }
  };

  walk(top, tree);
  return out.join('');
}
