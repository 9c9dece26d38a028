// The cgroup resources of run/create beyond --memory, --cpus and --pids-limit: --memory-swap,
// --memory-reservation, --cpu-shares, and --gpus' device requests, checked and adapted at create
// as dockerd 20.10 does (daemon_unix.go: verifyPlatformContainerResources, then
// adaptContainerSettings), and what a start refuses as dockerd's does (no device driver for a
// GPU request; a log option its logger cannot take).
import { existsSync } from 'node:fs';
import { EngineError } from '../define.js';
import type { DeviceRequest, RunOptions } from '../types.js';
import type { ContainerRecord } from './records.js';

/** dockerd's linuxMinMemory: 6 MiB. */
const minMemory = 6 * 1024 * 1024;

/** Swap accounting (cgroup v1's memory.memsw.*): without it dockerd limits memory without swap. */
export function swapAccounting(): boolean {
  if (!existsSync('/sys/fs/cgroup/memory')) return true; // cgroup v2: memory.swap.max, always there
  return existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
}

export interface Resources {
  readonly memorySwap?: number;
  readonly memoryReservation?: number;
  readonly cpuShares?: number;
  readonly deviceRequests?: readonly DeviceRequest[];
  readonly warnings: readonly string[];
}

/**
 * dockerd's checks of these values against --memory (`memory`: bytes, 0 or undefined without),
 * in its order and words, and its adaptation: a --memory without --memory-swap allows as much
 * swap again (MemorySwap = 2 × Memory); on a host without swap accounting the swap is unlimited.
 */
export function checkResources(opts: RunOptions, memory: number | undefined, hasSwap = swapAccounting()): Resources {
  const mem = memory ?? 0;
  let swap = opts.memorySwap ?? 0;
  const reservation = opts.memoryReservation ?? 0;
  const warnings: string[] = [];
  if (!Number.isInteger(swap) || !Number.isInteger(reservation) || !Number.isInteger(opts.cpuShares ?? 0))
    throw new EngineError('invalid_argument', 'MemorySwap, MemoryReservation and CpuShares are whole numbers');
  if (mem > 0 && swap !== -1 && !hasSwap) {
    warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    swap = -1;
  }
  if (mem > 0 && swap > 0 && swap < mem)
    throw new EngineError('invalid_argument', 'Minimum memoryswap limit should be larger than memory limit, see usage');
  if (mem === 0 && swap > 0)
    throw new EngineError('invalid_argument', 'You should always set the Memory limit when using Memoryswap limit, see usage');
  if (reservation > 0 && reservation < minMemory) throw new EngineError('invalid_argument', 'Minimum memory reservation allowed is 6MB');
  if (mem > 0 && reservation > 0 && mem < reservation)
    throw new EngineError('invalid_argument', 'Minimum memory limit can not be less than memory reservation limit, see usage');
  if (mem > 0 && swap === 0) swap = mem * 2;
  return {
    ...(swap !== 0 ? { memorySwap: swap } : {}),
    ...(reservation > 0 ? { memoryReservation: reservation } : {}),
    ...(opts.cpuShares ? { cpuShares: opts.cpuShares } : {}),
    ...(opts.deviceRequests?.length ? { deviceRequests: opts.deviceRequests.map(deviceRequest) } : {}),
    warnings,
  };
}

/** "0" (a value left as it is) or a size of at least nothing: update's --memory-swap/--memory-reservation. */
export function bytesOrZero(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(s.trim());
  if (!m) throw new EngineError('invalid_argument', `invalid size ${JSON.stringify(s)}`);
  return Math.floor(Number(m[1]) * { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as 'k']);
}

/**
 * dockerd's verifyPlatformContainerResources for an update (its update flag set): the update's
 * own values only, in its order and words (the container's are checked when they merge).
 */
