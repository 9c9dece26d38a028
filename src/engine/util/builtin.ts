// Node built-ins loaded on first use. Some cost more than the command that imports them: node:crypto
// loads its whole family (~3.5 ms), node:child_process with node:net ~3 ms, node:http ~3 ms,
// against ~20 ms of dockui's own start-up. A module that needs one only in some of its functions
// asks for it there, so `dockui images` or `inspect` do not pay for what a pull or a run uses.
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as Dgram from 'node:dgram';
import type * as FsPromises from 'node:fs/promises';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type * as Net from 'node:net';
import type * as Os from 'node:os';
import type * as Readline from 'node:readline';
import type * as Tls from 'node:tls';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

function once<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(name) as T);
}

export const crypto = once<typeof Crypto>('node:crypto');
export const childProcess = once<typeof ChildProcess>('node:child_process');
export const net = once<typeof Net>('node:net');
export const dgram = once<typeof Dgram>('node:dgram');
export const http = once<typeof Http>('node:http');
export const https = once<typeof Https>('node:https');
export const tls = once<typeof Tls>('node:tls');
export const readline = once<typeof Readline>('node:readline');
/** Through util/fsa.ts: see there. */
export const fsPromises = once<typeof FsPromises>('node:fs/promises');
export const os = once<typeof Os>('node:os');
