// What the app may ask of the terminal it runs in. runTui supplies the real one; without it
// (tests, a non-TTY) the features that need a terminal say so instead of failing obscurely.
import { createContext } from 'react';

export interface TerminalControl {
  /** Hands the terminal to `argv` (an interactive child), resolves with its exit code once it ends and the UI is back. */
  runInteractive(argv: readonly string[]): Promise<number>;
}

export const TerminalControlContext = createContext<TerminalControl | undefined>(undefined);
