// Credentials as Docker keeps them: ~/.docker/config.json (or $DOCKER_CONFIG/config.json) with
// `auths` (base64 "user:password" in `auth`), `credsStore` and `credHelpers`, the latter two
// through `docker-credential-NAME get|store|erase` helpers speaking JSON on stdin/stdout.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from '../util/fsa.js';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EngineError } from '../define.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** An OAuth2 refresh token (Docker's "identitytoken"), used instead of the password for tokens. */
  readonly identityToken?: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

/** Docker Hub's credentials live under its legacy v1 address. */
const dockerHubKey = 'https://index.docker.io/v1/';

export function configPath(): string {
  // docker's: an empty DOCKER_CONFIG is none.
  const dir = process.env.DOCKER_CONFIG || join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** The key Docker files a registry's credentials under. */
export function configKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' ? dockerHubKey : domain;
}

/** "https://host:5000/v1/" → "host:5000", so keys written by other tools still match. */
function hostOfKey(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//i, '');
  const slash = k.indexOf('/');
  if (slash !== -1) k = k.slice(0, slash);
  return k === 'index.docker.io' || k === 'registry-1.docker.io' ? 'docker.io' : k;
}

export async function readConfig(path = configPath()): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new EngineError('failed_precondition', `cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as DockerConfig;
  } catch (e) {
    throw new EngineError('failed_precondition', `${path} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

async function writeConfig(cfg: DockerConfig, path = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new EngineError('failed_precondition', `cannot write ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function helperFor(cfg: DockerConfig, domain: string): string | undefined {
  for (const [k, v] of Object.entries(cfg.credHelpers ?? {})) if (hostOfKey(k) === domain && v) return v;
  return cfg.credsStore || undefined;
}

/** Runs `docker-credential-NAME ACTION` with `input` on stdin; resolves stdout. */
function runHelper(name: string, action: 'get' | 'store' | 'erase', input: string): Promise<{ code: number; out: string }> {
  if (!/^[\w.-]+$/.test(name)) return Promise.reject(new EngineError('failed_precondition', `bad credential helper name: ${name}`));
  return new Promise((resolve, reject) => {
    const child = process
      .getBuiltinModule('node:child_process')
      .spawn(`docker-credential-${name}`, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      reject(new EngineError('failed_precondition', `credential helper docker-credential-${name} cannot run: ${e.message}`, { cause: e })),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, out: out || err }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

function decodeAuth(auth: string, where: string): { username: string; password: string } {
  const s = Buffer.from(auth, 'base64').toString('utf8');
  const i = s.indexOf(':');
  if (i <= 0) throw new EngineError('failed_precondition', `bad "auth" entry for ${where} in ${configPath()}`);
  return { username: s.slice(0, i), password: s.slice(i + 1) };
}

/** Credentials for a registry domain, or undefined for anonymous access. */
export async function getCredentials(domain: string): Promise<Credentials | undefined> {
  const cfg = await readConfig();
  const helper = helperFor(cfg, domain);
  if (helper) {
    const r = await runHelper(helper, 'get', configKey(domain));
    if (r.code !== 0) {
      if (/not found/i.test(r.out)) return undefined;
      throw new EngineError('failed_precondition', `docker-credential-${helper} get failed: ${r.out.trim().split('\n')[0] ?? ''}`);
    }
    let v: { Username?: unknown; Secret?: unknown };
    try {
      v = JSON.parse(r.out) as typeof v;
    } catch {
      throw new EngineError('failed_precondition', `docker-credential-${helper} get answered something that is not JSON`);
    }
    if (typeof v.Username !== 'string' || typeof v.Secret !== 'string') return undefined;
    // "<token>" as the user name means the secret is an identity token (Docker's convention).
    if (v.Username === '<token>') return { username: '', password: '', identityToken: v.Secret };
    return { username: v.Username, password: v.Secret };
  }
  for (const [k, e] of Object.entries(cfg.auths ?? {})) {
    if (hostOfKey(k) !== domain || !e) continue;
    let up: { username: string; password: string } | undefined;
    if (e.auth) up = decodeAuth(e.auth, k);
    else if (e.username && e.password) up = { username: e.username, password: e.password };
    if (e.identitytoken) return { username: up?.username ?? '', password: up?.password ?? '', identityToken: e.identitytoken };
    if (up) return up;
  }
  return undefined;
}

/** Stores credentials as docker login does: in the helper if one is configured, else in `auths`. */
export async function storeCredentials(domain: string, c: Credentials): Promise<string> {
  const cfg = await readConfig();
  const helper = helperFor(cfg, domain);
  const key = configKey(domain);
  if (helper) {
    const r = await runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: c.username, Secret: c.password }));
    if (r.code !== 0) throw new EngineError('failed_precondition', `docker-credential-${helper} store failed: ${r.out.trim()}`);
    return `docker-credential-${helper}`;
  }
  const auths = (cfg.auths ??= {});
  for (const k of Object.keys(auths)) if (hostOfKey(k) === domain) delete auths[k];
  auths[key] = { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
  await writeConfig(cfg);
  return configPath();
}

/** Removes stored credentials; false when there were none. */
export async function eraseCredentials(domain: string): Promise<boolean> {
  const cfg = await readConfig();
  const helper = helperFor(cfg, domain);
  let found = false;
  if (helper) {
    const r = await runHelper(helper, 'erase', configKey(domain));
    found = r.code === 0;
  }
  const auths = cfg.auths ?? {};
  for (const k of Object.keys(auths))
    if (hostOfKey(k) === domain) {
      delete auths[k];
      found = true;
    }
  if (found && !helper) await writeConfig(cfg);
  else if (found && cfg.auths) await writeConfig(cfg);
  return found;
}
