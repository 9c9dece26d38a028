// Streams of the Engine API: the multiplexed stdout/stderr format (8-byte headers), logs, and
// attach over hijacked connections (Upgrade: tcp), all through the facade; exec's are execs.ts's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DockuiEngine, LogLineReport } from '../engine/index.js';
import { HttpError, qBool, qInt } from './http.js';
import type { Sessions } from './sessions.js';

/** One frame of Docker's multiplexed stream: stream id (1 stdout, 2 stderr), 3 zero bytes, size (BE32). */
export function frame(stream: 'stdout' | 'stderr', data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream === 'stdout' ? 1 : 2;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

const RAW = 'application/vnd.docker.raw-stream';

/** Where a stream goes: a plain HTTP response, or a hijacked socket after its 101. */
export interface Sink {
  write(b: Buffer): boolean;
  end(): void;
  readonly closed: AbortSignal;
}

export function responseSink(res: ServerResponse): Sink {
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  res.writeHead(200, { 'Content-Type': RAW });
  res.flushHeaders();
  return { write: (b) => res.write(b), end: () => res.end(), closed: ac.signal };
}

const headerLines = (extra: Record<string, string>) =>
  Object.entries(extra)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');

/**
 * A stream on a request that asked for no upgrade, as dockerd answers one (it hijacks the
 * connection all the same): "200 OK", Content-Type and `extra` only — no Date, no
 * Transfer-Encoding (the bytes as they come, not chunked), no Connection, no keep-alive — and
 * the connection closed when the stream ends.
 */
export function plainStreamSink(res: ServerResponse, extra: Record<string, string> = {}): Sink {
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  res.sendDate = false;
  // Removed before the head goes out: Node then sends none of them and ends the body by closing.
  for (const h of ['Connection', 'Transfer-Encoding', 'Content-Length']) res.removeHeader(h);
  res.writeHead(200, { 'Content-Type': RAW, ...extra });
  res.flushHeaders();
  return { write: (b) => res.write(b), end: () => res.end(), closed: ac.signal };
}

/** Answers an upgrade (or a plain hijack) and hands the raw socket over; `extra` headers follow dockerd's. */
export function hijack(req: IncomingMessage, socket: Duplex, extra: Record<string, string> = {}): Sink & { socket: Duplex } {
  const ac = new AbortController();
  socket.on('close', () => ac.abort());
  socket.on('error', () => ac.abort());
  const upgrade = /upgrade/i.test(String(req.headers.connection ?? '')) && req.headers.upgrade !== undefined;
  socket.write(
    upgrade
      ? `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${RAW}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${headerLines(extra)}\r\n`
      : `HTTP/1.1 200 OK\r\nContent-Type: ${RAW}\r\n${headerLines(extra)}\r\n`,
  );
  return {
    socket,
    write: (b) => socket.write(b),
    end: () => socket.end(),
    closed: ac.signal,
  };
}

function lineBytes(l: LogLineReport, timestamps: boolean): Buffer {
  return Buffer.from(`${timestamps ? `${l.time} ` : ''}${l.text}${l.partial ? '' : '\n'}`);
}

/** Copies log lines to the sink, framed unless the container has a TTY. */
async function pump(
  lines: AsyncIterable<LogLineReport>,
  sink: Sink,
  o: { tty: boolean; stdout: boolean; stderr: boolean; timestamps: boolean },
) {
  for await (const l of lines) {
    if (sink.closed.aborted) return;
    if (l.stream === 'stdout' ? !o.stdout : !o.stderr) continue;
    const b = lineBytes(l, o.timestamps);
    sink.write(o.tty ? b : frame(l.stream, b));
  }
}

/** GET /containers/{id}/logs */
export async function logs(engine: DockuiEngine, id: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const c = await engine.containers.find(id);
  const stdout = qBool(q, 'stdout');
  const stderr = qBool(q, 'stderr');
  if (!stdout && !stderr) throw new HttpError(400, 'you must choose at least one stream');
  const tailRaw = q.get('tail');
  const tail = tailRaw === null || tailRaw === 'all' ? undefined : qInt(q, 'tail');
  const since = q.get('since');
  const until = q.get('until');
  // Opened before the headers go out, so that a refusal (an attached run) is still an error reply.
  const lines = engine.containers.logs(c.id, {
    follow: qBool(q, 'follow'),
    ...(tail !== undefined ? { tail } : {}),
    ...(since && since !== '0' ? { since } : {}),
    ...(until && until !== '0' ? { until } : {}),
    ...(qBool(q, 'details') ? { details: true } : {}),
  });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  const sink = responseSink(res);
  const rest: AsyncIterable<LogLineReport> = { [Symbol.asyncIterator]: () => it };
  async function* all(): AsyncGenerator<LogLineReport> {
    if (!first.done) yield first.value;
    yield* rest;
  }
  sink.closed.addEventListener('abort', () => void it.return?.());
  await pump(all(), sink, { tty: c.tty, stdout, stderr, timestamps: qBool(q, 'timestamps') });
  sink.end();
}

/**
 * POST /containers/{id}/attach: the container's output from now on (from its start when it has
 * not started yet), until it exits. Output comes from its log (conmon keeps it); conmon runs
 * detached containers without stdin, so an attach with stdin is only for a container not yet
 * started (docker run -i), which then runs attached to the connection (sessions.ts).
 */
export async function attach(
  engine: DockuiEngine,
  id: string,
  q: URLSearchParams,
  open: () => Sink & { socket?: Duplex },
  sessions: Sessions,
): Promise<void> {
  const c = await engine.containers.find(id);
  const stdout = qBool(q, 'stdout');
  const stderr = qBool(q, 'stderr');
  const stream = qBool(q, 'stream', true);
  // docker run -i / -it: the container will run attached to this connection (sessions.ts).
  if (stream && qBool(q, 'stdin') && c.state === 'created' && c.interactive)
    return sessions.wait(c.id, open(), { tty: c.tty, stdout, stderr });
  const sink = open();
  if (!stream) return sink.end();
  let fromStart = c.state === 'created';
  // Attached before `start` (docker run): follow once it runs, from its first line.
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    if (sink.closed.aborted) return;
    const now = await engine.containers.find(c.id).catch(() => undefined);
    if (!now) return sink.end();
    if (now.state !== 'created') {
      if (now.startedAt !== c.startedAt) fromStart = true;
      break;
    }
    fromStart = true;
    await new Promise((r) => setTimeout(r, delay));
  }
  const ac = new AbortController();
  sink.closed.addEventListener('abort', () => ac.abort());
  try {
    await pump(engine.containers.logs(c.id, { follow: true, ...(fromStart ? {} : { tail: 0 }), signal: ac.signal }), sink, {
      tty: c.tty,
      stdout,
      stderr,
      timestamps: false,
    });
  } catch {
    // the container went away (auto-removed) while we followed it: its output ends here
  }
  sink.end();
}
