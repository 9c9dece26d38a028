// The fuzz loop, run in a worker thread so that the test can kill it if an input hangs the
// parser (a synchronous loop would never let a timer fire in the same thread).
import { parentPort, workerData } from 'node:worker_threads';
import { isEngineError } from '../../../src/engine/define.js';
import { dump, GlobalScope, parseDockerfile, parseNodes } from '../../../src/engine/dockerfile/index.js';

export interface FuzzRequest {
  readonly seeds: readonly string[];
  readonly count: number;
  readonly seed: number;
  readonly budgetMs: number;
}

export type FuzzMessage =
  | { readonly type: 'progress'; readonly index: number; readonly input: string }
  | {
      readonly type: 'done';
      readonly parsed: number;
      readonly errors: number;
      readonly slowest: number;
      readonly failures: readonly { input: string; problem: string }[];
    };

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fragments that exercise the lexer's and parser's special cases.
const tokens = [
  '\\',
  '\\\n',
  '`',
  '`\n',
  '"',
  "'",
  '$',
  '${',
  '}',
  '${X:-',
  '${X:?',
  '${X/',
  '${X#',
  '[',
  ']',
  '["a", ',
  '=',
  ':',
  ',',
  '<<EOF',
  '<<-EOF',
  "<<'EOF'",
  '<<"EOF"',
  '3<<EOF',
  '\nEOF\n',
  '\n\tEOF\n',
  '<<',
  '#',
  '\n# c\n',
  '# escape=`\n',
  '# escape=\\\n',
  '# syntax=x\n',
  '--',
  '--mount=',
  '--mount=type=cache,target=',
  '--from=',
  '--chown=',
  '--platform=',
  '--interval=',
  ' AS ',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\ufeff',
  'é',
  '☕',
  '\u0000',
  'ONBUILD ',
  'FROM x\n',
  'RUN ',
  'COPY ',
  'ARG A=',
  'ENV ',
  'HEALTHCHECK CMD ',
];

function mutate(rand: () => number, seeds: readonly string[]): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let text = pick(seeds);
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (text.length + 1));
    switch (Math.floor(rand() * 7)) {
      case 0: {
        // byte flip: any code unit 1..126, or a token's first char
        const ch = rand() < 0.5 ? String.fromCharCode(1 + Math.floor(rand() * 126)) : pick(tokens).charAt(0);
        text = text.slice(0, at) + ch + text.slice(at + 1);
        break;
      }
      case 1:
      case 2:
        text = text.slice(0, at) + pick(tokens) + text.slice(at);
        break;
      case 3: {
        // line splice from another seed
        const other = pick(seeds).split('\n');
        const from = Math.floor(rand() * other.length);
        const piece = other.slice(from, from + 1 + Math.floor(rand() * 4)).join('\n');
        const lines = text.split('\n');
        lines.splice(Math.floor(rand() * (lines.length + 1)), 0, piece);
        text = lines.join('\n');
        break;
      }
      case 4: {
        // delete or duplicate a line
        const lines = text.split('\n');
        const i = Math.floor(rand() * lines.length);
        if (rand() < 0.5) lines.splice(i, 1);
        else lines.splice(i, 0, lines[i] ?? '');
        text = lines.join('\n');
        break;
      }
      case 5:
        text = text.slice(0, at);
        break;
      default: {
        // swap two chars
        const b = Math.floor(rand() * text.length);
        const chars = [...text];
        const x = chars[at];
        chars[at] = chars[b] ?? '';
        chars[b] = x ?? '';
        text = chars.join('');
      }
    }
  }
  return text;
}

/**
 * CPU milliseconds used by this process. The machine is shared with other builds, so wall
 * time would measure their load; the main thread only waits, so this is the worker's time.
 */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function runOne(text: string): 'parsed' | 'error' {
  try {
    dump(parseNodes(text));
    const df = parseDockerfile(text);
    const global = new GlobalScope(df, { buildArgs: { A: 'x y', X: '' } });
    for (const stage of df.stages) {
      global.expandFrom(stage.from);
      const scope = global.stage(['PATH=/bin']);
      for (const ins of stage.instructions) scope.apply(ins);
      scope.runEnv();
    }
    return 'parsed';
  } catch (e) {
    if (isEngineError(e) && e.code === 'invalid_argument' && e.range) return 'error';
    throw e;
  }
}

export function fuzz(req: FuzzRequest, progress?: (index: number, input: string) => void): Extract<FuzzMessage, { type: 'done' }> {
  const rand = prng(req.seed);
  const failures: { input: string; problem: string }[] = [];
  let parsed = 0;
  let errors = 0;
  let slowest = 0;
  // Warm up on the seeds first, so that the budget measures parsing, not module loading and JIT.
  for (const s of req.seeds) {
    try {
      runOne(s);
    } catch {
      // reported below if a mutation hits it
    }
  }
  for (let i = 0; i < req.count; i++) {
    const input = mutate(rand, req.seeds);
    if (progress && i % 250 === 0) progress(i, input);
    const start = cpuNow();
    try {
      if (runOne(input) === 'parsed') parsed++;
      else errors++;
    } catch (e) {
      failures.push({ input, problem: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
    }
    let ms = cpuNow() - start;
    if (ms > req.budgetMs / 10) {
      // A GC pause or a JIT compile can stall any one call; a slow input is slow every time.
      for (let k = 0; k < 3 && ms > req.budgetMs / 10; k++) {
        const again = cpuNow();
        try {
          runOne(input);
        } catch {
          // already counted above
        }
        ms = Math.min(ms, cpuNow() - again);
      }
      if (ms > req.budgetMs) failures.push({ input, problem: `took ${ms.toFixed(1)} ms, every time (budget ${req.budgetMs} ms)` });
    }
    slowest = Math.max(slowest, ms);
    if (failures.length >= 5) break;
  }
  return { type: 'done', parsed, errors, slowest, failures };
}

if (parentPort && workerData) {
  const port = parentPort;
  const result = fuzz(workerData as FuzzRequest, (index, input) =>
    port.postMessage({ type: 'progress', index, input } satisfies FuzzMessage),
  );
  port.postMessage(result satisfies FuzzMessage);
}
