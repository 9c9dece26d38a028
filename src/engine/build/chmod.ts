// COPY/ADD --chmod: octal (`0755`, at most 07777) or, as BuildKit's Dockerfile frontend takes
// since 1.14, chmod(1)'s symbolic modes (`u=rwX,go=rX`, `+x`, `g=u`), applied per entry to the
// source's own mode — so `X` gives execute to directories and to files that had it already.
// As BuildKit's parser (no umask), a clause without who (`+x`, `=r`) means `a`.
import { EngineError } from '../define.js';

/** The mode an entry gets from its source mode (permission bits) and whether it is a directory. */
export type Chmod = (mode: number, isDir: boolean) => number;

interface Action {
  readonly op: '+' | '-' | '=';
  /** r w x X s t, or one of u g o (copy that class's bits). */
  readonly perms: string;
}

interface Clause {
  readonly affected: number;
  readonly actions: readonly Action[];
}

const whoBits: Readonly<Record<string, number>> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };
const classShift: Readonly<Record<string, number>> = { u: 6, g: 3, o: 0 };

function invalid(v: string, why: string): EngineError {
  return new EngineError(
    'invalid_argument',
    `invalid --chmod value ${JSON.stringify(v)}: ${why} (octal like 0755, or symbolic like u=rwX,go=rX)`,
  );
}

export function parseChmod(v: string): Chmod {
  if (/^[0-7]+$/.test(v)) {
    const n = parseInt(v, 8);
    if (n > 0o7777) throw invalid(v, 'more than 07777');
    return () => n;
  }
  if (/^\d+$/.test(v)) throw invalid(v, 'not an octal number');
  const clauses: Clause[] = [];
  for (const text of v.split(',')) {
    const m = /^([ugoa]*)(.*)$/.exec(text)!;
    const who = m[1]!;
    let rest = m[2]!;
    if (rest === '') throw invalid(v, `${JSON.stringify(text)} has no operator (+, - or =)`);
    const affected = who === '' ? 0o7777 : [...who].reduce((a, c) => a | whoBits[c]!, 0);
    const actions: Action[] = [];
    while (rest !== '') {
      const op = rest[0]!;
      if (op !== '+' && op !== '-' && op !== '=') throw invalid(v, `unexpected ${JSON.stringify(op)} in ${JSON.stringify(text)}`);
      const p = /^([ugo]|[rwxXst]*)/.exec(rest.slice(1))![1]!;
      actions.push({ op, perms: p });
      rest = rest.slice(1 + p.length);
    }
    clauses.push({ affected, actions });
  }
  return (mode, isDir) => {
    let cur = mode & 0o7777;
    for (const c of clauses) {
      for (const a of c.actions) {
        let value = 0;
        if (a.perms.length === 1 && a.perms in classShift) {
          const bits = (cur >> classShift[a.perms]!) & 0o7;
          value = (bits << 6) | (bits << 3) | bits;
        } else {
          for (const ch of a.perms) {
            if (ch === 'r') value |= 0o444;
            else if (ch === 'w') value |= 0o222;
            else if (ch === 'x') value |= 0o111;
            else if (ch === 'X') value |= isDir || (cur & 0o111) !== 0 ? 0o111 : 0;
            else if (ch === 's') value |= 0o6000;
            else if (ch === 't') value |= 0o1000;
          }
        }
        value &= c.affected;
        if (a.op === '+') cur |= value;
        else if (a.op === '-') cur &= ~value;
        else {
          // `=` sets the affected classes; a directory keeps its setuid/setgid unless named (GNU).
          const clear = isDir && !a.perms.includes('s') ? c.affected & ~0o6000 : c.affected;
          cur = (cur & ~clear) | value;
        }
      }
    }
    return cur & 0o7777;
  };
}
