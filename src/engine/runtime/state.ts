// The container lifecycle as a table: which operation may run in which state, and where it
// leads. Operations call ensureState() before any side effect, so a refusal names the state.
import { EngineError, type ContainerState } from '../define.js';

export type Operation = 'start' | 'stop' | 'kill' | 'remove' | 'forceRemove' | 'exec' | 'pause' | 'unpause' | 'exit' | 'rename' | 'restart';

/** For each state, the operations it allows and the state each one leads to. */
export const transitions: Readonly<Record<ContainerState, Partial<Record<Operation, ContainerState>>>> = {
  created: { start: 'running', remove: 'removing', forceRemove: 'removing', rename: 'created', restart: 'running', stop: 'created' },
  running: {
    stop: 'exited',
    kill: 'exited',
    exit: 'exited',
    exec: 'running',
    pause: 'paused',
    forceRemove: 'removing',
    rename: 'running',
    restart: 'running',
  },
  paused: { unpause: 'running', kill: 'exited', stop: 'exited', exit: 'exited', forceRemove: 'removing', rename: 'paused' },
  exited: { start: 'running', remove: 'removing', forceRemove: 'removing', rename: 'exited', restart: 'running', stop: 'exited' },
  // A removal cut short (a crash, a kill) is finished by the next rm.
  removing: { remove: 'removing', forceRemove: 'removing' },
};

const verbs: Readonly<Record<Operation, string>> = {
  start: 'start',
  stop: 'stop',
  kill: 'kill',
  remove: 'remove',
  forceRemove: 'remove',
  exec: 'exec in',
  pause: 'pause',
  unpause: 'unpause',
  exit: 'finish',
  rename: 'rename',
  restart: 'restart',
};

export function canTransition(state: ContainerState, op: Operation): boolean {
  return transitions[state][op] !== undefined;
}

/** Throws 'conflict' naming the container's current state when `op` is not allowed in it. */
export function ensureState(name: string, state: ContainerState, op: Operation): ContainerState {
  const next = transitions[state][op];
  if (next !== undefined) return next;
  const hint =
    op === 'remove' && (state === 'running' || state === 'paused')
      ? ': stop it first or use rm -f'
      : op === 'exec' || op === 'kill'
        ? ''
        : '';
  throw new EngineError('conflict', `cannot ${verbs[op]} container ${name}: it is ${state}${hint}`);
}
