import { Text } from 'ink';
import type { BuildStepEvent } from '../engine/define.js';
import { formatDuration, humanDuration, plural, shortId, visible } from './format.js';
import { Pane } from './Pane.js';
import { Styled } from './Styled.js';
import type { ThemeToken } from './theme.js';
import type { BuildState, DevRebuild, DevView, StatusMessage } from './view-models.js';

/** Paths inside the watched folder are shown relative to it: the folder is in the title. */
export function relative(message: string, dir: string): string {
  return dir === '' ? message : message.split(`${dir.replace(/\/+$/, '')}/`).join('');
}

/** The dev loop's state in one line: what it watches and runs, or what it is doing. */
export function devSummary(d: DevView, now: number): { text: string; token: ThemeToken } {
  // `now` ticks once a second, so a container that just started can look a moment younger than 0.
  const running = d.container
    ? `${d.container.name} running${d.runningSince ? ` for ${humanDuration(Math.max(0, now - d.runningSince)).toLowerCase()}` : ''}`
    : 'no container running';
  switch (d.phase) {
    case 'starting':
      return { text: `starting: first build of ${d.image}`, token: 'build.running' };
    case 'watching':
    case 'debouncing':
      return { text: `watching ${plural(d.watchedFiles, 'file')} · ${running}`, token: 'text.ok' };
    case 'paused':
      return { text: `paused (w resumes) · ${running}`, token: 'text.warn' };
    case 'building':
      return {
        text: d.step ? `building step ${d.step.index + 1} of ${d.step.total}: ${d.step.instruction}` : `building ${d.image}`,
        token: 'build.running',
      };
    case 'syncing':
      return { text: `syncing files into ${d.container?.name ?? 'the container'}`, token: 'build.running' };
    case 'swapping':
      return { text: `swapping to the new container`, token: 'build.running' };
    case 'failed':
      // What still serves comes first: the error can be long and is cut at the pane's edge.
      return {
        text: `failed${d.container ? `, ${d.container.name} keeps running` : ''}: ${relative(d.lastError ?? 'see below', d.dir)}`,
        token: 'text.error',
      };
    case 'closed':
      return { text: 'stopped watching', token: 'text.muted' };
  }
}

/** One rebuild with its timings: debounce, build (cached/rebuilt steps), swap, save-to-running. */
export function rebuildLine(r: DevRebuild, dir = ''): string {
  const what = r.kind === 'sync' ? 'sync   ' : r.kind === 'unchanged' ? 'no-op  ' : 'rebuild';
  const build =
    r.kind === 'rebuild'
      ? `  build ${formatDuration(r.buildMs)} (${r.cachedSteps}/${r.steps} cached)`
      : r.kind === 'sync'
        ? `  copy ${formatDuration(r.buildMs)}`
        : '';
  const swap =
    r.kind === 'rebuild' && r.ok
      ? `  swap ${formatDuration(r.swapMs)}`
      : r.kind === 'sync' && r.ok && r.swapMs > 0
        ? `  restart ${formatDuration(r.swapMs)}`
        : '';
  return `${what} ${r.trigger.padEnd(6)} debounce ${formatDuration(r.debounceMs)}${build}${swap}  total ${formatDuration(r.totalMs)}${r.error ? `  ${relative(r.error, dir)}` : ''}`;
}

/** A dev rebuild's outcome for the status line. */
export function devOutcome(r: DevRebuild, image: string): StatusMessage {
  if (!r.ok)
    return { kind: 'error', text: `${r.kind === 'sync' ? 'sync' : `rebuild of ${image}`} failed: ${r.error ?? 'see the Build pane'}` };
  switch (r.kind) {
    case 'rebuild':
      return { kind: 'ok', text: `rebuilt ${image} and swapped the container in ${formatDuration(r.totalMs)}` };
    case 'unchanged':
      return { kind: 'ok', text: `rebuilt ${image}: unchanged, the container keeps running` };
    case 'sync':
      return { kind: 'ok', text: `synced files in ${formatDuration(r.totalMs)}` };
  }
}

function stepMark(s: BuildStepEvent): { text: string; token: ThemeToken } {
  switch (s.status) {
    case 'cached':
      return { text: 'CACHED', token: 'build.cached' };
    case 'done':
      return { text: formatDuration(s.durationMs ?? 0), token: 'text.ok' };
    case 'failed':
      return { text: 'FAILED', token: 'text.error' };
    case 'started':
      return { text: 'running…', token: 'build.running' };
  }
}

export interface BuildPaneProps {
  readonly build: BuildState;
  /** The dev loop (`dockui DIR`), once it reports; `devStatus` says why there is none yet. */
  readonly dev?: DevView | undefined;
  readonly devStatus?: string | undefined;
  readonly now: number;
  /** Why `b` cannot build here, when it cannot (no Dockerfile in the folder). */
  readonly unavailable: string | undefined;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
}

