// Plumbing of the Engine API server: capped bodies, JSON replies, Docker's error bodies and
// status codes, query parsing. No engine here beyond its error type.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEngineError, type ErrorCode } from '../engine/define.js';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';
/** JSON bodies (create, exec, update…) are small; anything larger is refused, not buffered. */
export const MAX_JSON_BODY = 1024 * 1024;

/** An error with the HTTP status it answers with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const statusOf: Readonly<Record<ErrorCode, number>> = {
  not_found: 404,
  already_exists: 409,
  invalid_argument: 400,
  failed_precondition: 409,
  conflict: 409,
  unavailable: 503,
  canceled: 500,
  unauthorized: 401,
  internal: 500,
};

/** Status and one-line message for anything thrown by a handler. */
export function errorReply(e: unknown): { status: number; message: string } {
  if (e instanceof HttpError) return { status: e.status, message: e.message };
  // Docker's words, which clients match (docker-py tells a missing image by "No such image").
  if (isEngineError(e)) return { status: statusOf[e.code], message: e.message.replace(/^no such (image|container):/, 'No such $1:') };
  const msg = e instanceof Error ? e.message : String(e);
  return { status: 500, message: `internal error (a bug in dockui): ${msg.split('\n')[0] ?? ''}` };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) + 1 });
  res.end(`${text}\n`);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const { status, message } = errorReply(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message });
}

export function noContent(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

/** Bytes of a refused body read and thrown away (so the client reads the 413) before the connection is cut. */
const MAX_DISCARD = 256 * 1024 * 1024;

/**
 * The request body, refused (413) past `max` bytes: the rest is read and dropped, never kept
 * (past MAX_DISCARD the connection is cut), so that the client, still sending, gets the reply.
 */
export function readBody(req: IncomingMessage, max = MAX_JSON_BODY): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    req.on('error', () => undefined);
    return Promise.reject(new HttpError(413, `request body too large (${declared} bytes; at most ${max})`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (refused) {
        if (n > max + MAX_DISCARD) req.destroy();
        return;
      }
      if (n > max) {
        refused = true;
        chunks.length = 0;
        reject(new HttpError(413, `request body too large (more than ${max} bytes)`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!refused) reject(e);
    });
  });
}

/** The JSON object of the body; an empty body is `{}`; anything else is a 400 with one line. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `invalid JSON body: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'invalid JSON body: expected an object');
  return v as Record<string, unknown>;
}

/** Docker's boolean query values: 1/true/True set, 0/false/empty not. */
export function qBool(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  return !['', '0', 'false', 'False', 'no'].includes(v);
}

export function qInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `invalid value for ${name}: ${JSON.stringify(v)}`);
  return n;
}

/** `filters={"label":["a=b"],"status":{"running":true}}` → name → values. */
export function qFilters(q: URLSearchParams): Map<string, string[]> {
  const raw = q.get('filters');
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new HttpError(400, `invalid filters: ${raw.slice(0, 200)}`);
  }
  if (typeof v !== 'object' || v === null) throw new HttpError(400, 'invalid filters: expected an object');
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (Array.isArray(val)) out.set(k, val.map(String));
    else if (typeof val === 'object' && val !== null)
      out.set(
        k,
        Object.entries(val as Record<string, unknown>)
          .filter(([, on]) => on === true || on === 'true')
          .map(([x]) => x),
      );
    else throw new HttpError(400, `invalid filters: ${k}`);
  }
  return out;
}

/** A field of a parsed JSON body, checked for its type (400 otherwise). */
export function field<T extends 'string' | 'boolean' | 'number' | 'object'>(
  o: Record<string, unknown> | undefined,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'boolean' ? boolean : T extends 'number' ? number : Record<string, unknown>) | undefined {
  const v = o?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type || (type === 'object' && Array.isArray(v))) throw new HttpError(400, `invalid ${name}: expected a ${type}`);
  return v as never;
}

export function strings(o: Record<string, unknown> | undefined, name: string): string[] | undefined {
  const v = o?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new HttpError(400, `invalid ${name}: expected a list of strings`);
  return v;
}
