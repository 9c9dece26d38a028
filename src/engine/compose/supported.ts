// The Compose keys dockui carries out. The schema knows many more; a key it accepts that dockui
// does not do is an error naming file:line (never silently ignored). `true`: any value;
// a nested object: the keys allowed inside (for a map of names, under "*").
import type { ModelPath } from './yaml-read.js';

type Allowed = true | { readonly [key: string]: Allowed };

const healthcheck: Allowed = {
  test: true,
  interval: true,
  timeout: true,
  retries: true,
  start_period: true,
  start_interval: true,
  disable: true,
};
const service: Allowed = {
  image: true,
  build: { context: true, dockerfile: true, args: true, target: true, labels: true },
  command: true,
  entrypoint: true,
  environment: true,
  env_file: true,
  ports: true,
  expose: true,
  volumes: true,
  tmpfs: true,
  networks: { '*': { aliases: true } },
  depends_on: { '*': { condition: true, required: true, restart: true } },
  container_name: true,
  hostname: true,
  working_dir: true,
  user: true,
  labels: true,
  healthcheck,
  restart: true,
  profiles: true,
  init: true,
  read_only: true,
  stop_signal: true,
  stop_grace_period: true,
  cap_add: true,
  cap_drop: true,
  privileged: true,
  tty: true,
  stdin_open: true,
  mem_limit: true,
  cpus: true,
  pids_limit: true,
  pull_policy: true,
  scale: true,
  deploy: { replicas: true, resources: { limits: { cpus: true, memory: true, pids: true } } },
  extra_hosts: true,
  dns: true,
  dns_search: true,
  dns_opt: true,
  ulimits: true,
  sysctls: true,
  develop: true,
  secrets: true,
  configs: true,
};

const top: Allowed = {
  name: true,
  version: true,
  services: { '*': service },
  networks: { '*': { driver: true, internal: true, labels: true, name: true } },
  volumes: { '*': { driver: true, labels: true, name: true, external: true } },
  // `external` is refused with its own words (normalize: Swarm-only).
  secrets: { '*': { name: true, file: true, environment: true, external: true } },
  configs: { '*': { name: true, file: true, environment: true, content: true, external: true } },
};

/** Paths of keys the file uses that dockui does not support (x-* extensions are allowed anywhere). */
export function unsupportedKeys(value: unknown): ModelPath[] {
  const out: ModelPath[] = [];
  const walk = (v: unknown, allowed: Allowed, path: (string | number)[]) => {
    if (allowed === true || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, sub] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith('x-')) continue;
      const next = allowed[k] ?? allowed['*'];
      if (next === undefined) out.push([...path, k]);
      // A list of network names / dependency names is fine: their allowed maps apply to map forms.
      else walk(sub, next, [...path, k]);
    }
  };
  walk(value, top, []);
  return out;
}