export function BuildPane(p: BuildPaneProps) {
  const b = p.build;
  const watch = b.watch ? `  watch: ${b.watch.state}${b.watch.files !== undefined ? ` (${plural(b.watch.files, 'file')})` : ''}` : '';
  const phase =
    b.phase === 'idle'
      ? 'no build yet'
      : b.phase === 'building'
        ? `building step ${Math.min(b.steps.filter((s) => s.status !== 'started').length + 1, b.steps[0]?.total ?? 1)} of ${b.steps[0]?.total ?? '?'}`
        : b.phase === 'done'
          ? `built ${b.imageId ? shortId(b.imageId) : ''} in ${formatDuration(b.durationMs ?? 0)}`
          : 'failed';
  const dev = p.dev;
  const history = dev ? [] : b.history.slice(0, 3);
  const devHistory = dev ? dev.history.slice(0, 3) : [];
  const errorRows = b.error ? 2 : 0;
  // The loop's notice (a container adopted or replaced) gets a line of its own: at the end of
  // the summary it was cut off at the pane's edge, unread.
  const notice = dev?.notice;
  const devRows = dev || p.devStatus ? 1 + (notice ? 1 : 0) + (devHistory.length > 0 ? devHistory.length + 1 : 0) : 0;
  const historyRows = (history.length > 0 ? history.length + 1 : 0) + devRows;
  const summary = dev ? devSummary(dev, p.now) : undefined;
  // Steps get what they need; the live output gets the rest, and shows its newest lines.
  const budget = Math.max(1, p.height - 1 - errorRows - historyRows);
  const steps = b.steps.slice(Math.max(0, b.steps.length - Math.max(1, Math.ceil(budget / 2))));
  const outRows = Math.max(0, budget - steps.length);
  const output = outRows > 0 ? b.output.slice(-outRows) : [];
  const failedStep = b.steps.find((s) => s.status === 'failed');
  const range = b.error?.range ?? failedStep?.range;
  return (
    <Pane
      title={`Build${b.context ? ` · ${b.context}` : ''}`}
      info={`${phase}${watch}`}
      focused={p.focused}
      width={p.width}
      height={p.height}
    >
      {summary ? (
        <Text wrap="truncate-end">
          <Styled token="text.heading">{`Dev loop · ${dev?.image ?? ''} · `}</Styled>
          <Styled token={summary.token}>{summary.text}</Styled>
        </Text>
      ) : p.devStatus ? (
        <Styled token="text.muted" wrap="truncate">{`Dev loop · ${p.devStatus}`}</Styled>
      ) : null}
      {summary && notice ? (
        <Styled token="text.muted" wrap="truncate">
          {`  ${notice}`}
        </Styled>
      ) : null}
      {p.unavailable && b.phase === 'idle' ? <Styled token="text.muted">{p.unavailable}</Styled> : null}
      {!p.unavailable && !dev && !p.devStatus && b.phase === 'idle' ? (
        <Styled token="text.muted">Press b to build the folder’s Dockerfile.</Styled>
      ) : null}
      {steps.map((s) => {
        const mark = stepMark(s);
        // Unnamed stages ("stage-0") say nothing a reader needs; named ones (AS build) do.
        const stage = s.stage && !/^stage-\d+$/.test(s.stage) ? `${s.stage} ` : '';
        const label = `[${s.index + 1}/${s.total}] ${stage}${s.instruction}`;
        return (
          <Text key={s.index} wrap="truncate-end">
            <Styled token={mark.token}>{mark.text.padEnd(9)}</Styled>
            {label}
          </Text>
        );
      })}
      {output.map((o, i) => (
        <Text key={`o${i}`} wrap="truncate-end">
          <Styled token="text.muted">{`  ${o.index + 1}│`}</Styled>
          <Styled token={o.stream === 'stderr' ? 'log.stderr' : 'log.stdout'}>{visible(o.line)}</Styled>
        </Text>
      ))}
      {b.error ? (
        <>
          <Styled token="text.error" wrap="truncate">
            {`✗ ${relative(`${range && !b.error.message.includes(`${range.file}:`) ? `${range.file}:${range.line}: ` : ''}${b.error.message}`, dev?.dir ?? b.context ?? '')}`}
          </Styled>
          <Styled token="text.muted" wrap="truncate">
            {failedStep
              ? `  at line ${failedStep.range?.line ?? range?.line ?? '?'}: ${failedStep.instruction}`
              : range
                ? `  at line ${range.line}, column ${range.column}`
                : ''}
          </Styled>
        </>
      ) : null}
      {devHistory.length > 0 ? <Styled token="text.heading">Last rebuilds (save → running)</Styled> : null}
      {devHistory.map((h) => (
        <Text key={h.at} wrap="truncate-end">
          <Styled token={h.ok ? 'text.ok' : 'text.error'}>{h.ok ? '✓ ' : '✗ '}</Styled>
          {rebuildLine(h, dev?.dir)}
        </Text>
      ))}
      {history.length > 0 ? <Styled token="text.heading">Last builds</Styled> : null}
      {history.map((h) => (
        <Text key={h.buildId} wrap="truncate-end">
          <Styled token={h.ok ? 'text.ok' : 'text.error'}>{h.ok ? '✓ ' : '✗ '}</Styled>
          {`${formatDuration(h.durationMs).padEnd(8)} ${h.cachedSteps}/${h.steps} steps cached${h.error ? `  ${h.error}` : ''}`}
        </Text>
      ))}
    </Pane>
  );
}
