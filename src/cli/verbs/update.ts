// `dockui update`: docker update's limits this runtime applies (memory, swap, reservation, CPUs,
// CPU shares, pids) and the restart policy; each container's name or id is printed once it is
// updated, as docker does.
import { EngineError, isEngineError } from '../../engine/define.js';
import { defineVerb } from '../context.js';
import { flagError } from '../args.js';
import { intFlag, memSwapFlag, ramInBytes } from './run-values.js';

export const verb = defineVerb({
  name: 'update',
  synopsis: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Update configuration of one or more containers',
  flags: {
    cpus: { value: true, type: 'decimal', help: 'Number of CPUs' },
    memory: { short: 'm', value: true, type: 'bytes', help: 'Memory limit' },
    'pids-limit': { value: true, type: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
    restart: { value: true, help: 'Restart policy to apply when a container exits' },
    'memory-swap': { value: true, type: 'bytes', help: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
    'memory-reservation': { value: true, type: 'bytes', help: 'Memory soft limit' },
    'cpu-shares': { short: 'c', value: true, type: 'int', help: 'CPU shares (relative weight)' },
  },
  async run(ctx, { flags, positionals }) {
    if (!positionals.length) throw new EngineError('invalid_argument', `"dockui update" requires at least 1 argument.`);
    let pidsLimit: number | undefined;
    if (flags['pids-limit'] !== undefined) {
      pidsLimit = Number(flags['pids-limit']);
      if (!/^-?\d+$/.test(flags['pids-limit'].trim())) throw flagError(`invalid --pids-limit: ${flags['pids-limit']}`);
    }
    // Flag values docker's flag parser refuses (exit 125 before any container is touched).
    if (flags.memory !== undefined && !/^\d+(\.\d+)?\s*[bkmg]?b?$/i.test(flags.memory.trim()))
      throw flagError(`invalid argument "${flags.memory}" for "-m, --memory" flag: invalid size: '${flags.memory}'`);
    if (flags.cpus !== undefined && !Number.isFinite(Number(flags.cpus)))
      throw flagError(`invalid argument "${flags.cpus}" for "--cpus" flag: failed to parse ${flags.cpus} as a rational number`);
    const swap = flags['memory-swap'] === undefined ? undefined : memSwapFlag(flags['memory-swap']);
    const reservation =
      flags['memory-reservation'] === undefined ? undefined : ramInBytes(flags['memory-reservation'], '--memory-reservation');
    const shares = flags['cpu-shares'] === undefined ? undefined : intFlag(flags['cpu-shares'], '-c, --cpu-shares');
    if (
      flags.cpus === undefined &&
      flags.memory === undefined &&
      pidsLimit === undefined &&
      flags.restart === undefined &&
      swap === undefined &&
      reservation === undefined &&
      shares === undefined
    )
      throw new EngineError('invalid_argument', 'you must provide one or more flags when using this command');
    let restart: { Name: 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount: number } | undefined;
    if (flags.restart !== undefined) {
      const [name = '', count, ...rest] = flags.restart.split(':');
      if (rest.length || (count !== undefined && !/^\d+$/.test(count)))
        throw new EngineError('invalid_argument', `invalid restart policy format: ${JSON.stringify(flags.restart)}`);
      restart = { Name: (name || 'no') as 'no', MaximumRetryCount: count === undefined ? 0 : Number(count) };
    }
    const u = {
      ...(flags.memory !== undefined ? { memory: flags.memory } : {}),
      ...(flags.cpus !== undefined ? { cpus: flags.cpus } : {}),
      ...(pidsLimit !== undefined ? { pidsLimit } : {}),
      ...(restart ? { restart } : {}),
      ...(swap !== undefined ? { memorySwap: String(swap) } : {}),
      ...(reservation !== undefined ? { memoryReservation: String(reservation) } : {}),
      ...(shares !== undefined ? { cpuShares: shares } : {}),
    };
    let failed = 0;
    for (const name of positionals) {
      try {
        await ctx.engine.containers.update(name, u);
        ctx.stdout.write(`${name}\n`);
      } catch (e) {
        if (!isEngineError(e) || e.code === 'canceled') throw e;
        ctx.stderr.write(`dockui: ${e.message}\n`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  },
});
