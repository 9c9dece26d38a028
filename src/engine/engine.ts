// Kept for callers of the old entry point: the engine is src/engine/index.ts now
// (implementation in facade/).
export { createEngine, openEngine, detectRuntimeProblem } from './index.js';
export { runBuildStep } from './facade/build.js';
export type { EngineOptions as CreateEngineOptions } from './index.js';
