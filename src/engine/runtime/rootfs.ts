// Root filesystems: overlayfs over read-only layer dirs (top layer first) plus a writable
// upper dir, mounted with one mount(2) call through the native helper (no mount(8) process).
import { mkdirSync } from 'node:fs';
import { EngineError } from '../define.js';
import { escapeOverlayPath, mountLayers } from '../store/overlay.js';
import { MNT_DETACH, mountTable, sysx } from '../sysx.js';

export interface OverlaySpec {
  /** Top layer first (overlay's order). */
  readonly lowerDirs: readonly string[];
  readonly upperDir: string;
  readonly workDir: string;
  readonly target: string;
}

export function mountOverlay(spec: OverlaySpec): void {
  if (spec.lowerDirs.length === 0) throw new EngineError('invalid_argument', 'a root filesystem needs at least one layer');
  for (const d of [spec.upperDir, spec.workDir, spec.target]) mkdirSync(d, { recursive: true });
  try {
    mountLayers(spec.target, 0, spec.lowerDirs, `upperdir=${escapeOverlayPath(spec.upperDir)},workdir=${escapeOverlayPath(spec.workDir)}`);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('failed_precondition', `cannot mount the container's root filesystem: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Is something mounted at exactly this path? */
export async function isMounted(target: string): Promise<boolean> {
  return mountTable().some((m) => m.point === target);
}

/** Detaches the mount at `target`; absent is fine. */
export function unmount(target: string): void {
  try {
    sysx().umount2(target, MNT_DETACH);
  } catch (e) {
    const msg = (e as Error).message;
    // EINVAL: not a mount point; ENOENT: gone already.
    if (/EINVAL|ENOENT|Invalid argument|No such file/i.test(msg)) return;
    throw e;
  }
}
