// The modal dialogs: y/N confirm, the run form, the pull prompt with per-layer progress, and
// the help overlay. Markup only; their state lives in the reducers and the Screen routes keys.
import { Box, Text } from 'ink';
import { useContext, type ReactNode } from 'react';
import type { LayerPhase } from '../engine/define.js';
import { formatBytes, formatDuration, familiarName, plural, shortId } from './format.js';
import { actionIds, customCommands, displayKey, displayKeys, keymap, scopes, scopeTitles, type Binding } from './keymap.js';
import { focusedField, runFieldLabels, runFieldPlaceholders, runFields, type RunFormState } from './run-form.js';
import { Styled } from './Styled.js';
import { TextInput } from './TextInput.js';
import type { TextInputState } from './text-input.js';
import { ThemeContext, type ThemeToken } from './theme.js';
import type { PullState } from './view-models.js';

export function Dialog(props: { readonly title: string; readonly width: number; readonly height?: number; readonly children: ReactNode }) {
  const theme = useContext(ThemeContext);
  const color = theme.tokens['border.focused'].color;
  return (
    <Box
      flexDirection="column"
      borderStyle={theme.name === 'plain' ? 'double' : 'round'}
      {...(color !== undefined ? { borderColor: color } : {})}
      width={props.width}
      {...(props.height !== undefined ? { height: props.height } : {})}
      paddingX={1}
      overflow="hidden"
    >
      <Styled token="text.heading">{props.title}</Styled>
      {props.children}
    </Box>
  );
}

export function ConfirmDialog(props: { readonly title: string; readonly message: string; readonly width: number }) {
  return (
    <Dialog title={props.title} width={props.width}>
      <Text wrap="wrap">{props.message}</Text>
      <Text>
        <Styled token="text.accent">y</Styled> yes <Styled token="text.accent">N</Styled> no (Enter/Esc)
      </Text>
    </Dialog>
  );
}

export function RunFormDialog(props: { readonly form: RunFormState; readonly width: number }) {
  const f = props.form;
  const focus = focusedField(f);
  const labelWidth = 2 + Math.max(...runFields.map((id) => runFieldLabels[id].length)); // '›' + label + a space
  const fieldWidth = Math.max(10, props.width - 4 - labelWidth);
  return (
    <Dialog title={`Run a container from ${familiarName(f.image)}`} width={props.width}>
      {runFields.map((id) => (
        <Box key={id}>
          <Box width={labelWidth}>
            <Styled token={id === focus ? 'text.accent' : 'text.muted'}>{`${id === focus ? '›' : ' '}${runFieldLabels[id]}`}</Styled>
          </Box>
          <Box width={fieldWidth}>
            <TextInput state={f.fields[id]} focused={id === focus} placeholder={runFieldPlaceholders[id]} width={fieldWidth} />
          </Box>
        </Box>
      ))}
      {f.error ? (
        <Styled token="text.error">
          {f.error.field ? `${runFieldLabels[f.error.field]}: ${f.error.message}` : `✗ ${f.error.message}`}
        </Styled>
      ) : f.submitting ? (
        <Styled token="build.running">starting…</Styled>
      ) : (
        <Text> </Text>
      )}
      <Styled token="text.muted">Tab/↑↓ move · Enter run (detached) · Esc cancel</Styled>
    </Dialog>
  );
}

const phaseTokens: Readonly<Record<LayerPhase, ThemeToken>> = {
  waiting: 'text.muted',
  downloading: 'build.running',
  verifying: 'build.running',
  extracting: 'build.running',
  done: 'text.ok',
  exists: 'build.cached',
  failed: 'text.error',
};

export function ProgressBar(props: { readonly current: number; readonly total: number; readonly width: number }) {
  const frac = props.total > 0 ? Math.min(1, Math.max(0, props.current / props.total)) : 0;
  const done = Math.round(frac * props.width);
  return (
    <Text>
      <Styled token="progress.done">{'█'.repeat(done)}</Styled>
      <Styled token="progress.todo">{'░'.repeat(props.width - done)}</Styled>
    </Text>
  );
}

