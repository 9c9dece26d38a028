// Markup of the command log overlay and of the `:` command line (with its completions).
import { Box, Text } from 'ink';
import { commandCandidates } from './command-mode.js';
import type { CommandLogEntry } from './command-log.js';
import { Dialog } from './Dialogs.js';
import { Styled } from './Styled.js';
import { TextInput } from './TextInput.js';
import type { TextInputState } from './text-input.js';

const marks = { pending: '…', ok: '✓', error: '✗', ran: '→' } as const;

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The lines of the command log, oldest first (the overlay opens on the newest). */
export function commandLogLines(entries: readonly CommandLogEntry[]): string[] {
  return entries.map((e) => `${clock(e.at)} ${marks[e.outcome]} ${e.line}${e.error ? `   # ${e.error}` : ''}`);
}

export function CommandLogOverlay(props: {
  readonly entries: readonly CommandLogEntry[];
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}) {
  const lines = commandLogLines(props.entries);
  const rows = Math.max(1, props.height - 4);
  // offset counts back from the newest: 0 shows the last page.
  const end = Math.max(0, lines.length - Math.min(Math.max(0, props.offset), Math.max(0, lines.length - rows)));
  const start = Math.max(0, end - rows);
  return (
    <Dialog
      title={`Command log  (${lines.length ? `${start + 1}-${end} of ${lines.length}` : 'empty'}: the dockui line of each action, Esc closes)`}
      width={props.width}
      height={props.height}
    >
      {lines.length === 0 ? <Styled token="text.muted">Nothing done yet: actions taken here are listed as dockui commands.</Styled> : null}
      {lines.slice(start, end).map((l, i) => (
        <Text key={start + i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Dialog>
  );
}

/** The `:` line: what is typed, then the views it may still become. */
export function CommandLine(props: { readonly input: TextInputState; readonly width: number }) {
  const candidates = commandCandidates(props.input.value);
  const hint = candidates.length ? `  ${candidates.join(' ')}` : '  (no such view)';
  const field = Math.max(8, Math.min(props.width - 2, props.input.value.length + 2));
  return (
    <Box width={props.width}>
      <Styled token="text.accent">:</Styled>
      <TextInput state={props.input} focused width={field} />
      <Text wrap="truncate-end">
        <Styled token="text.muted">{hint}</Styled>
      </Text>
    </Box>
  );
}
