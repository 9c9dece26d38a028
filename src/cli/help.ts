// `dockui --help`: docker's top-level help (its layout, its command words), with dockui's own
// additions (the terminal UI, dev) said in the same style. Loaded only for --help.
import { usage, type FlagSpecs } from './args.js';

/** docker 20.10's one-line summaries; a verb docker lacks keeps its own. */
const dockerSummary: Readonly<Record<string, string>> = {
  attach: 'Attach local standard input, output, and error streams to a running container',
  build: 'Build an image from a Dockerfile',
  commit: "Create a new image from a container's changes",
  cp: 'Copy files/folders between a container and the local filesystem',
  create: 'Create a new container',
  diff: "Inspect changes to files or directories on a container's filesystem",
  events: 'Get real time events from the server',
  exec: 'Run a command in a running container',
  export: "Export a container's filesystem as a tar archive",
  history: 'Show the history of an image',
  images: 'List images',
  import: 'Import the contents from a tarball to create a filesystem image',
  info: 'Display system-wide information',
  inspect: 'Return low-level information on Docker objects',
  kill: 'Kill one or more running containers',
  load: 'Load an image from a tar archive or STDIN',
  login: 'Log in to a Docker registry',
  logout: 'Log out from a Docker registry',
  logs: 'Fetch the logs of a container',
  pause: 'Pause all processes within one or more containers',
  port: 'List port mappings or a specific mapping for the container',
  ps: 'List containers',
  pull: 'Pull an image or a repository from a registry',
  push: 'Push an image or a repository to a registry',
  rename: 'Rename a container',
  restart: 'Restart one or more containers',
  rm: 'Remove one or more containers',
  rmi: 'Remove one or more images',
  run: 'Run a command in a new container',
  save: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  search: 'Search the Docker Hub for images',
  start: 'Start one or more stopped containers',
  stats: 'Display a live stream of container(s) resource usage statistics',
  stop: 'Stop one or more running containers',
  tag: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  top: 'Display the running processes of a container',
  unpause: 'Unpause all processes within one or more containers',
  update: 'Update configuration of one or more containers',
  version: 'Show the Docker version information',
  wait: 'Block until one or more containers stop, then print their exit codes',
  // management commands
  builder: 'Manage builds',
  container: 'Manage containers',
  image: 'Manage images',
  manifest: 'Manage Docker image manifests and manifest lists',
  network: 'Manage networks',
  system: 'Manage Docker',
  volume: 'Manage volumes',
  // dockui's own
  compose: 'Run multi-container applications from a Compose file',
  dev: 'Build, run and watch a folder: rebuild and swap (or sync) on every save',
  kube: 'Kubernetes YAML from what runs here, and Kubernetes YAML run here',
  pod: 'Manage pods (containers sharing network, IPC and UTS namespaces)',
};

const management = new Set(['builder', 'container', 'image', 'manifest', 'network', 'system', 'volume']);

function section(title: string, names: readonly string[]): string[] {
  if (!names.length) return [];
  // cobra's template: each name padded to 11 (or the longest name), then one space.
  const width = Math.max(11, ...names.map((n) => n.length));
  return [`${title}:`, ...names.map((n) => `  ${n.padEnd(width)} ${dockerSummary[n] ?? ''}`), ''];
}

export function topHelp(verbs: Readonly<Record<string, string>>, globalFlags: FlagSpecs): string {
  const names = Object.keys(verbs).sort();
  const options = usage('', '', globalFlags).split('\n').slice(2);
  return [
    'Usage:  dockui [OPTIONS] COMMAND',
    '        dockui [OPTIONS] [DIR]     open the terminal UI (on DIR: build, run and watch it)',
    '',
    'A self-sufficient runtime for containers, with no daemon',
    '',
    ...options,
    '',
    ...section(
      'Management Commands',
      names.filter((n) => management.has(n)),
    ),
    ...section(
      'Commands',
      names.filter((n) => !management.has(n)),
    ),
    "Run 'dockui COMMAND --help' for more information on a command.",
    '',
  ].join('\n');
}
