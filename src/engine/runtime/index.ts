// The container runtime's public face. See docs/design.md for the on-disk layout.
export { runInRootfs, mergeEnv, type RunInRootfsOptions } from './run-in-rootfs.js';
export { OciRuntime } from './oci-runtime.js';
