// `dockui info`: docker info's report (its field names for --format, its layout for the text),
// from what dockui has: containers and their states, images, the store's root, the host.
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { EngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import { parseTemplate, render, TemplateError } from '../template/index.js';

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

/** Go's runtime.GOARCH names as docker prints them (x86_64, aarch64). */
const archName = (a: string) => ({ x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686' })[a] ?? a;

function gib(n: number): string {
  return `${(n / 1024 ** 3).toFixed(3).replace(/\.?0+$/, '')}GiB`;
}

export const verb = defineVerb({
  name: 'info',
  synopsis: '[OPTIONS]',
  summary: 'Display system-wide information',
  flags: { format: { short: 'f', value: true, help: 'Format the output using the given Go template' } },
  async run(ctx, { flags, positionals }) {
    if (positionals.length) throw new EngineError('invalid_argument', `"dockui info" accepts no arguments.`);
    const [containers, images] = await Promise.all([
      ctx.engine.containers.list({ all: true }),
      ctx.engine.images.list({ countUsers: false }),
    ]);
    const count = (s: string) => containers.filter((c) => c.state === s).length;
    const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
    const info = {
      ID: '',
      Containers: containers.length,
      ContainersRunning: count('running'),
      ContainersPaused: count('paused'),
      ContainersStopped: containers.length - count('running') - count('paused'),
      Images: images.length,
      Driver: 'overlay',
      DockerRootDir: ctx.paths.root,
      LoggingDriver: 'k8s-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgroupV2 ? '2' : '1',
      KernelVersion: release(),
      OperatingSystem: osName(),
      OSType: 'linux',
      Architecture: archName(arch()),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      Name: hostname(),
      ServerVersion: '0.1.0',
      DefaultRuntime: 'runc',
      Runtimes: { runc: { path: 'runc' } },
      Debug: ctx.global.debug,
      Warnings: null,
    };
    if (flags.format !== undefined) {
      if (flags.format === 'json') {
        ctx.stdout.write(`${JSON.stringify(info)}\n`);
        return 0;
      }
      try {
        ctx.stdout.write(`${render(parseTemplate(flags.format), info)}\n`);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        ctx.stderr.write(`dockui: template parsing error: ${e.message}\n`);
        return 64;
      }
      return 0;
    }
    const lines = [
      'Client:',
      ' Context:    default',
      ` Debug Mode: ${info.Debug}`,
      '',
      'Server:',
      ` Containers: ${info.Containers}`,
      `  Running: ${info.ContainersRunning}`,
      `  Paused: ${info.ContainersPaused}`,
      `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${info.ServerVersion}`,
      ` Storage Driver: ${info.Driver}`,
      ` Logging Driver: ${info.LoggingDriver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Runtimes: runc`,
      ` Default Runtime: ${info.DefaultRuntime}`,
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` OSType: ${info.OSType}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${gib(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
      ` Debug Mode: ${info.Debug}`,
      '',
    ];
    ctx.stdout.write(lines.join('\n'));
    return 0;
  },
});
