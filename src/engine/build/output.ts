// `build --output`: the final stage's filesystem, its layers merged (rootfs.ts), exported as
// BuildKit's exporters do — `type=local,dest=DIR` writes the files into DIR (made when missing),
// `type=tar,dest=FILE` (or `-o -`, a stream) writes one tar of them. GNU tar and cp do the
// walking: owners, modes, links and times kept, names sorted in the tar.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../define.js';
import type { Store } from '../store/index.js';
import type { BuildOutput } from '../types.js';
import type { BuildState } from './cache.js';
import { withRootfs } from './rootfs.js';

function run(cmd: string, args: readonly string[], out?: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', out ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new EngineError('failed_precondition', `cannot run ${cmd}: ${e.message}`)));
    const piped = out && child.stdout ? pipeline(child.stdout, out, { end: false }) : Promise.resolve();
    const closed = new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
    void Promise.all([closed, piped]).then(([code]) => {
      if (code === 0) resolve();
      else
        reject(
          new EngineError(
            'failed_precondition',
            `exporting the build output: ${err.trim().split('\n').pop() || `${cmd} failed (${code})`}`,
          ),
        );
    }, reject);
  });
}

/** Writes `state`'s filesystem where `output` says. */
export async function exportOutput(store: Store, state: BuildState, scratch: string, output: BuildOutput): Promise<void> {
  await withRootfs(store, state.config.rootfs.diff_ids, scratch, async (root) => {
    const src = root ?? (mkdirSync(`${scratch}/empty-output`, { recursive: true }), `${scratch}/empty-output`);
    if (output.type === 'local') {
      mkdirSync(output.dest, { recursive: true });
      await run('cp', ['-a', '--', `${src}/.`, output.dest]);
      return;
    }
    const tarArgs = ['-C', src, '-cf', '-', '--numeric-owner', '--sort=name', '.'];
    if ('stream' in output) {
      await run('tar', tarArgs, output.stream);
      return;
    }
    const file = createWriteStream(output.dest);
    try {
      await new Promise<void>((res, rej) => file.once('open', () => res()).once('error', rej));
      await run('tar', tarArgs, file);
    } finally {
      await new Promise<void>((res) => file.end(() => res()));
    }
  });
}
