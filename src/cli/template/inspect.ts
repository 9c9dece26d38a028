// docker's inspect output (cli/command/inspect): indented JSON by default, compact JSON for
// 'json', else a Go template run once per object (one line each) over the object's JSON,
// where a missing key is an error. A template that does not parse exits 64 before any
// lookup; objects the template fails on are reported after the others' lines, exit 1.
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
  const objects = await load();
  if (!t) {
    io.stdout.write((format === 'json' ? JSON.stringify(objects) : JSON.stringify(objects, null, 4)) + '\n');
    return 0;
  }
  let out = '';
  const errors: string[] = [];
  for (const o of objects) {
    try {
      out += render(t, o, { missingKey: 'error' }) + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      errors.push(`template parsing error: ${e.message}`);
    }
  }
  io.stdout.write(out === '' ? '\n' : out);
  for (const e of errors) io.stderr.write(`dockui: ${e}\n`);
  return errors.length ? 1 : 0;
}
