// Overlay mounts of the store's layers. The mount data (`lowerdir=a:b:…,upperdir=…`) must fit
// in one page, and a layer's absolute path (ROOT/layers/<64 hex>/diff) is 90 characters or more:
// absolute paths stop at about 40 layers. When they do not fit, each layer gets a short link,
// ROOT/l/<16 hex> -> ../layers/<hex>/diff, and the mount is made from ROOT/l with those names
// (relative lowerdirs resolve against the mounting process's working directory), as Docker's
// overlay2 driver does with its l/ links: about 230 layers fit then.
import { mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { sysx } from '../sysx.js';
import { isRootless } from '../util/userns.js';

/** Overlay mount data is limited to one page. */
export const MAX_MOUNT_DATA = 4000;

/** Overlay splits lowerdir on ':' and options on ','; both are escaped with a backslash. */
export function escapeOverlayPath(p: string): string {
  return p.replace(/([\\:,])/g, '\\$1');
}

const layerPathRe = /^(.+)\/layers\/([0-9a-f]{64})\/diff$/;
const linkTarget = (hex: string) => `../layers/${hex}/diff`;

/**
 * The short name of a layer's link under ROOT/l, made if missing: 16 hex of its id, or the
 * whole id when another layer holds those 16 (ids come from image content: never trust a prefix).
 */
function shortLink(root: string, hex: string): string {
  const dir = join(root, 'l');
  for (const name of [hex.slice(0, 16), hex]) {
    const link = join(dir, name);
    try {
      symlinkSync(linkTarget(hex), link);
      return name;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        symlinkSync(linkTarget(hex), link);
        return name;
      }
      if (code !== 'EEXIST') throw e;
      if (readlinkSync(link) === linkTarget(hex)) return name;
    }
  }
  throw new EngineError('internal', `layer link for ${hex} is taken`);
}

/** Removes a layer's short links (when the layer itself goes). */
export function removeLayerLinks(root: string, hex: string): void {
  for (const name of [hex.slice(0, 16), hex]) {
    const link = join(root, 'l', name);
    try {
      if (readlinkSync(link) === linkTarget(hex)) unlinkSync(link);
    } catch {
      // no link by that name, or not this layer's
    }
  }
}

/**
 * Mounts an overlay of `lowerDirs` (top first) at `target` with the other options in `rest`
 * ("upperdir=…,workdir=…", already escaped, or ""). Throws the mount's own error; a stack too
 * deep to describe in one page is a failed_precondition naming the layer count.
 */
export function mountLayers(target: string, flags: number, lowerDirs: readonly string[], rest: string): void {
  // Rootless: overlay's xattrs in the user.* namespace (see overlayOpaqueXattr).
  const opts = [rest, isRootless() ? 'userxattr' : ''].filter(Boolean).join(',');
  const tail = opts === '' ? '' : `,${opts}`;
  const data = `lowerdir=${lowerDirs.map(escapeOverlayPath).join(':')}${tail}`;
  if (data.length <= MAX_MOUNT_DATA) {
    sysx().mount('overlay', target, 'overlay', flags, data);
    return;
  }
  const roots = new Set<string>();
  const names = lowerDirs.map((d) => {
    const m = layerPathRe.exec(d);
    if (!m) return undefined;
    roots.add(m[1]!);
    return shortLink(m[1]!, m[2]!);
  });
  const short = `lowerdir=${names.map((n) => (n === undefined ? '' : escapeOverlayPath(n))).join(':')}${tail}`;
  if (roots.size !== 1 || names.includes(undefined) || short.length > MAX_MOUNT_DATA)
    throw new EngineError('failed_precondition', `image has too many layers to mount (${lowerDirs.length})`);
  // chdir and mount run in one synchronous stretch: no other JavaScript runs in between, and
  // the engine hands the file system absolute paths only.
  const back = process.cwd();
  process.chdir(join([...roots][0]!, 'l'));
  try {
    sysx().mount('overlay', target, 'overlay', flags, short);
  } finally {
    process.chdir(back);
  }
}
