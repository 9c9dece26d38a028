// The host as the TUI's summary line shows it (k9s's pulse): CPU busy since the previous sample,
// memory in use, load averages. Read from /proc: cheap, and only while the line is on screen.
import { readFile } from '../util/fsa.js';
import { os } from '../util/builtin.js';

export interface HostReport {
  readonly cpus: number;
  /** Share of all CPUs busy since the previous call (0..100); the first call samples 200 ms. */
  readonly cpuPercent: number;
  readonly memTotalBytes: number;
  /** MemTotal minus MemAvailable, as `free` counts "used". */
  readonly memUsedBytes: number;
  readonly load: readonly [number, number, number];
  readonly at: number;
}

interface CpuSample {
  readonly busy: number;
  readonly total: number;
}

async function cpuSample(): Promise<CpuSample> {
  const text = await readFile('/proc/stat', 'utf8');
  const f = (/^cpu\s+(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  const idle = (f[3] || 0) + (f[4] || 0);
  return { busy: total - idle, total };
}

/** Parses /proc/meminfo's MemTotal and MemAvailable (kB) into bytes. */
export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return { total: Number.isFinite(total) ? total : os().totalmem(), available: Number.isFinite(available) ? available : 0 };
}

export class HostSampler {
  #last: CpuSample | undefined;

  async sample(): Promise<HostReport> {
    let prev = this.#last;
    if (!prev) {
      prev = await cpuSample();
      await new Promise((r) => setTimeout(r, 200));
    }
    const [now, meminfo] = await Promise.all([cpuSample(), readFile('/proc/meminfo', 'utf8')]);
    this.#last = now;
    const dt = now.total - prev.total;
    const mem = parseMeminfo(meminfo);
    const [l1 = 0, l5 = 0, l15 = 0] = os().loadavg();
    return {
      cpus: os().cpus().length,
      cpuPercent: dt > 0 ? Math.min(100, Math.max(0, ((now.busy - prev.busy) / dt) * 100)) : 0,
      memTotalBytes: mem.total,
      memUsedBytes: Math.max(0, mem.total - mem.available),
      load: [l1, l5, l15],
      at: Date.now(),
    };
  }
}
