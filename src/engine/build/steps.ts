// Metadata instructions: each turns the parent's image config into the next one. Pure, so a
// step's result follows from its cache key alone.
import type { SourceRange } from '../define.js';
import type {
  CmdInstruction,
  Instruction,
  Command,
  EntrypointInstruction,
  ExposeInstruction,
  HealthcheckInstruction,
} from '../dockerfile/index.js';
import { parsePortSpec } from '../dockerfile/index.js';
import type { ContainerConfig, HealthConfig, OciImageConfig } from './image-config.js';
import { posix } from 'node:path';

export const defaultShell: readonly string[] = ['/bin/sh', '-c'];

/** argv of a command: exec form as is, shell form through the stage's SHELL. */
export function commandArgv(cmd: Command, shell: readonly string[] | undefined): string[] {
  return cmd.form === 'exec' ? [...cmd.args] : [...(shell ?? defaultShell), cmd.script];
}

export function applyCmd(c: ContainerConfig, x: CmdInstruction): void {
  c.Cmd = commandArgv(x.command, c.Shell);
  if (x.command.form === 'shell') c.ArgsEscaped = true;
}

/** ENTRYPOINT also drops a Cmd the base image set (Docker's rule); a Cmd set in this stage stays. */
export function applyEntrypoint(c: ContainerConfig, x: EntrypointInstruction, cmdSetInStage: boolean): void {
  c.Entrypoint = commandArgv(x.command, c.Shell);
  if (!cmdSetInStage) c.Cmd = null;
}

export type ConfigFieldInstruction = Extract<Instruction, { kind: 'label' | 'expose' | 'user' | 'volume' | 'onbuild' }>;

/**
 * The steps that set one config field from their arguments alone (LABEL, EXPOSE, USER, VOLUME,
 * ONBUILD), shared by the builder and `commit --change`.
 */
export function applyConfigField(c: ContainerConfig, x: ConfigFieldInstruction): void {
  switch (x.kind) {
    case 'label':
      c.Labels ??= {};
      for (const p of x.pairs) c.Labels[p.key] = p.value;
      break;
    case 'expose':
      applyExpose(c, x);
      break;
    case 'user':
      c.User = x.user;
      break;
    case 'volume':
      c.Volumes ??= {};
      for (const p of x.paths) c.Volumes[p] = {};
      break;
    case 'onbuild':
      c.OnBuild = [...(c.OnBuild ?? []), x.trigger];
      break;
  }
}

export function applyExpose(c: ContainerConfig, x: ExposeInstruction): void {
  const ports = { ...(c.ExposedPorts ?? {}) };
  for (const p of x.ports) {
    const spec = parsePortSpec(p);
    for (let n = spec.start; n <= spec.end; n++) ports[`${n}/${spec.protocol}`] = {};
  }
  c.ExposedPorts = ports;
}

export function applyHealthcheck(c: ContainerConfig, x: HealthcheckInstruction): void {
  if (x.test === 'none') {
    c.Healthcheck = { Test: ['NONE'] };
    return;
  }
  const h: HealthConfig = {
    Test: x.test.form === 'exec' ? ['CMD', ...x.test.args] : ['CMD-SHELL', x.test.script],
  };
  if (x.intervalNs !== undefined) h.Interval = x.intervalNs;
  if (x.timeoutNs !== undefined) h.Timeout = x.timeoutNs;
  if (x.startPeriodNs !== undefined) h.StartPeriod = x.startPeriodNs;
  if (x.startIntervalNs !== undefined) h.StartInterval = x.startIntervalNs;
  if (x.retries !== undefined) h.Retries = x.retries;
  c.Healthcheck = h;
}

/** WORKDIR: relative paths resolve against the current one. */
export function resolveWorkdir(current: string | undefined, path: string): string {
  return posix.resolve(current && current !== '' ? current : '/', path);
}

/** COPY's destination as an absolute path, a trailing slash (or "." ) kept as "this is a directory". */
export function resolveDest(workdir: string | undefined, dest: string): string {
  const dirLike = dest.endsWith('/') || dest === '.' || dest.endsWith('/.') || dest === '..' || dest.endsWith('/..');
  const abs = posix.resolve(workdir && workdir !== '' ? workdir : '/', dest);
  return dirLike && abs !== '/' ? `${abs}/` : abs;
}

/** Docker's history text for a step. */
export function createdBy(text: string, layer: boolean): string {
  return layer ? `${text} # buildkit` : text;
}

export function touch(config: OciImageConfig, createdByText: string, emptyLayer: boolean): void {
  const created = new Date().toISOString();
  config.history.push({
    created,
    created_by: createdByText,
    ...(emptyLayer ? { empty_layer: true } : {}),
    comment: 'buildkit.dockerfile.v0',
  });
  config.created = created;
}

/** An instruction without its place in the file, for cache keys (moving a line keeps its key). */
export function withoutRange(x: Instruction): unknown {
  const { range: _range, ...rest } = x as Instruction & { range: SourceRange };
  return rest;
}
