// `docker system df`'s report (SystemEngine.df): the store's figures and, for containers and
// volumes, how many, how many in use, their bytes and the bytes of those not in use.
import type { DfReport } from '../store/index.js';

export interface DfUsage {
  readonly count: number;
  readonly active: number;
  readonly size: number;
  readonly reclaimable: number;
}

export interface SystemDfReport extends DfReport {
  /** Active: running (or paused); size: their writable layers' files; each container's size. */
  readonly containers: DfUsage & { readonly items: readonly { readonly id: string; readonly size: number }[] };
  /** Active: mounted by some container (running or not), as docker counts them; each with its users. */
  readonly volumes: DfUsage & { readonly items: readonly { readonly name: string; readonly size: number; readonly refCount: number }[] };
}
