// Frames out of the byte stream of the dockui TUI, for bench/tui.mjs.
//
// Ink 6 draws every frame whole (erase the previous frame's lines, or clear the screen, then
// write the new one) inside one stdout.write wrapped in synchronized-output marks:
// CSI ? 2026 h (begin) ... CSI ? 2026 l (end). A frame is complete when its end mark has been
// read from the pty; that read's timestamp is when the terminal could show it. What a frame
// shows is read from its text with the escape sequences taken out: the selected row of a list is
// the one drawn with the "› " gutter (Table.tsx), the focused pane is the tab drawn in inverse
// video on the first line (Chrome.tsx), the Logs pane says "following" or "scrolled (line N)".
import { StringDecoder } from 'node:string_decoder';

const BSU = '\x1b[?2026h';
const ESU = '\x1b[?2026l';
// CSI ... final byte, OSC ... BEL/ST, and two-byte ESC sequences.
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(s) {
  return s.replace(ansi, '');
}

export class FrameReader {
  constructor() {
    this.decoder = new StringDecoder('utf8');
    this.buf = '';
    this.open = undefined; // { t } of the begin mark while a frame is being read
    this.frames = 0;
    this.listeners = new Set();
    this.last = undefined;
    this.sawSync = false;
  }

  /** Feeds bytes read at monotonic time `t` (ns); calls listeners with each frame completed. */
  push(t, bytes) {
    this.buf += this.decoder.write(bytes);
    for (;;) {
      if (this.open === undefined) {
        const b = this.buf.indexOf(BSU);
        if (b === -1) {
          // Keep a possible partial mark only.
          this.buf = this.buf.slice(-BSU.length);
          return;
        }
        this.sawSync = true;
        this.open = { t };
        this.buf = this.buf.slice(b + BSU.length);
      }
      const e = this.buf.indexOf(ESU);
      if (e === -1) return;
      const raw = this.buf.slice(0, e);
      this.buf = this.buf.slice(e + ESU.length);
      const frame = parseFrame(raw, this.open.t, t, ++this.frames);
      this.open = undefined;
      this.last = frame;
      for (const l of this.listeners) l(frame);
    }
  }

  onFrame(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export function parseFrame(raw, tBegin, tEnd, n) {
  const text = stripAnsi(raw.replace(/\r/g, ''));
  const lines = text.split('\n');
  // The focused pane's tab: "\e[7m...\e[1m... 1 Containers \e[22m\e[27m" on the first line.
  const tab = /\x1b\[7m(?:\x1b\[[0-9;]*m)*\s*(\d)\s+([A-Za-z]+)/.exec(raw);
  // The selected row, and the rows drawn right above and below it (what k and j should select;
  // undefined at the window's edge, where the list scrolls instead).
  let selected;
  let above;
  let below;
  const rowName = (line) => {
    const m = line === undefined ? null : /^│?  (\S+)/.exec(line);
    return m && m[1] !== 'NAME' ? m[1] : undefined;
  };
  const li = lines.findIndex((l) => /^│?› \S/.test(l));
  if (li !== -1) {
    selected = /^│?› (\S+)/.exec(lines[li])[1];
    above = rowName(lines[li - 1]);
    below = rowName(lines[li + 1]);
  }
  const logsMode = /\bfollowing\b/.test(text) ? 'following' : (/scrolled \(line (\d+)\)/.exec(text)?.[0] ?? undefined);
  return {
    n,
    tBegin,
    tEnd,
    raw,
    text,
    lines,
    pane: tab ? Number(tab[1]) : undefined,
    paneName: tab?.[2],
    selected,
    above,
    below,
    logsMode,
  };
}
