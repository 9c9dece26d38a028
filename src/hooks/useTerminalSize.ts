import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

function measure(out: NodeJS.WriteStream): TerminalSize {
  // Not a TTY (tests, pipes): lay out for the smallest supported terminal.
  return { columns: out.columns || 80, rows: out.rows || 24 };
}

/** The terminal's size, updated on resize. Called once, at the root: panes get explicit sizes. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => measure(stdout));
  useEffect(() => {
    const onResize = () =>
      setSize((prev) => {
        const next = measure(stdout);
        return next.columns === prev.columns && next.rows === prev.rows ? prev : next;
      });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
