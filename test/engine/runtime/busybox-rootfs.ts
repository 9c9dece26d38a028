// A one-layer rootfs made from the host's static busybox, for tests that need a real rootfs
// without an image store: /bin with every applet, /etc/passwd and /etc/group with a user.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeBusyboxLayer(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'etc'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000:bob:/home/bob:/bin/sh\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nbob:x:1000:\nstaff:x:50:bob\n');
  return dir;
}
