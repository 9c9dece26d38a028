// Run by perf.test.ts in its own process with NODE_ENV=production (React's build is chosen
// when React loads, and runTui runs the production one). Prints one JSON line of timings.
import { FakeEngine, fakeContainer, fakeImage } from './fake-engine.js';
import { keys, renderApp } from './render.js';

const containers = Array.from({ length: 200 }, (_, i) =>
  fakeContainer({ id: i.toString(16).padStart(64, '0'), name: `svc${String(i).padStart(3, '0')}` }),
);
const images = Array.from({ length: 100 }, (_, i) =>
  fakeImage({ id: 'sha256:' + i.toString(16).padStart(64, '0'), names: [`registry.local/team/app${i}:v1`] }),
);
const e = new FakeEngine({ containers, images });
const r = await renderApp(e);
const noisy = containers[0]?.id ?? '';
await r.press('l', (f) => f.includes('Logs · svc000'));
let lines = 0;
// 1,000 lines a second, in the 10 ms bursts a busy server produces.
const flood = setInterval(() => {
  for (let i = 0; i < 10; i++) e.emitLog(noisy, { stream: 'stdout', time: '', text: `request ${lines++} GET /api/items 200 0.4ms` });
}, 10);
const measure = async (presses: number, key: (i: number) => string, until: (i: number) => (f: string) => boolean) => {
  const times: number[] = [];
  for (let i = 0; i < presses; i++) {
    const t0 = performance.now();
    await r.press(key(i), until(i));
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
};
// Let the flood build up first: the keys are measured against a stream already in full flow
// (and a fast UI must not finish before the flood has run at all).
while (lines < 600) await new Promise((r) => setTimeout(r, 20));
const linesBefore = lines;
// In the Logs pane itself, scrolling while the flood comes in.
const logs = await measure(
  20,
  (i) => (i % 2 === 0 ? 'k' : 'G'),
  (i) => (f) => (i % 2 === 0 ? f.includes('scrolled') : f.includes('following')),
);
await r.press('1', (f) => f.includes('STATUS'));
const list = await measure(
  40,
  (i) => (i % 2 === 0 ? keys.down : keys.up),
  (i) => (f) => f.includes(`› svc00${i % 2 === 0 ? 1 : 0}`),
);
clearInterval(flood);
r.unmount();
const median = (t: number[]) => t[Math.floor(t.length / 2)] ?? NaN;
process.stdout.write(
  `${JSON.stringify({ listMedianMs: median(list), listMaxMs: list.at(-1), logsMedianMs: median(logs), logLines: lines - linesBefore, rssMB: Math.round(process.memoryUsage().rss / 1e6) })}\n`,
);
process.exit(0);
