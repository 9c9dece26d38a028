// dockerode (npm, the library most Node tools use) driving `dockui system service`: list,
// create, start, wait, logs (its demuxer reads the 8-byte-header stream), follow, remove.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { registry } from '../helpers/env.js';
import { cleanupService, startService, type TestService } from './service.js';

// dockerode ships no types: the few calls used here, typed by hand.
interface DContainer {
  readonly id: string;
  start(): Promise<unknown>;
  wait(): Promise<{ StatusCode: number }>;
  logs(o: { stdout: boolean; stderr: boolean; follow: true }): Promise<Readable>;
  logs(o: { stdout: boolean; stderr: boolean; follow?: false }): Promise<Buffer>;
  inspect(): Promise<{ State: { Status: string; ExitCode: number }; Config: { Labels: Record<string, string> } }>;
  remove(o?: { force?: boolean }): Promise<unknown>;
}
interface Dockerode {
  ping(): Promise<Buffer>;
  version(): Promise<{ ApiVersion: string }>;
  listContainers(o?: { all?: boolean; filters?: string }): Promise<{ Id: string; Names: string[]; State: string }[]>;
  listImages(): Promise<{ RepoTags: string[] }[]>;
  createContainer(o: Record<string, unknown>): Promise<DContainer>;
  getContainer(id: string): DContainer;
  pull(ref: string): Promise<Readable>;
  modem: {
    demuxStream(s: Readable, out: NodeJS.WritableStream, err: NodeJS.WritableStream): void;
    followProgress(s: Readable, done: (err: Error | null, out: unknown[]) => void): void;
  };
}
const Docker = createRequire(import.meta.url)('dockerode') as new (o: { socketPath: string }) => Dockerode;

/** Docker's multiplexed stream, split by hand (the format dockerode's demuxer expects). */
function demux(b: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  for (let i = 0; i + 8 <= b.length; ) {
    const n = b.readUInt32BE(i + 4);
    const text = b.subarray(i + 8, i + 8 + n).toString();
    if (b[i] === 1) out.stdout += text;
    else out.stderr += text;
    i += 8 + n;
  }
  return out;
}

describe('dockerode through dockui system service', () => {
  let s: TestService;
  let docker: Dockerode;
  let image: string;

  before(async () => {
    s = await startService();
    docker = new Docker({ socketPath: s.socket });
    image = `${registry()}/fixture/busybox:latest`;
  });
  after(async () => {
    if (s) await cleanupService(s);
  });

  it('pings, reads the version and pulls with JSON progress', async () => {
    assert.equal((await docker.ping()).toString(), 'OK');
    assert.equal((await docker.version()).ApiVersion, '1.41');
    const stream = await docker.pull(image);
    const events = await new Promise<unknown[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out))),
    );
    const last = events[events.length - 1] as { status?: string };
    assert.match(last.status ?? '', /^Status: (Downloaded newer image|Image is up to date) for /);
    assert.ok((await docker.listImages()).some((i) => i.RepoTags.includes(image)));
  });

  it('creates, starts, waits, reads the multiplexed logs and removes', async () => {
    const c = await docker.createContainer({
      Image: image,
      name: 'api16-node',
      Cmd: ['sh', '-c', 'echo one; echo two >&2; echo three; exit 9'],
      Labels: { api16: 'dockerode' },
    });
    assert.match(c.id, /^[0-9a-f]{64}$/);
    const listed = await docker.listContainers({ all: true, filters: JSON.stringify({ label: ['api16=dockerode'] }) });
    assert.deepEqual(
      listed.map((x) => [x.Names[0], x.State]),
      [['/api16-node', 'created']],
    );
    await c.start();
    assert.equal((await c.wait()).StatusCode, 9);
    const raw = await c.logs({ stdout: true, stderr: true });
    assert.deepEqual(demux(raw), { stdout: 'one\nthree\n', stderr: 'two\n' });
    // dockerode's own demuxer on a followed stream.
    const stream = await c.logs({ stdout: true, stderr: true, follow: true });
    const out = new PassThrough();
    const err = new PassThrough();
    let o = '';
    let e = '';
    out.on('data', (d: Buffer) => (o += d.toString()));
    err.on('data', (d: Buffer) => (e += d.toString()));
    docker.modem.demuxStream(stream, out, err);
    await new Promise((r) => stream.on('end', r));
    assert.equal(o, 'one\nthree\n');
    assert.equal(e, 'two\n');
    const info = await c.inspect();
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 9);
    assert.equal(info.Config.Labels.api16, 'dockerode');
    await c.remove();
    await assert.rejects(docker.getContainer('api16-node').inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('follows the logs of a running container until it exits', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.2; done'] });
    await c.start();
    const stream = await c.logs({ stdout: true, stderr: true, follow: true });
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    await new Promise((r) => stream.on('end', r));
    assert.equal(demux(Buffer.concat(chunks)).stdout, 'tick 1\ntick 2\ntick 3\n');
    await c.remove({ force: true });
  });
});
