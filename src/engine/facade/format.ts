// Small pure helpers the CLI shares with the engine, kept free of imports so that exporting
// them from src/engine/index.ts loads nothing.

/** 12 hex digits of a container or image id ("sha256:" dropped), as docker shows them. */
export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

const traceOn = process.env.DOCKUI_TRACE === '1';
/** DOCKUI_TRACE=1 prints phase timings (ms since the process started) to stderr, for the benchmarks. */
export function trace(what: string): void {
  if (traceOn) process.stderr.write(`[trace ${performance.now().toFixed(1)}ms] ${what}\n`);
}
