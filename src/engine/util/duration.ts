// Go's time.ParseDuration, the one parser for Dockerfile HEALTHCHECK flags, Compose durations
// and `run --health-*`: an optional sign, then number+unit pairs ("1m30s", "1.5h", ".5s"), or "0".
// Units: ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h. Written with escapes so the CLI bundle
// stays ASCII (bin/dockui.js reads it as a one-byte string).

const units: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3,
  '\u03bcs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds, rounded; undefined when `text` is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  const re = /(\d+\.?\d*|\.\d+)([a-z\u00b5\u03bc]+)/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    const unit = m ? units[m[2]!] : undefined;
    if (!m || unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    at = re.lastIndex;
  }
  return sign * Math.round(total);
}
