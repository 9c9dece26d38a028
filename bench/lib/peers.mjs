// Shared bench helpers: podman set up as ../shared/peers.md says, a CPU probe, medians.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** podman from Debian with the two files it needs here (insecure loopback registry; ulimits, runc, cgroupfs). */
export function ensurePodman() {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null'], { stdio: 'inherit' });
  }
  const reg = '/etc/containers/registries.conf.d/50-local.conf';
  if (!existsSync(reg)) {
    mkdirSync('/etc/containers/registries.conf.d', { recursive: true });
    writeFileSync(reg, '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n');
  }
  const conf = '/etc/containers/containers.conf';
  if (!existsSync(conf) || !readFileSync(conf, 'utf8').includes('nofile=20000')) {
    writeFileSync(
      conf,
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
    );
  }
}

/** Seconds to sha256 128 MiB: run at the start and the end to see how the host drifted. */
export function cpuProbe() {
  const buf = Buffer.alloc(128 << 20, 7);
  const t0 = performance.now();
  createHash('sha256').update(buf).digest();
  return (performance.now() - t0) / 1000;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
