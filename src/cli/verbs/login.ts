import { createInterface } from 'node:readline';
import { EngineError } from '../../engine/define.js';
import { type CliContext, defineVerb } from '../context.js';

/** "https://host:5000/v2/" → "host:5000"; Docker Hub's aliases → "docker.io". */
export function registryDomain(input: string | undefined): string {
  if (input === undefined || input === '') return 'docker.io';
  const host = input.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::\d+)?$/.test(host))
    throw new EngineError('invalid_argument', `invalid registry address: ${input}`);
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host) ? 'docker.io' : host;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const c of stream as AsyncIterable<Buffer | string>) s += c.toString();
  return s;
}

/** Asks on the terminal; the password is not echoed. */
async function prompt(ctx: CliContext, question: string, secret: boolean): Promise<string> {
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr.stream, terminal: true });
  if (secret) {
    // Echo nothing while the password is typed.
    const out = rl as unknown as { _writeToOutput?: (s: string) => void };
    out._writeToOutput = (s: string) => {
      if (s.includes(question)) ctx.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(new EngineError('canceled', 'canceled'));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      rl.question(question, (a) => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve(a);
      });
    });
  } finally {
    if (secret) ctx.stderr.write('\n');
    rl.close();
  }
}

export const verb = defineVerb({
  name: 'login',
  synopsis: '[OPTIONS] [SERVER]',
  summary: 'Log in to a registry (credentials go to ~/.docker/config.json, as with docker)',
  flags: {
    username: { short: 'u', value: true, help: 'Username' },
    password: { short: 'p', value: true, help: 'Password' },
    'password-stdin': { help: 'Take the password from stdin' },
  },
  async run(ctx, { flags, positionals }) {
    if (positionals.length > 1) throw new EngineError('invalid_argument', `'dockui login' takes at most one server`);
    const domain = registryDomain(positionals[0]);
    if (flags.password !== undefined && flags['password-stdin'])
      throw new EngineError('invalid_argument', '--password and --password-stdin are mutually exclusive');
    let username = flags.username;
    let password = flags.password;
    if (flags['password-stdin']) {
      if (!username) throw new EngineError('invalid_argument', 'must provide --username with --password-stdin');
      password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
    } else if (password !== undefined) {
      ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    const interactive = ctx.stdin.isTTY === true;
    if (!username) {
      if (!interactive) throw new EngineError('invalid_argument', 'no user name: pass -u USER (not on a terminal)');
      username = (await prompt(ctx, 'Username: ', false)).trim();
    }
    if (password === undefined) {
      if (!interactive) throw new EngineError('invalid_argument', 'no password: pass --password-stdin (not on a terminal)');
      password = await prompt(ctx, 'Password: ', true);
    }
    if (!username || !password) throw new EngineError('invalid_argument', 'user name and password must not be empty');
    const creds = { username, password };
    const { storedIn: where } = await ctx.engine.registry.login(domain, creds, { signal: ctx.signal });
    if (ctx.global.debug) ctx.stderr.write(`credentials stored in ${where}\n`);
    ctx.stdout.write('Login Succeeded\n');
    return 0;
  },
});
