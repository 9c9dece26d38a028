// The frame around the panes: tab bar on top, status line and key hints at the bottom.
import { Box, Text } from 'ink';
import { truncate } from './format.js';
import type { Hint, PaneId } from './keymap.js';
import { paneIds, paneTitles } from './keymap.js';
import { Styled } from './Styled.js';
import { TextInput } from './TextInput.js';
import type { TextInputState } from './text-input.js';
import type { StatusMessage } from './view-models.js';

/** The tab names, kept in keymap.ts beside the pane ids (the help heads each pane's keys with them). */
export { paneTitles } from './keymap.js';

/** The tabs drawn: the first five always; the others when focused or when they fit beside `right`. */
export function shownTabs(pane: PaneId, width: number, right: string): PaneId[] {
  const len = (id: PaneId) => paneTitles[id].length + 4;
  let room = width - right.length - 1 - paneIds.slice(0, 5).reduce((n, id) => n + len(id), 0);
  if (paneIds.indexOf(pane) >= 5) room -= len(pane);
  return paneIds.filter((id, i) => {
    if (i < 5 || id === pane) return true;
    if (len(id) > room) return false;
    room -= len(id);
    return true;
  });
}

export function TabBar(props: { readonly pane: PaneId; readonly width: number; readonly right: string }) {
  return (
    <Box width={props.width} justifyContent="space-between">
      <Text wrap="truncate-end">
        {shownTabs(props.pane, props.width, props.right).map((id) => (
          <Styled
            key={id}
            token={id === props.pane ? 'tab.focused' : 'tab.normal'}
          >{` ${paneIds.indexOf(id) + 1} ${paneTitles[id]} `}</Styled>
        ))}
      </Text>
      <Styled token="text.muted">{props.right}</Styled>
    </Box>
  );
}

const marks = { info: '', ok: '✓ ', error: '✗ ', busy: '… ' } as const;

/**
 * The outcome or error of the last action on the left; the runtime problem (why containers
 * cannot run here) on the right, always, because it explains every failing start.
 */
export function StatusLine(props: {
  readonly status: StatusMessage | undefined;
  readonly runtimeProblem: string | undefined;
  readonly width: number;
}) {
  const problem = props.runtimeProblem ? `containers cannot run: ${props.runtimeProblem}` : '';
  // The problem takes at most half the line; the message gets the rest, less a gap.
  const problemWidth = Math.min(problem.length, Math.floor(props.width / 2));
  const room = Math.max(0, props.width - problemWidth - (problem ? 2 : 0));
  const s = props.status;
  const token = s?.kind === 'error' ? 'text.error' : s?.kind === 'ok' ? 'text.ok' : s?.kind === 'busy' ? 'build.running' : 'text.muted';
  // A fixed row even when empty, so that the footer never moves up into its place.
  return (
    <Box width={props.width} height={1} justifyContent="space-between">
      <Styled token={token}>{s ? truncate(`${marks[s.kind]}${s.text}`, room) : ''}</Styled>
      {problem ? <Styled token="text.warn">{truncate(problem, problemWidth)}</Styled> : null}
    </Box>
  );
}

export function Footer(props: { readonly hints: readonly Hint[]; readonly width: number }) {
  // `? help` is where every other key is found: its room is kept however narrow the screen.
  const help = props.hints.find((h) => h.keys === '?');
  const helpText = help ? `${help.keys} ${help.label}` : '';
  const parts: string[] = [];
  let used = help ? helpText.length + 2 : 0;
  let helpAt: number | undefined;
  for (const h of props.hints) {
    if (h === help) {
      helpAt = parts.length;
      continue;
    }
    const t = `${h.keys} ${h.label}`;
    if (used + t.length + 2 > props.width) break;
    parts.push(t);
    used += t.length + 2;
  }
  if (help) parts.splice(helpAt ?? parts.length, 0, helpText);
  return (
    <Box width={props.width} height={1}>
      <Text wrap="truncate-end">
        {parts.map((p, i) => {
          const sp = p.indexOf(' ');
          return (
            <Text key={i}>
              <Styled token="text.accent">{p.slice(0, sp)}</Styled>
              <Styled token="text.muted">{`${p.slice(sp)}  `}</Styled>
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}

/** The filter / search line that replaces the footer while it is being typed. */
export function PromptLine(props: { readonly label: string; readonly input: TextInputState; readonly width: number }) {
  return (
    <Box width={props.width}>
      <Styled token="text.accent">{props.label}</Styled>
      <TextInput state={props.input} focused width={Math.max(1, props.width - props.label.length - 1)} />
    </Box>
  );
}
