// What `kube generate` is asked about, as workloads: named containers (one workload each), or a
// Compose project's containers grouped by service (its replicas one Deployment). The facade
// hands in the records and a way to read an image's exposed ports; this reads the project's
// Compose files again (their paths are in the containers' labels) only for what the resolved
// model merges away: which variables came from env_file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { EngineError } from '../define.js';
import { parseDotEnv } from '../compose/interpolate.js';
import { L } from '../compose/run-options.js';
import type { ContainerRecord } from '../runtime/records.js';
import { parseReference } from '../util/reference.js';
import type { Workload } from './generate.js';
import type { FileContent, FileItem } from './file-volumes.js';

export interface WorkloadSources {
  /** Every container record (all states). */
  list(): Promise<readonly ContainerRecord[]>;
  /** An image's Config.ExposedPorts keys ("80/tcp"); empty when the image is gone. */
  exposed(imageRef: string): Promise<string[]>;
}

/** The name a manifest gives an image: docker's familiar form ("busybox:static", "127.0.0.1:5000/x:1"). */
export function imageName(ref: string): string {
  try {
    return parseReference(ref).familiar();
  } catch {
    return ref;
  }
}

/** KEY=VALUE of the service's env_file entries, read from the project's files; empty when unreadable. */
function envFileVars(rec: ContainerRecord, service: string): Record<string, string> {
  const files = (rec.labels[L.configFiles] ?? '').split(',').filter(Boolean);
  const dir = rec.labels[L.workingDir] ?? '/';
  const out: Record<string, string> = {};
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    const svc = (doc as { services?: Record<string, { env_file?: unknown }> } | null)?.services?.[service];
    const list = svc?.env_file === undefined ? [] : Array.isArray(svc.env_file) ? (svc.env_file as unknown[]) : [svc.env_file];
    for (const e of list) {
      const p = typeof e === 'string' ? e : (e as { path?: unknown } | null)?.path;
      if (typeof p !== 'string') continue;
      try {
        const r = parseDotEnv(readFileSync(isAbsolute(p) ? p : resolve(dir, p), 'utf8'), (n) => process.env[n]);
        for (const [k, v] of r.vars) out[k] = v;
      } catch {
        // a missing optional file: nothing from it
      }
    }
  }
  return out;
}

function readItem(path: string): FileItem {
  return { data: readFileSync(path), mode: statSync(path).mode & 0o7777 };
}

/** The content of the records' file mounts (secrets, configs), by source path; unreadable ones left out. */
export function fileContents(recs: readonly ContainerRecord[]): Map<string, FileContent> {
  const out = new Map<string, FileContent>();
  for (const m of recs.flatMap((r) => r.mounts))
    if (m.file && !out.has(m.source))
      try {
        const st = statSync(m.source);
        if (st.isFile()) out.set(m.source, { file: readItem(m.source), uid: st.uid, gid: st.gid });
        else {
          const dir = new Map<string, FileItem>();
          for (const e of readdirSync(m.source, { recursive: true, withFileTypes: true }))
            if (e.isFile()) {
              const full = join(e.parentPath ?? e.path, e.name);
              dir.set(relative(m.source, full), readItem(full));
            }
          out.set(m.source, { dir, uid: st.uid, gid: st.gid });
        }
      } catch {
        // gone or unreadable: generate falls back to a hostPath and says so
      }
  return out;
}

export async function containerWorkloads(src: WorkloadSources, recs: readonly ContainerRecord[]): Promise<Workload[]> {
  return Promise.all(
    recs.map(async (r) => ({
      name: r.name,
      containers: [r],
      exposed: await src.exposed(r.image),
      image: imageName(r.image),
      files: fileContents([r]),
    })),
  );
}

/** A pod: one workload named after it, its infra container (ports, hostname) and its members. */
export async function podWorkload(
  src: WorkloadSources,
  pod: { name: string; infra: ContainerRecord; members: readonly ContainerRecord[] },
): Promise<Workload> {
  if (!pod.members.length) throw new EngineError('failed_precondition', `pod ${pod.name} has no containers to generate`);
  return {
    name: pod.name,
    containers: [pod.infra],
    exposed: [],
    image: imageName(pod.members[0]!.image),
    members: await Promise.all(pod.members.map(async (r) => ({ rec: r, image: imageName(r.image), exposed: await src.exposed(r.image) }))),
    files: fileContents(pod.members),
  };
}

/** A Compose project's services (one-off `run` containers left out), in name order. */
export async function composeWorkloads(src: WorkloadSources, project: string): Promise<Workload[]> {
  const recs = (await src.list()).filter((r) => r.labels[L.project] === project && r.labels[L.oneoff] !== 'True');
  if (!recs.length) throw new EngineError('not_found', `no containers of Compose project ${project}`);
  const bySvc = new Map<string, ContainerRecord[]>();
  for (const r of recs) {
    const svc = r.labels[L.service] ?? r.name;
    bySvc.set(svc, [...(bySvc.get(svc) ?? []), r]);
  }
  const out: Workload[] = [];
  for (const svc of [...bySvc.keys()].sort()) {
    const list = bySvc.get(svc)!.sort((a, b) => Number(a.labels[L.number] ?? 0) - Number(b.labels[L.number] ?? 0));
    const first = list[0]!;
    out.push({
      name: svc,
      containers: list,
      exposed: await src.exposed(first.image),
      image: imageName(first.image),
      envFile: envFileVars(first, svc),
      files: fileContents([first]),
    });
  }
  return out;
}
