// DOCKUI_BUILD_TRACE=1 prints where a step's time goes (stderr), for tuning: wall time since
// the last mark and this process's CPU time (user + system, all its threads) in that while.
const tracing = process.env.DOCKUI_BUILD_TRACE === '1';
let traceT = Math.round(performance.timeOrigin);
let traceCpu = { user: 0, system: 0 };

export function trace(what: string): void {
  if (!tracing) return;
  const now = Date.now();
  const cpu = process.cpuUsage();
  const ms = (cpu.user + cpu.system - traceCpu.user - traceCpu.system) / 1000;
  process.stderr.write(`[build-trace] +${now - traceT}ms (cpu ${ms.toFixed(0)}ms) ${what}\n`);
  traceT = now;
  traceCpu = cpu;
}
