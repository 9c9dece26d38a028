// The one render helper of the view tests: renders the screen (or any element) with
// ink-testing-library and waits for the frame to change after a key press — polling the last
// frame, never sleeping a fixed time. The engine behind it is the fake from fake-engine.ts.
import './test-env.js';
import { cleanup, render as inkRender } from 'ink-testing-library';
import { useEffect, type ReactElement } from 'react';
import type { TerminalControl } from '../../../src/hooks/terminal-control.js';
import type { ScreenProps } from '../../../src/views/Screen.js';
import { colorTheme, type Theme } from '../../../src/views/theme.js';
import { TuiRoot } from '../../../src/views/TuiRoot.js';
import type { FakeEngine } from './fake-engine.js';

export const keys = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what this strips
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (s: string) => s.replace(ansi, '');

/** Sits beside the screen and records when Ink unmounts the tree (the app exited). */
function UnmountProbe(props: { readonly onUnmount: () => void }) {
  const { onUnmount } = props;
  useEffect(() => onUnmount, [onUnmount]);
  return null;
}

export interface Rendered {
  /** True once the app has exited (q, Ctrl-C) and Ink unmounted it. */
  exited(): boolean;
  /** The last frame without colour codes. */
  frame(): string;
  /** The last frame as written, colour codes included. */
  rawFrame(): string;
  /** Waits until `pred(frame)` holds; fails with the last frame after `timeoutMs`. */
  waitFor(pred: (frame: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
  /** Types `input` without waiting (for keys after which nothing is drawn, like quit). */
  write(input: string): void;
  /** Types `input`, then waits for the frame to change (and for `until`, when given). */
  press(input: string, until?: (frame: string) => boolean, what?: string): Promise<string>;
  unmount(): void;
}

export function renderElement(el: ReactElement): Rendered {
  let exited = false;
  const r = inkRender(
    <>
      {el}
      <UnmountProbe onUnmount={() => (exited = true)} />
    </>,
  );
  const frame = () => stripAnsi(r.lastFrame() ?? '');
  const waitFor = (pred: (f: string) => boolean, what = 'the expected frame', timeoutMs = 3000) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = () => {
        const f = frame();
        if (pred(f)) return resolve(f);
        if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}; last frame:\n${f}`));
        setTimeout(poll, 5);
      };
      poll();
    });
  return {
    exited: () => exited,
    frame,
    rawFrame: () => r.lastFrame() ?? '',
    waitFor,
    write: (input) => r.stdin.write(input),
    async press(input, until, what) {
      const before = r.lastFrame();
      r.stdin.write(input);
      return waitFor(
        (f) => r.lastFrame() !== before && (until ? until(f) : true),
        what ?? `the frame to change after ${JSON.stringify(input)}`,
      );
    },
    unmount: () => r.unmount(),
  };
}

/** Unmounts everything rendered so far (for afterEach): a test that fails halfway leaves no app running. */
export function cleanupRendered(): void {
  cleanup();
}

export interface AppOptions extends Partial<ScreenProps> {
  readonly theme?: Theme;
  readonly terminal?: TerminalControl;
}

/** The whole screen over `engine`, as runTui mounts it (minus the real terminal). */
export async function renderApp(engine: FakeEngine, opts: AppOptions = {}): Promise<Rendered> {
  const r = renderElement(
    <TuiRoot
      engine={engine}
      theme={opts.theme ?? colorTheme}
      terminal={opts.terminal}
      build={opts.build ?? { unavailable: 'nothing to build: no Dockerfile in /tmp/x' }}
      {...(opts.dev ? { dev: opts.dev } : {})}
    />,
  );
  await r.waitFor((f) => f.includes('1 Containers'), 'the first frame');
  return r;
}