export function PullDialog(props: {
  readonly input: TextInputState;
  readonly pull: PullState;
  readonly width: number;
  readonly maxLayers: number;
}) {
  const p = props.pull;
  const barWidth = Math.max(10, props.width - 4 - 12 - 1 - 11 - 1 - 20);
  return (
    <Dialog title="Pull an image" width={props.width}>
      <Box>
        <Text>Image: </Text>
        {p.phase === 'idle' || p.phase === 'failed' ? (
          <TextInput state={props.input} focused placeholder="e.g. busybox or 127.0.0.1:5000/fixture/web:latest" width={props.width - 11} />
        ) : (
          <Text wrap="truncate-end">{p.ref}</Text>
        )}
      </Box>
      {p.phase === 'pulling' ? (
        <>
          {(p.progress?.layers ?? []).slice(0, props.maxLayers).map((l) => (
            <Box key={l.digest}>
              <Text>{`${shortId(l.digest)} `}</Text>
              <Styled token={phaseTokens[l.phase]}>{l.phase.padEnd(11)}</Styled>
              <Text> </Text>
              <ProgressBar
                current={l.phase === 'done' || l.phase === 'exists' ? 1 : l.current}
                total={l.phase === 'done' || l.phase === 'exists' ? 1 : l.total}
                width={barWidth}
              />
              <Text>{` ${formatBytes(l.current)}/${formatBytes(l.total)}`}</Text>
            </Box>
          ))}
          {(p.progress?.layers.length ?? 0) > props.maxLayers ? (
            <Styled token="text.muted">{`… and ${plural((p.progress?.layers.length ?? 0) - props.maxLayers, 'more layer', 'more layers')}`}</Styled>
          ) : null}
          <Text>
            {p.progress ? `total ${formatBytes(p.progress.current)} of ${formatBytes(p.progress.total)}` : 'resolving…'}
            <Styled token="text.muted"> Esc cancels</Styled>
          </Text>
        </>
      ) : null}
      {p.phase === 'done' ? (
        <>
          <Text wrap="truncate-end">
            <Styled token="text.ok">✓ </Styled>
            {`pulled ${familiarName(p.image.names[0] ?? p.ref)} (${shortId(p.image.id)}, ${formatBytes(p.image.size)}) in ${formatDuration(p.durationMs)}`}
          </Text>
          <Styled token="text.muted">Enter/Esc closes</Styled>
        </>
      ) : null}
      {p.phase === 'failed' ? <Styled token="text.error">{`✗ ${p.error}`}</Styled> : null}
      {p.phase === 'idle' || p.phase === 'failed' ? <Styled token="text.muted">Enter pulls · Esc cancels</Styled> : null}
    </Dialog>
  );
}

/** Help lines drawn from the keymap: a heading per scope, then each action's keys and text. */
export function helpLines(): { readonly heading: boolean; readonly keys: string; readonly text: string }[] {
  const out: { heading: boolean; keys: string; text: string }[] = [];
  for (const s of scopes) {
    const ids = actionIds.filter((id) => (keymap[id] as Binding).scope === s);
    if (ids.length === 0) continue;
    out.push({ heading: true, keys: '', text: scopeTitles[s] });
    for (const id of ids) out.push({ heading: false, keys: displayKeys(id), text: keymap[id].description });
  }
  const mine = customCommands();
  if (mine.length > 0) out.push({ heading: true, keys: '', text: 'Your commands (tui.yaml)' });
  for (const c of mine) out.push({ heading: false, keys: displayKey(c.key), text: `${c.title} (${c.scope}): ${c.run}` });
  return out;
}

export function HelpOverlay(props: { readonly offset: number; readonly width: number; readonly height: number }) {
  const lines = helpLines();
  const rows = Math.max(1, props.height - 4);
  const offset = Math.min(Math.max(0, props.offset), Math.max(0, lines.length - rows));
  const keyWidth = 20;
  return (
    <Dialog
      title={`Keys  (${offset + 1}-${Math.min(lines.length, offset + rows)} of ${lines.length}, ↑↓ scroll, Esc closes)`}
      width={props.width}
      height={props.height}
    >
      {lines.slice(offset, offset + rows).map((l, i) =>
        l.heading ? (
          <Styled key={offset + i} token="text.accent">
            {l.text}
          </Styled>
        ) : (
          <Text key={offset + i} wrap="truncate-end">
            {`  ${l.keys.padEnd(keyWidth)}${l.text}`}
          </Text>
        ),
      )}
    </Dialog>
  );
}

/** A custom command's output (tui.yaml): its last lines while it runs, then its exit code. */
export function OutputDialog(props: {
  readonly title: string;
  readonly text: string;
  readonly exitCode?: number | undefined;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}) {
  const lines = props.text.replace(/\n$/, '').split('\n');
  const rows = Math.max(1, props.height - 4);
  const offset = Math.min(Math.max(0, props.offset), Math.max(0, lines.length - rows));
  const state = props.exitCode === undefined ? 'running…' : props.exitCode === 0 ? 'exit code 0' : `exit code ${props.exitCode}`;
  return (
    <Dialog title={`${props.title} · ${state}  (↑↓ scroll, Esc closes)`} width={props.width} height={props.height}>
      {lines.slice(offset, offset + rows).map((l, i) => (
        <Text key={offset + i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Dialog>
  );
}
