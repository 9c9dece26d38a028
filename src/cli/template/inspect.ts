// docker's inspect output (cli/command/inspect): indented JSON by default, compact JSON for
// 'json', else a Go template run once per object (one line each): over its Go type first
// when the object says it (TypedJson), then over its JSON, where a missing key is an error.
// A template that does not parse exits 64 before any
// lookup; objects the template fails on are reported after the others' lines, exit 1.
import { typedView, TypedJson } from './docker-types.js';
import { parseTemplate, render, TemplateError, type Template, type TextOutput } from './index.js';

interface Io {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

export async function writeInspect(io: Io, format: string, load: () => Promise<readonly unknown[]>): Promise<number> {
  let t: Template | undefined;
  if (format !== '' && format !== 'json') {
    try {
      t = parseTemplate(format);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      io.stderr.write(`dockui: template parsing error: ${e.message}\n`);
      return 64;
    }
  }
  const loaded = await load();
  const objects = loaded.map((o) => (o instanceof TypedJson ? o.json : o));
  if (!t) {
    io.stdout.write((format === 'json' ? JSON.stringify(objects) : JSON.stringify(objects, null, 4)) + '\n');
    return 0;
  }
  let out = '';
  const errors: string[] = [];
  for (const o of loaded) {
    try {
      out += renderOne(t, o) + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      errors.push(`template parsing error: ${e.message}`);
    }
  }
  io.stdout.write(out === '' ? '\n' : out);
  for (const e of errors) io.stderr.write(`dockui: ${e}\n`);
  return errors.length ? 1 : 0;
}

/** docker's TemplateInspector.Inspect: the typed object first; on any error, the raw JSON. */
function renderOne(t: Template, o: unknown): string {
  if (o instanceof TypedJson) {
    try {
      return render(t, typedView(o));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
    }
    o = o.json;
  }
  return render(t, o, { missingKey: 'error' });
}
