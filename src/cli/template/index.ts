// Docker's --format: Go text/template with docker's functions, 'table ...' and 'json'.
// The CLI verbs call formatRows (ps, images, volume ls ...) and inspectFormat (inspect -f).
import { execute, type TemplateFunc } from './exec.js';
import { dockerFuncs, headerFuncs } from './funcs.js';
import { parse, TemplateError, type ListNode } from './parse.js';
import { tabwrite } from './tabwriter.js';
import { GoStruct } from './values.js';

export { TemplateError } from './parse.js';
export { GoStruct } from './values.js';

export interface Template {
  readonly text: string;
  readonly tree: ListNode;
}

/** Parses with docker's function set; throws TemplateError ("template: :1: ..."). */
export function parseTemplate(text: string, funcs: Readonly<Record<string, TemplateFunc>> = dockerFuncs): Template {
  return { text, tree: parse(text, new Set(Object.keys(funcs))) };
}

export function render(
  t: Template,
  data: unknown,
  opts: { missingKey?: 'default' | 'error'; funcs?: Readonly<Record<string, TemplateFunc>> } = {},
): string {
  return execute(t.text, t.tree, data, { funcs: opts.funcs ?? dockerFuncs, missingKey: opts.missingKey ?? 'default' });
}

export interface RowsOptions {
  /** Go type of a row for error messages, as docker names it: '*formatter.ContainerContext'. */
  readonly typeName: string;
  /** Field name to column header in docker's words: { ID: 'CONTAINER ID', Names: 'NAMES' }. */
  readonly headers: Readonly<Record<string, string>>;
  /** What plain `--format table` means (docker: the verb's default table), without 'table'. */
  readonly defaultTable?: string;
  /** What `{{json .}}` marshals a row to, when not its fields as they are (keys sorted either way). */
  readonly json?: (row: Readonly<Record<string, unknown>>) => unknown;
}

/**
 * Renders rows under a docker --format: 'table {{.A}}\t{{.B}}' (header from `headers`,
 * columns aligned like docker's tabwriter), 'json' (one JSON object per line), or any
 * template (one line per row). `\t` and `\n` written literally in the format are tab and
 * newline, as in docker. Rows are the fields of one struct each: a function field is a
 * method ({{.Label "k"}}). Throws TemplateError with docker's message
 * ("template parsing error: template: :1: ..."): print it as one line and exit 1.
 */
export function formatRows(format: string, rows: readonly Readonly<Record<string, unknown>>[], opts: RowsOptions): string {
  const isTable = format.startsWith('table');
  let body = format;
  if (isTable) body = format === 'table' && opts.defaultTable !== undefined ? opts.defaultTable : format.slice('table'.length);
  else if (format === 'json') body = '{{json .}}';
  body = body.trim().replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const t = wrap(() => parseTemplate(body));
  let out = '';
  for (const r of rows) out += wrap(() => render(t, new GoStruct(opts.typeName, r, opts.json?.(r)))) + '\n';
  if (!isTable) return out;
  // docker renders the header with the same template over a map of column names, and keeps
  // what it wrote before an error ({{.Label "k"}} has no header: the line stops there).
  let header: string;
  try {
    header = render(parseTemplate(body, headerFuncs), opts.headers, { funcs: headerFuncs });
  } catch (e) {
    header = e instanceof TemplateError ? e.partial : '';
  }
  return tabwrite(`${header}\n${out}`);
}

/**
 * `docker inspect -f`: one rendered line per object. Objects are JSON (docker's raw
 * fallback: maps, and a missing key is an error). Parse errors throw TemplateError with
 * phase 'parse' (docker exits 64), execution errors phase 'exec' (docker exits 1).
 */
export function inspectFormat(format: string, objects: readonly unknown[]): string {
  const t = wrap(() => parseTemplate(format));
  return objects.map((o) => wrap(() => render(t, o, { missingKey: 'error' })) + '\n').join('');
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`, e.phase);
    throw e;
  }
}

/** Where rows and errors go: the CLI's outputs (src/cli/stdio.ts) or a stream. */
export interface TextOutput {
  write(text: string): unknown;
}

/**
 * For list verbs (ps, images, volume ls): writes the rows under `format` and returns the
 * exit code. A bad template is one line on stderr and exit 1, as docker does; nothing is
 * written to stdout then.
 */
export function printRows(
  io: { readonly stdout: TextOutput; readonly stderr: TextOutput },
  format: string,
  rows: readonly Readonly<Record<string, unknown>>[],
  opts: RowsOptions,
): number {
  let out: string;
  try {
    out = formatRows(format, rows, opts);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    io.stderr.write(`dockui: ${e.message}\n`);
    return 1;
  }
  io.stdout.write(out);
  return 0;
}
