// `--security-opt seccomp=FILE.json`: a profile in Docker's format (defaultAction, architectures
// or archMap, syscalls with names, action, args, errnoRet, includes/excludes) turned into the
// OCI form runc reads, for this host's architecture and the container's capabilities.
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { EngineError } from '../define.js';
import type { RunOptions } from '../types.js';
import { effectiveCapabilities } from './spec.js';

interface DockerRule {
  names?: string[];
  name?: string;
  action?: string;
  errnoRet?: number;
  args?: unknown[];
  includes?: { caps?: string[]; arches?: string[] };
  excludes?: { caps?: string[]; arches?: string[] };
}
interface DockerProfile {
  defaultAction?: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  syscalls?: DockerRule[];
}

const hostArch: Record<string, { scmp: string; go: string }> = {
  x64: { scmp: 'SCMP_ARCH_X86_64', go: 'amd64' },
  arm64: { scmp: 'SCMP_ARCH_AARCH64', go: 'arm64' },
  arm: { scmp: 'SCMP_ARCH_ARM', go: 'arm' },
  ppc64: { scmp: 'SCMP_ARCH_PPC64LE', go: 'ppc64le' },
  s390x: { scmp: 'SCMP_ARCH_S390X', go: 's390x' },
};

/** `file`: the profile's path (dockui's CLI), or its JSON itself (what docker's CLI sends the API). */
export function dockerSeccomp(file: string, opts: RunOptions): unknown {
  let p: DockerProfile;
  let text: string;
  const what = file.trimStart().startsWith('{') ? 'the profile' : file;
  try {
    text = file.trimStart().startsWith('{') ? file : readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EngineError(
      'invalid_argument',
      `opening seccomp profile (${file}) failed: open ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    );
  }
  try {
    p = JSON.parse(text) as DockerProfile;
  } catch (e) {
    throw new EngineError('invalid_argument', `decoding seccomp profile failed: ${(e as Error).message}`);
  }
  if (typeof p !== 'object' || !p || typeof p.defaultAction !== 'string' || !/^SCMP_ACT_[A-Z_]+$/.test(p.defaultAction))
    throw new EngineError('invalid_argument', `decoding seccomp profile failed: ${what} has no valid defaultAction`);
  const host = hostArch[arch()] ?? { scmp: 'SCMP_ARCH_X86_64', go: 'amd64' };
  const caps = new Set(effectiveCapabilities(opts));
  let architectures = p.architectures ?? [];
  const mapped = p.archMap?.find((a) => a.architecture === host.scmp);
  if (mapped) architectures = [mapped.architecture, ...(mapped.subArchitectures ?? [])];
  const applies = (r: DockerRule) =>
    (r.includes?.caps ?? []).every((c) => caps.has(c)) &&
    (!r.includes?.arches?.length || r.includes.arches.includes(host.go)) &&
    !(r.excludes?.caps ?? []).some((c) => caps.has(c)) &&
    !(r.excludes?.arches ?? []).includes(host.go);
  const syscalls = (p.syscalls ?? []).filter(applies).map((r) => {
    const names = r.names ?? (r.name ? [r.name] : []);
    if (!names.length || typeof r.action !== 'string')
      throw new EngineError('invalid_argument', `decoding seccomp profile failed: a syscall rule of ${what} has no names or no action`);
    return {
      names,
      action: r.action,
      ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
      ...(r.args?.length ? { args: r.args } : {}),
    };
  });
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    ...(architectures.length ? { architectures } : {}),
    syscalls,
  };
}
