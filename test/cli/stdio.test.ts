// The CLI's outputs (src/cli/stdio.ts) in a real child process writing to a real pipe: text goes
// out with writeSync until a verb needs the stream, in order when the two mix, a pipe is known not
// to be a terminal without making the stream, and a reader that went away reaches onError.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const stdio = fileURLToPath(new URL('../../src/cli/stdio.ts', import.meta.url));

/** Runs `body` in a child Node (tsx) with `out` = cliOutput(1, process.stdout, report). */
function child(body: string, opts: { closeEarly?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { cliOutput } = await import(${JSON.stringify(stdio)});
    let streamMade = false;
    const made = () => streamMade;
    const out = cliOutput(1, () => ((streamMade = true), process.stdout), (e) => { process.stderr.write('onError ' + e.code + '\\n'); process.exit(141); });
    ${body}
  `;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (opts.closeEarly) p.stdout.destroy();
    });
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('CLI outputs', () => {
  it('write() goes out without making process.stdout; a pipe is not a terminal', async () => {
    const r = await child(`
      out.write('one\\n');
      out.write(new TextEncoder().encode('two\\n'));
      const tty = out.isTTY;
      process.stderr.write('made=' + made() + ' tty=' + tty + '\\n');
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'one\ntwo\n');
    assert.match(r.stderr, /made=false tty=false/);
  });

  it('once a verb takes the stream, every write goes through it, in order', async () => {
    const r = await child(`
      out.write('a\\n');
      out.stream.write('b\\n');
      out.write('c\\n');
      process.stderr.write('same=' + (out.stream === process.stdout) + '\\n');
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\nb\nc\n');
    assert.match(r.stderr, /same=true/);
  });

  it('a large write arrives whole', async () => {
    const r = await child(`out.write('x'.repeat(1 << 20) + '\\n');`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, (1 << 20) + 1);
  });

  it('a reader that went away reaches onError with EPIPE', async () => {
    const r = await child(
      `out.write('first\\n'); await new Promise((r) => setTimeout(r, 300)); for (let i = 0; i < 100; i++) out.write('more\\n');`,
      { closeEarly: true },
    );
    assert.equal(r.code, 141, r.stderr);
    assert.match(r.stderr, /onError EPIPE/);
  });
});
