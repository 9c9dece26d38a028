// `kube play` and `kube down` carried out through the facade: the plan (play.ts) becomes the
// "kube" network, named volumes, pods and their containers. A play that fails part-way removes
// what it made (pods, volumes, the network) before its one-line error; `down` removes the pods
// the file names, their emptyDir volumes, the PVC volumes with `force`, and the network once
// nothing is on it.
import { readFileSync } from 'node:fs';
import { EngineError, isEngineError } from '../define.js';
import type { DockuiEngine } from '../facade/api.js';
import { kubeNetwork, parseKubeYaml, planPlay, type PlayPlan } from './play.js';

export interface PlayReport {
  readonly pods: readonly { readonly name: string; readonly containers: readonly string[] }[];
  readonly volumes: readonly string[];
  readonly notes: readonly string[];
}

export interface DownReport {
  readonly pods: readonly string[];
  readonly volumes: readonly string[];
}

function readPlan(file: string, text: string | undefined, publish?: readonly string[]): PlayPlan {
  let body = text;
  if (body === undefined) {
    try {
      body = readFileSync(file, 'utf8');
    } catch (e) {
      throw new EngineError('not_found', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return planPlay(parseKubeYaml(body, file), { file, ...(publish ? { publish } : {}) });
}

const quiet = (e: unknown) => {
  if (!(isEngineError(e) && e.code === 'not_found')) throw e;
};

async function ensureImage(engine: DockuiEngine, ref: string, signal?: AbortSignal): Promise<void> {
  try {
    await engine.images.inspect(ref);
  } catch (e) {
    if (!isEngineError(e) || e.code !== 'not_found') throw e;
    await engine.images.pull(ref, signal ? { signal } : {});
  }
}

async function networkIdle(engine: DockuiEngine): Promise<boolean> {
  const all = await engine.containers.list({ all: true });
  return !all.some((c) => c.networks?.some((n) => n.name === kubeNetwork));
}

export async function play(
  engine: DockuiEngine,
  file: string,
  opts: { text?: string; publish?: readonly string[]; signal?: AbortSignal } = {},
): Promise<PlayReport> {
  const plan = readPlan(file, opts.text, opts.publish);
  const existing = new Set((await engine.pods.list()).map((p) => p.name));
  const clash = plan.pods.find((p) => existing.has(p.name));
  if (clash) throw new EngineError('conflict', `pod ${clash.name} exists already: dockui kube down ${file} first`);
  // Images first: a missing one fails the play before anything is made.
  for (const ref of new Set(plan.pods.flatMap((p) => p.containers.map((c) => c.image)))) await ensureImage(engine, ref, opts.signal);
  const made = { network: false, volumes: [] as string[], pods: [] as string[] };
  try {
    made.network = (await engine.networks.create(kubeNetwork)).created;
    for (const v of [...plan.claims, ...plan.pods.flatMap((p) => p.podVolumes)])
      if ((await engine.volumes.create(v)).created) made.volumes.push(v);
    const pods: PlayReport['pods'][number][] = [];
    for (const p of plan.pods) {
      await engine.pods.create({
        name: p.name,
        hostname: p.hostname,
        publish: p.publish,
        networks: [{ name: kubeNetwork, aliases: p.aliases }],
        labels: p.labels,
        ...p.network,
      });
      made.pods.push(p.name);
      await engine.pods.start(p.name);
      for (const c of p.containers) {
        const rec = await engine.containers.create({ ...c, pod: p.name });
        await engine.containers.start(rec.id);
      }
      pods.push({ name: p.name, containers: p.containers.map((c) => c.name ?? '') });
    }
    return { pods, volumes: made.volumes, notes: plan.notes };
  } catch (e) {
    for (const p of made.pods.reverse()) await engine.pods.remove(p, { force: true }).catch(() => undefined);
    for (const v of made.volumes) await engine.volumes.remove(v).catch(() => undefined);
    if (made.network && (await networkIdle(engine))) await engine.networks.remove(kubeNetwork).catch(() => undefined);
    throw e;
  }
}

export async function down(engine: DockuiEngine, file: string, opts: { text?: string; force?: boolean } = {}): Promise<DownReport> {
  const plan = readPlan(file, opts.text);
  const existing = new Set((await engine.pods.list()).map((p) => p.name));
  const pods: string[] = [];
  for (const p of plan.pods)
    if (existing.has(p.name)) {
      await engine.pods.remove(p.name, { force: true });
      pods.push(p.name);
    }
  const volumes: string[] = [];
  for (const v of [...plan.pods.flatMap((p) => p.podVolumes), ...(opts.force ? plan.claims : [])])
    try {
      await engine.volumes.remove(v);
      volumes.push(v);
    } catch (e) {
      quiet(e);
    }
  if (await networkIdle(engine)) await engine.networks.remove(kubeNetwork).catch(quiet);
  return { pods, volumes };
}
