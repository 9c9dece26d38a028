// User text inside error messages: messages are one line a user reads, so values are quoted,
// control characters shown escaped, and anything long clipped.

/** `"value"`, escaped and clipped to `max` characters. */
export function q(value: string, max = 60): string {
  const clipped = value.length > max ? `${value.slice(0, max - 3)}...` : value;
  return JSON.stringify(clipped);
}

/** A whole message made safe to print on one line. */
export function oneLine(message: string, max = 400): string {
  // eslint-disable-next-line no-control-regex
  const flat = message.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? ' ' : JSON.stringify(c).slice(1, -1)));
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
