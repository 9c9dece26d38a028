// Platforms as OCI writes them (os/architecture/variant), the host's own, and matching rules
// (containerd's normalization: x86_64 = amd64, aarch64 = arm64, arm64 without variant = v8).
import { EngineError } from '../define.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const archAliases: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  ia32: '386',
};

export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const architecture = archAliases[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (architecture === 'arm' && variant && /^\d$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function parsePlatform(s: string): Platform {
  const parts = s.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p)))
    throw new EngineError('invalid_argument', `invalid platform ${JSON.stringify(s)}: want os/arch[/variant], e.g. linux/arm64/v8`);
  return normalizePlatform({ os: parts[0]!, architecture: parts[1]!, variant: parts[2] });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function hostPlatform(): Platform {
  let variant: string | undefined;
  if (process.arch === 'arm') {
    const v = (process.config.variables as Record<string, unknown>).arm_version;
    variant = typeof v === 'string' || typeof v === 'number' ? `v${v}` : 'v7';
  }
  return normalizePlatform({ os: process.platform, architecture: process.arch, variant });
}

/** Does `candidate` run where `want` asks? An unset wanted variant accepts any. */
export function platformMatches(want: Platform, candidate: Platform): boolean {
  const w = normalizePlatform(want);
  const c = normalizePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  return w.variant === undefined || w.variant === c.variant;
}
