// Docker's defaults for what a container was not given: shared by create, start and inspect.

/**
 * The log cap when --log-opt max-size is not given: 10 MiB, the kubelet's default per file. A
 * container writing without pause (`yes`) must not fill the disk; Docker's json-file would.
 */
export const defaultLogMaxSize = 10 * 1024 * 1024;
/** --shm-size when none is given: Docker's 64 MiB /dev/shm. */
export const defaultShmSize = 64 * 1024 * 1024;
