import { createRequire } from 'node:module';
import { EngineError } from './define.js';

/** The native helpers (native/sysx.c). Loaded on first use so the CLI's cold paths skip them. */
export interface Sysx {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** undefined when the attribute is absent or unsupported. */
  lgetxattr(path: string, name: string): Buffer | undefined;
  llistxattr(path: string): string[];
  mount(source: string, target: string, fstype: string, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
}

export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MNT_DETACH = 2;
export const S_IFCHR = 0o020000;

let cached: Sysx | undefined;
export function sysx(): Sysx {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  for (const p of ['../../native/build/sysx.node', '../native/build/sysx.node']) {
    try {
      cached = require(p) as Sysx;
      return cached;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new EngineError('failed_precondition', 'native helper not built: run scripts/setup.sh (or npm run build)');
}
