// Go's text/tabwriter column algorithm, as docker's tables use it: tabwriter.NewWriter(out,
// 10, 1, 3, ' ', 0). A tab ends a cell; the text after a line's last tab is not aligned. A
// column block is a run of adjacent lines that have a cell in that column; its width is the
// widest cell plus the padding, at least the minimum width.

export interface TabOptions {
  readonly minwidth: number;
  readonly padding: number;
}

export const dockerTable: TabOptions = { minwidth: 10, padding: 3 };

export function tabwrite(text: string, opts: TabOptions = dockerTable): string {
  const endsNl = text.endsWith('\n');
  const lines = (endsNl ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  if (text === '') return '';
  const width = (s: string) => [...s].length;
  const widths: number[] = [];
  let out = '';

  const writeLines = (l0: number, l1: number) => {
    for (let i = l0; i < l1; i++) {
      const line = lines[i]!;
      line.forEach((c, j) => {
        out += c;
        if (j < widths.length && j < line.length - 1) out += ' '.repeat(Math.max(widths[j]! - width(c), 0));
      });
      if (i < lines.length - 1 || endsNl) out += '\n';
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let w = opts.minwidth;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]!) + opts.padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out;
}