export function checkUpdate(u: { memory: number; swap: number; reservation: number }): void {
  if (u.memory > 0 && u.memory < minMemory) throw new EngineError('invalid_argument', 'Minimum memory limit allowed is 6MB');
  if (u.memory > 0 && u.swap > 0 && u.swap < u.memory)
    throw new EngineError('invalid_argument', 'Minimum memoryswap limit should be larger than memory limit, see usage');
  if (u.reservation > 0 && u.reservation < minMemory)
    throw new EngineError('invalid_argument', 'Minimum memory reservation allowed is 6MB');
  if (u.memory > 0 && u.reservation > 0 && u.memory < u.reservation)
    throw new EngineError('invalid_argument', 'Minimum memory limit can not be less than memory reservation limit, see usage');
}

/** A request as dockerd keeps it (inspect's HostConfig.DeviceRequests). */
function deviceRequest(r: DeviceRequest): DeviceRequest {
  return {
    Driver: r.Driver ?? '',
    Count: r.Count ?? 0,
    DeviceIDs: r.DeviceIDs?.length ? [...r.DeviceIDs] : null,
    Capabilities: r.Capabilities ? r.Capabilities.map((c) => [...c]) : null,
    Options: r.Options ?? null,
  };
}

const startOnly = new WeakSet<object>();

/** Marks an error dockerd meets only when it starts the container: create goes on without it. */
export function atStart<E extends Error>(e: E): E {
  startOnly.add(e);
  return e;
}

/** An error that fails every start of the container but not its create (see atStart). */
export const failsAtStart = (e: unknown): boolean => typeof e === 'object' && e !== null && startOnly.has(e);

/** Go's %v of a [][]string: [[gpu] [utility gpu]]. */
const goList = (v: readonly (readonly string[])[] | null): string => `[${(v ?? []).map((c) => `[${c.join(' ')}]`).join(' ')}]`;

/**
 * What a start refuses before anything runs, in dockerd's words: a negative CPU share, a log option its logger cannot
 * take, and a device request no device driver serves (dockui has none: dockerd's nvidia driver
 * is there only with nvidia-container-runtime-hook installed, and this engine does not use it).
 */
export function startRefusal(rec: ContainerRecord): EngineError | undefined {
  if (rec.logOptError !== undefined)
    return new EngineError('failed_precondition', `failed to initialize logging driver: ${rec.logOptError}`);
  // dockerd refuses a negative share when it makes the spec, at every start.
  if (rec.cpuShares !== undefined && rec.cpuShares < 0) return new EngineError('invalid_argument', 'shares: invalid argument');
  const r = rec.deviceRequests?.[0];
  if (r)
    return new EngineError(
      'failed_precondition',
      `could not select device driver ${JSON.stringify(r.Driver)} with capabilities: ${goList(r.Capabilities)}`,
    );
  return undefined;
}

/** The spec's linux.resources memory and cpu fields of these values, as dockerd writes them. */
export function specResources(input: {
  readonly memoryBytes?: number;
  readonly memorySwap?: number;
  readonly memoryReservation?: number;
  readonly cpuShares?: number;
  readonly nanoCpus?: number;
}): { memory?: Record<string, number>; cpu?: Record<string, number> } {
  const memory: Record<string, number> = {};
  if (input.memoryBytes) memory.limit = input.memoryBytes;
  if (input.memoryReservation) memory.reservation = input.memoryReservation;
  if (input.memorySwap !== undefined && input.memorySwap > 0) memory.swap = input.memorySwap;
  const cpu: Record<string, number> = {};
  // A negative share is refused at start (startRefusal); runc refuses 1 and above 262144.
  if (input.cpuShares && input.cpuShares > 0) cpu.shares = input.cpuShares;
  if (input.nanoCpus) {
    // dockerd's quota: NanoCPUs × period / 1e9, whole microseconds; below 1 ms the kernel
    // refuses it and runc says so when the container starts (--cpus 0.001), as dockerd's does.
    const period = 100_000;
    cpu.period = period;
    cpu.quota = Math.floor((input.nanoCpus * period) / 1e9);
  }
  return { ...(Object.keys(memory).length ? { memory } : {}), ...(Object.keys(cpu).length ? { cpu } : {}) };
}
