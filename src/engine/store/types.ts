// The store's report and option types, apart from index.ts (the Store interface and its
// implementation) to keep that one readable.
import type { Readable } from 'node:stream';

export interface UnpackProgress {
  /** Compressed bytes read from the source so far. */
  readonly read: number;
  /** Uncompressed tar bytes so far. */
  readonly unpacked: number;
  readonly entries: number;
}

export interface UnpackOptions {
  /**
   * The layer blob's bytes as they arrive (compressed as mediaType says), or all of them in one
   * Buffer: then a gzip or plain layer is inflated in one call and its diffID checked before
   * anything is written (a small layer's fast path; a big or zstd one is streamed all the same).
   */
  readonly source: Readable | AsyncIterable<Buffer> | Buffer;
  /** Layer media type: …tar, …tar+gzip / .gzip, …tar+zstd / .zstd. Unknown types are refused. */
  readonly mediaType: string;
  /** Expected sha256 of the uncompressed tar; verified. Omitted: computed and returned. */
  readonly diffId?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: UnpackProgress) => void;
}

export interface LayerResult {
  readonly diffId: string;
  /** Bytes of file content in the layer (sum of regular file sizes). */
  readonly size: number;
  readonly files: number;
  /** True when the layer was already in the store (nothing unpacked). */
  readonly existed: boolean;
  /** Device nodes of the layer left out (rootless), by their paths in the layer. */
  readonly skippedDevices?: readonly string[];
}

export interface CheckProblem {
  readonly kind: 'blob' | 'layer' | 'image' | 'records';
  readonly id: string;
  readonly problem: string;
}

export interface CheckReport {
  readonly blobs: number;
  readonly layers: number;
  readonly images: number;
  readonly problems: readonly CheckProblem[];
}

export interface GcReport {
  readonly blobsRemoved: number;
  readonly layersRemoved: number;
  readonly tempRemoved: number;
  /** Image ids whose records gc dropped (dangling / unused). */
  readonly imagesRemoved: readonly string[];
  /** Names untagged on the way (unused). */
  readonly untagged: readonly string[];
  readonly bytesFreed: number;
}

export interface GcOptions {
  /** Also drop unnamed images that no container uses. */
  readonly dangling?: boolean;
  /** Also drop every image that no container uses (`image prune -a`). */
  readonly unused?: boolean;
  /** Also drop resumable partial downloads. */
  readonly partials?: boolean;
  /** How long to wait for running pulls/builds (leases) before giving up; default 30 s. */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
}

export interface DfReport {
  readonly images: { readonly count: number; readonly active: number; readonly size: number; readonly reclaimable: number };
  readonly blobs: { readonly count: number; readonly size: number };
  readonly layers: { readonly count: number; readonly size: number };
  readonly buildCache: { readonly count: number };
  readonly tmp: { readonly count: number; readonly size: number };
}

/** The parts of an OCI image config dockui reads. */
export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly author?: string;
  readonly config?: {
    readonly Env?: string[];
    readonly Cmd?: string[];
    readonly Entrypoint?: string[];
    readonly WorkingDir?: string;
    readonly User?: string;
    readonly ExposedPorts?: Record<string, object>;
    readonly Labels?: Record<string, string>;
    readonly StopSignal?: string;
    readonly Volumes?: Record<string, object>;
  };
  readonly rootfs?: { readonly type: string; readonly diff_ids: string[] };
  readonly history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}
