// Progress output for long CLI work: on a terminal, a block of live lines redrawn in place
// (progress bars); otherwise plain lines, one per change of state, so logs stay readable.
// Generic (LiveLines) with a pull-specific printer on top; the builder may reuse LiveLines.
import { layerPhaseText, type PullProgress } from '../engine/define.js';
import { siSize } from '../format/units.js';

/** Sizes in progress lines: SI units, digits kept ("4.20MB"), as the TUI's columns. */
export const formatBytes = (n: number): string => siSize(n, 'fixed');

/** "[=====>     ]" for a fraction, fixed width. */
export function bar(current: number, total: number, width = 30): string {
  const f = total > 0 ? Math.min(1, Math.max(0, current / total)) : 0;
  const full = Math.floor(f * width);
  return `[${'='.repeat(Math.max(0, full - (full < width ? 0 : 1)))}${full < width ? '>' : '='}${' '.repeat(Math.max(0, width - full - 1))}]`;
}

/**
 * Keyed lines that redraw in place on a TTY. On anything else, `set` prints a line only when
 * the key's text (minus its volatile part) changed, and `log` prints as is.
 */
/** Where progress goes: the CLI's output (src/cli/stdio.ts) or a stream. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class LiveLines {
  readonly #out: ProgressOutput;
  readonly #tty: boolean;
  readonly #keys: string[] = [];
  readonly #lines = new Map<string, string>();
  readonly #plain = new Map<string, string>();
  #drawn = 0;

  constructor(out: ProgressOutput, opts: { tty?: boolean } = {}) {
    this.#out = out;
    this.#tty = opts.tty ?? (out.isTTY === true && !process.env.NO_PROGRESS);
  }

  get tty(): boolean {
    return this.#tty;
  }

  /** `stable` is what non-TTY output compares to decide whether to print. */
  set(key: string, text: string, stable = text): void {
    if (!this.#lines.has(key)) this.#keys.push(key);
    this.#lines.set(key, text);
    if (this.#tty) return;
    if (this.#plain.get(key) === stable) return;
    this.#plain.set(key, stable);
    this.#out.write(`${stable}\n`);
  }

  /** Prints a line above the live block. */
  log(text: string): void {
    if (this.#tty) {
      this.#clear();
      this.#out.write(`${text}\n`);
      this.render();
    } else this.#out.write(`${text}\n`);
  }

  #clear(): void {
    if (this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  render(): void {
    if (!this.#tty) return;
    // A terminal that reports no size (0 columns, e.g. under script(1)) gets 80.
    const cols = Math.max(20, (this.#out.columns || 80) - 1);
    let s = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    for (const k of this.#keys) s += `\x1b[2K${(this.#lines.get(k) ?? '').slice(0, cols)}\n`;
    this.#out.write(s);
    this.#drawn = this.#keys.length;
  }
}

/** Draws PullProgress as docker does: one line per layer, a bar while it downloads. */
export function pullPrinter(out: ProgressOutput, opts: { tty?: boolean } = {}) {
  const lines = new LiveLines(out, opts);
  return {
    lines,
    update(p: PullProgress): void {
      for (const l of p.layers) {
        const id = l.digest.replace(/^sha256:/, '').slice(0, 12);
        const stable = `${id}: ${layerPhaseText[l.phase]}`;
        const live =
          l.phase === 'downloading' || l.phase === 'extracting'
            ? `${stable} ${bar(l.current, l.total)} ${formatBytes(l.current)}/${formatBytes(l.total)}`
            : stable;
        lines.set(id, live, stable);
      }
      lines.render();
    },
  };
}
