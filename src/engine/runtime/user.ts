// `-u name|uid[:group|gid]` resolved the way Docker does it: through the image's own
// /etc/passwd and /etc/group, with numeric ids allowed even when no entry names them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../define.js';
import { resolveInRoot } from '../fsutil/in-root.js';
import { atStart } from './resources.js';

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
  readonly home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

async function readLines(rootfs: string, file: string): Promise<string[][]> {
  // The rootfs is the container's, so a symlinked /etc/passwd must not lead out of it: its
  // links are resolved inside the rootfs, as the container itself would see them.
  const inside = resolveInRoot(rootfs, `/${file}`);
  let text = '';
  try {
    text = inside === undefined ? '' : readFileSync(join(rootfs, inside), 'utf8');
  } catch {
    // absent or not a file: no entries
  }
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

const isNumeric = (s: string) => /^\d+$/.test(s);

export async function resolveUser(rootfs: string, spec: string | undefined): Promise<ResolvedUser> {
  const passwd: PasswdEntry[] = (await readLines(rootfs, 'etc/passwd')).map((f) => ({
    name: f[0] ?? '',
    uid: Number(f[2]),
    gid: Number(f[3]),
    home: f[5] || '/',
  }));
  const groups: GroupEntry[] = (await readLines(rootfs, 'etc/group')).map((f) => ({
    name: f[0] ?? '',
    gid: Number(f[2]),
    members: (f[3] ?? '').split(',').filter(Boolean),
  }));
  // No user: root, by id (Docker runs a scratch image, which has no /etc/passwd, as 0:0).
  const s = spec?.trim() || '0';
  const [userPart = '', groupPart] = s.split(':', 2);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    // dockerd looks -u up when it starts the container: create takes any name (atStart).
    if (!entry) throw atStart(new EngineError('invalid_argument', `unable to find user ${userPart}: no matching entries in passwd file`));
    uid = entry.uid;
  }
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw atStart(new EngineError('invalid_argument', `unable to find group ${groupPart}: no matching entries in group file`));
      gid = g.gid;
    }
  }
  if (uid > 0xfffffffe || gid > 0xfffffffe) throw new EngineError('invalid_argument', `user id out of range: ${s}`);
  // Supplementary groups come from /etc/group membership, as with initgroups(3), unless a
  // group was named explicitly (Docker keeps them then too).
  const additional = entry ? groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid) : [];
  return { uid, gid, additionalGids: additional, home: entry?.home ?? '/' };
}

/** `--group-add`: group names (looked up in the image's /etc/group) or numeric gids. */
export async function resolveGroups(rootfs: string, names: readonly string[]): Promise<number[]> {
  if (!names.length) return [];
  const groups = (await readLines(rootfs, 'etc/group')).map((f) => ({ name: f[0] ?? '', gid: Number(f[2]) }));
  return names.map((n) => {
    if (isNumeric(n)) return Number(n);
    const g = groups.find((x) => x.name === n);
    // dockerd looks --group-add up when it starts the container (create takes any name, "" too).
    if (!g) throw atStart(new EngineError('invalid_argument', `Unable to find group ${n}: no matching entries in group file`));
    return g.gid;
  });
}
