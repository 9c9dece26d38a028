// The engine's one public API: the CLI verbs, the TUI (its hooks and src/tui.ts) and the dev
// loop go through here and through define.ts / types.ts only (eslint.config.js enforces it).
// Model: podman's pkg/domain — one interface per noun (containers, images, volumes, builds,
// registry, system, dev) whose operations return report objects or typed streams and fail with
// an EngineError (define.ts). `openEngine()` is free: each operation loads its subsystem on use,
// so `dockui ps` loads neither the store nor the builder nor the registry client.
export { openEngine, createEngine, detectRuntimeProblem } from './facade/engine.js';
export type * from './facade/api.js';
export type * from './facade/df-report.js';

// Pure helpers the CLI needs (no I/O, nothing heavy loaded).
export { resolvePaths } from './paths.js';
export { isHostRoot } from './util/userns.js';
export { parseReference, tryParseReference, type Reference } from './util/reference.js';
export { parseGoDuration } from './util/duration.js';
export { dockerEventKinds } from './event-log.js';
export { familiarName } from './store/inspect.js';
export { shortId, trace } from './facade/format.js';
export { containerFilter, containerFilterKeys, parseFilterArgs } from './facade/container-filter.js';
export { builtinNetworkJson, isBuiltinNetwork, labelMatch, networkJson, networkList } from './facade/network-docker.js';

// A process on a pty of util-linux `script`'s, behind pipes: the Engine API's TTY sessions.
export { resizePty, spawnInPty } from './runtime/pty.js';
