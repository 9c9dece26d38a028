// Fuzz: 10,000 inputs mutated from the corpus (byte flips, line splices, inserted escapes,
// quotes, heredoc markers and `${`), with a fixed seed. Every input must end in a parse result
// or an EngineError with a range — never another exception — within a per-input time budget.
// The loop runs in a worker so that a hang is caught too: the watchdog kills the worker when
// it stops reporting progress and names the input it was on.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { repoRoot } from '../../helpers/env.js';
import type { FuzzMessage, FuzzRequest } from './fuzz-worker.js';

const corpus = join(repoRoot, 'test/fixtures/dockerfiles');

function seeds(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'Dockerfile') out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(corpus);
  return out;
}

function runWorker(req: FuzzRequest, stallMs: number): Promise<Extract<FuzzMessage, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    // The worker needs tsx to load TypeScript and does not get the parent's loader: a tiny
    // bootstrap registers tsx in the worker, then imports the module.
    const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    const worker = new Worker(boot, { eval: true, workerData: req, execArgv: [] });
    let last: { index: number; input: string } = { index: -1, input: '' };
    let timer = setTimeout(stalled, stallMs);
    function stalled(): void {
      void worker.terminate();
      reject(
        new Error(`fuzz stalled for ${stallMs} ms after input ${last.index} (a hang); last reported input: ${JSON.stringify(last.input)}`),
      );
    }
    worker.on('message', (m: FuzzMessage) => {
      clearTimeout(timer);
      if (m.type === 'progress') {
        last = { index: m.index, input: m.input };
        timer = setTimeout(stalled, stallMs);
        return;
      }
      void worker.terminate();
      resolve(m);
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('Dockerfile fuzz', () => {
  it('ends 10,000 mutated inputs in a result or a clean error, each within its budget', async () => {
    const list = seeds();
    assert.ok(list.length >= 100, `only ${list.length} seed files`);
    const count = 10_000;
    const result = await runWorker({ seeds: list, count, seed: 0x5eed_d0c, budgetMs: 20 }, 30_000);
    const first = result.failures[0];
    assert.equal(first, undefined, first && `${first.problem}\ninput: ${JSON.stringify(first.input)}`);
    assert.equal(result.parsed + result.errors, count);
    // Both outcomes must be well represented, or the mutations are not exercising anything.
    assert.ok(result.parsed > count / 10 && result.errors > count / 10, `parsed ${result.parsed}, errors ${result.errors}`);
    console.log(
      `# fuzz: ${result.parsed} parsed, ${result.errors} clean errors, slowest input ${result.slowest.toFixed(2)} ms of CPU (best of retries)`,
    );
  });
});
