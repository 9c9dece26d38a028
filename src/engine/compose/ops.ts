// What Compose needs from the engine: the facade passes its own nouns (facade/compose.ts).
// Declared here, from the lower layers' types, so this layer never imports the facade.
import type { ChildProcess } from 'node:child_process';
import type { ContainerSummary, LogLine } from '../define.js';
import type { ContainerRecord } from '../runtime/records.js';
import type { BuildOptions, BuildResult, LogsOptions, RunOptions } from '../types.js';

export type ComposeContainer = Readonly<ContainerRecord> & ContainerSummary;

export interface ComposeOps {
  readonly containers: {
    list(opts?: { all?: boolean }): Promise<ComposeContainer[]>;
    create(opts: RunOptions): Promise<ComposeContainer>;
    start(idOrName: string): Promise<void>;
    stop(idOrName: string, opts?: { timeoutSec?: number; signal?: string; finish?: boolean }): Promise<void>;
    remove(idOrName: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
    restart(idOrName: string, opts?: { timeoutSec?: number }): Promise<void>;
    wait(idOrName: string, signal?: AbortSignal): Promise<number>;
    /** Host files written into a running container's root filesystem (no tar or shell needed in it). */
    syncFiles(idOrName: string, entries: readonly { hostPath?: string; ctrPath: string }[]): Promise<void>;
    logs(idOrName: string, opts?: LogsOptions): AsyncIterable<LogLine & { partial?: boolean }>;
    exec(
      idOrName: string,
      opts: {
        args: readonly string[];
        env?: readonly string[];
        user?: string;
        workdir?: string;
        tty?: boolean;
        interactive?: boolean;
        stdio?: 'inherit' | 'pipe';
      },
    ): Promise<ChildProcess>;
  };
  readonly images: {
    inspectJson(ref: string): Promise<Record<string, unknown>>;
    pull(ref: string, opts?: { signal?: AbortSignal }): Promise<{ id: string }>;
    /** Untags the reference (its layers freed when nothing else uses them). */
    remove(ref: string): Promise<void>;
    push(ref: string, opts?: { signal?: AbortSignal }): Promise<void>;
  };
  readonly builds: { build(opts: BuildOptions): Promise<BuildResult> };
  readonly volumes: {
    list(): Promise<{ name: string }[]>;
    create(name: string): Promise<{ created: boolean }>;
    remove(name: string): Promise<void>;
  };
  readonly networks: {
    list(): Promise<{ name: string; labels: Readonly<Record<string, string>> }[]>;
    create(name: string, opts?: { labels?: Record<string, string>; internal?: boolean }): Promise<{ created: boolean }>;
    remove(name: string): Promise<void>;
  };
}

/** One thing `up`/`down` did or waits for, as Compose prints it ("Container app-web-1  Started"). */
export interface ComposeEvent {
  readonly kind: 'Network' | 'Volume' | 'Container' | 'Image' | 'Service';
  readonly name: string;
  readonly status: string;
}
