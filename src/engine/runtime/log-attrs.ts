// Docker's log attributes (logger.Info.ExtraAttributes and json-file's tag): --log-opt
// labels=a,b / labels-regex / env=X,Y / env-regex pick container labels and environment
// variables, tag names the container; `logs --details` prints them before every line.
// Labels and environment are fixed at create, so the attributes are computed once then.
import { EngineError } from '../define.js';

export const attrLogOpts = ['labels', 'labels-regex', 'env', 'env-regex', 'tag'] as const;

export interface LogAttrSource {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageName?: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly string[];
}

function regex(opt: string, re: string): RegExp {
  try {
    return new RegExp(re);
  } catch (e) {
    throw new EngineError('invalid_argument', `invalid --log-opt ${opt}=${re}: ${(e as Error).message}`);
  }
}

// loggerutils.ParseLogTag over logger.Info's fields (docker's default tag is {{.ID}}).
function tagOf(template: string, c: LogAttrSource): string {
  const fields: Record<string, string> = {
    ID: c.id.slice(0, 12),
    FullID: c.id,
    Name: c.name,
    ImageID: c.imageId.replace(/^sha256:/, '').slice(0, 12),
    ImageFullID: c.imageId,
    ImageName: c.imageName ?? c.image, // Config.Image, as docker's logger.Info has it
    DaemonName: 'docker',
  };
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}|\{\{/g, (m, f: string | undefined) => {
    if (f !== undefined && f in fields) return fields[f]!;
    const what = f === undefined ? 'a template other than {{.Field}}' : `no field ${f}`;
    throw new EngineError(
      'invalid_argument',
      `invalid --log-opt tag=${template}: ${what} (use {{.ID}}, {{.FullID}}, {{.Name}}, {{.ImageID}}, {{.ImageFullID}}, {{.ImageName}} or {{.DaemonName}})`,
    );
  });
}

/** The attributes `logs --details` shows, from the attribute log options (`attrLogOpts`). */
export function logAttrs(opts: Readonly<Record<string, string>>, c: LogAttrSource): Record<string, string> {
  const out: Record<string, string> = {};
  const env = new Map<string, string>();
  for (const e of c.env) {
    const i = e.indexOf('=');
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  for (const l of opts['labels']?.split(',') ?? []) if (Object.hasOwn(c.labels, l)) out[l] = c.labels[l]!;
  if (opts['labels-regex']) {
    const re = regex('labels-regex', opts['labels-regex']);
    for (const [k, v] of Object.entries(c.labels)) if (re.test(k)) out[k] = v;
  }
  for (const k of opts['env']?.split(',') ?? []) if (env.has(k)) out[k] = env.get(k)!;
  if (opts['env-regex']) {
    const re = regex('env-regex', opts['env-regex']);
    for (const [k, v] of env) if (re.test(k)) out[k] = v;
  }
  if (opts['tag'] !== undefined) {
    const tag = tagOf(opts['tag'], c);
    if (tag !== '') out['tag'] = tag;
  }
  return out;
}

// Go's url.QueryEscape: all but letters, digits and -_.~ escaped, a space as '+'.
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** What docker's daemon puts before each line for `details`: "k=v,k2=v2 " (keys sorted), or " ". */
export function detailsPrefix(attrs: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(attrs ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${keys.map((k) => `${queryEscape(k)}=${queryEscape(attrs![k]!)}`).join(',')} `;
}
