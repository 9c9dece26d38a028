// The verb modules, each loaded on first use: `import('./verbs/' + name)` would do the same,
// but a literal import per module lets the bundler (scripts/bundle-cli.mjs) see each one and put
// it in the bundle file it belongs to (the small commands' file or the rest).
import type { Verb } from './context.js';

type VerbModule = { verb: Verb | ((name: string) => Verb) };

const loaders: Readonly<Record<string, () => Promise<VerbModule>>> = {
  attach: () => import('./verbs/attach.js'),
  build: () => import('./verbs/build.js'),
  builder: () => import('./verbs/builder.js'),
  commit: () => import('./verbs/commit.js'),
  compose: () => import('./verbs/compose.js'),
  container: () => import('./verbs/container.js'),
  cp: () => import('./verbs/cp.js'),
  dev: () => import('./verbs/dev.js'),
  diff: () => import('./verbs/diff.js'),
  events: () => import('./verbs/events.js'),
  export: () => import('./verbs/export.js'),
  history: () => import('./verbs/history.js'),
  image: () => import('./verbs/image.js'),
  images: () => import('./verbs/images.js'),
  import: () => import('./verbs/import.js'),
  info: () => import('./verbs/info.js'),
  inspect: () => import('./verbs/inspect.js'),
  kube: () => import('./verbs/kube.js'),
  load: () => import('./verbs/load.js'),
  login: () => import('./verbs/login.js'),
  logout: () => import('./verbs/logout.js'),
  manifest: () => import('./verbs/manifest.js'),
  network: () => import('./verbs/network.js'),
  pod: () => import('./verbs/pod.js'),
  port: () => import('./verbs/port.js'),
  ps: () => import('./verbs/ps.js'),
  pull: () => import('./verbs/pull.js'),
  push: () => import('./verbs/push.js'),
  rmi: () => import('./verbs/rmi.js'),
  save: () => import('./verbs/save.js'),
  search: () => import('./verbs/search.js'),
  system: () => import('./verbs/system.js'),
  tag: () => import('./verbs/tag.js'),
  update: () => import('./verbs/update.js'),
  version: () => import('./verbs/version.js'),
  volume: () => import('./verbs/volume.js'),
};

/** The module named in invocation.ts's `verbs` table; undefined for a name it does not know. */
export function loadVerbModule(name: string): Promise<VerbModule> | undefined {
  return Object.hasOwn(loaders, name) ? loaders[name]!() : undefined;
}
