// The engine's asynchronous file calls: node:fs/promises' signatures over node:fs's callback
// functions. Loading node:fs/promises costs a small command more than its own work (~1.5 ms: it
// brings the readline interface, fs watchers, directory handles and a string decoder along, for
// FileHandle.readLines and fs.watch), and `dockui ps`, `images` or `inspect` need none of that.
// node:fs is loaded with Node itself. Calls that hand out a FileHandle (open) load
// node:fs/promises when first used: a pull or a build opens files, a listing does not.
import * as fs from 'node:fs';
import type * as Fsp from 'node:fs/promises';
import { fsPromises } from './builtin.js';

type Callback = (e: NodeJS.ErrnoException | null, value?: unknown) => void;

/** fs.NAME(...args, callback) as a promise, typed as node:fs/promises' NAME. */
function promised<K extends Extract<keyof typeof Fsp, keyof typeof fs>>(name: K): (typeof Fsp)[K] {
  const call = fs[name] as unknown as (...args: unknown[]) => void;
  // Trailing undefined arguments are dropped: fs.rm(path, undefined, cb) would take undefined
  // for the callback's place in some of Node's argument shuffles.
  return ((...args: unknown[]) =>
    new Promise((resolve, reject) => {
      while (args.length && args[args.length - 1] === undefined) args.pop();
      call(...args, ((e, value) => (e ? reject(e) : resolve(value))) satisfies Callback);
    })) as unknown as (typeof Fsp)[K];
}

export const readFile = promised('readFile');
export const writeFile = promised('writeFile');
export const readdir = promised('readdir');
export const mkdir = promised('mkdir');
export const mkdtemp = promised('mkdtemp');
export const rm = promised('rm');
export const rmdir = promised('rmdir');
export const unlink = promised('unlink');
export const rename = promised('rename');
export const stat = promised('stat');
export const lstat = promised('lstat');
export const readlink = promised('readlink');
export const realpath = promised('realpath');
export const symlink = promised('symlink');
export const link = promised('link');
export const chmod = promised('chmod');
export const lchown = promised('lchown');
export const utimes = promised('utimes');
export const copyFile = promised('copyFile');

/** A FileHandle: node:fs/promises itself, loaded on the first open. */
export const open: typeof Fsp.open = (...args) => fsPromises().open(...args);
export type FileHandle = Fsp.FileHandle;
