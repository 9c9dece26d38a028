// DOCKUI_BUILD_TRACE=1 prints where a step's time goes (stderr), for tuning.
const tracing = process.env.DOCKUI_BUILD_TRACE === '1';
let traceT = Math.round(performance.timeOrigin);

export function trace(what: string): void {
  if (!tracing) return;
  const now = Date.now();
  process.stderr.write(`[build-trace] +${now - traceT}ms ${what}\n`);
  traceT = now;
}
