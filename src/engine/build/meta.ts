// Metadata-only steps (LABEL, ENV, ARG, CMD, …): they change the image config and nothing
// else. A run of consecutive ones is folded into one piece of work (see Executor.metaRun): each
// step still gets its own key in the chain and its own history entry, but the config is cloned
// once for the run, changed in place, and stored in the cache once, under the run's last key —
// so a Dockerfile of 20,000 LABEL lines costs linear time and one cache record, not 20,000
// copies of a growing config.
import { EngineError } from '../define.js';
import type { Instruction, Stage } from '../dockerfile/index.js';
import type { OciImageConfig } from './image-config.js';
import { applyCmd, applyConfigField, applyEntrypoint, applyHealthcheck, createdBy, touch } from './steps.js';

export type MetaInstruction = Exclude<Instruction, { kind: 'from' | 'run' | 'copy' | 'add' | 'workdir' }>;

export function isMeta(x: Instruction): x is MetaInstruction {
  return x.kind !== 'from' && x.kind !== 'run' && x.kind !== 'copy' && x.kind !== 'add' && x.kind !== 'workdir';
}

/**
 * Applies one metadata step to `config` (which the caller owns: changed in place) and adds its
 * history entry. ENV changes the scope only: the caller sets config.Env from the scope once the
 * run is over (setting it at every ENV would copy the whole env list each time).
 */
export function applyMeta(config: OciImageConfig, x: MetaInstruction, stage: Stage): void {
  const c = config.config;
  let history = true;
  switch (x.kind) {
    case 'cmd':
      applyCmd(c, x);
      break;
    case 'entrypoint':
      applyEntrypoint(
        c,
        x,
        stage.instructions.some((i) => i.kind === 'cmd' && i.range.line < x.range.line),
      );
      break;
    case 'env':
      break;
    case 'arg':
      history = false; // BuildKit records no history for ARG; its value reaches RUN keys through the env
      break;
    case 'label':
    case 'expose':
    case 'user':
    case 'volume':
    case 'onbuild':
      applyConfigField(c, x);
      break;
    case 'stopsignal':
      c.StopSignal = x.signal;
      break;
    case 'healthcheck':
      applyHealthcheck(c, x);
      break;
    case 'shell':
      c.Shell = [...x.shell];
      break;
    case 'maintainer':
      config.author = x.name;
      break;
    default:
      throw new EngineError('internal', `not a metadata step: ${(x as Instruction).kind}`);
  }
  if (history) touch(config, createdBy(x.text, false), true);
}
