// The container runtime's public face. See docs/design.md (Runtime) for the on-disk layout.
//
// Lifecycle of a container (Containers): create() → start() → [stop() | kill() | exit] →
// finish (exit code, reason, mount/netns/runc state freed; --rm removes) → start() again or
// remove(). Every reader reconciles records with what is alive (reconcile()).
// Containers is built in layers, one file each: core.ts (records, lookup, reconcile, finish,
// destroy) → start.ts (create, start, attached run) → lifecycle.ts (stop, kill, pause, rm,
// rename, wait) → containers.ts (logs, exec, stats, top, inspect); support.ts holds the parsers.
export { Containers } from './containers.js';
export { summarize, parseSignal, parseBytes, parseCpus, imageFromStore, dockuiBin, type ExecOptions, type ImageInfo } from './support.js';
export type { ContainerRecord, MountRecord } from './records.js';
export { rootfsOf } from './bundle.js';
export { Volumes, parseVolume, parseTmpfs, type VolumeInfo } from './volumes.js';
export { parsePublish, parseNetworkMode, type NetworkMode } from './network.js';
export { runInRootfs, mergeEnv, type RunInRootfsOptions } from './run-in-rootfs.js';
export { OciRuntime } from './oci-runtime.js';
export type { StreamLogLine } from './logs.js';
export { findRuntimeLeftovers, removeRuntimeLeftovers, type RuntimeLeftover, type LeftoverOptions } from './leftovers.js';
