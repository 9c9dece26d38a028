// The one table of key bindings. The dispatcher, the footer hints and the `?` help overlay are
// all drawn from it, so a binding cannot exist without its help text (`satisfies` below makes a
// missing description a compile error) and the help cannot drift from what the keys do.
import type { Key } from 'ink';

export const paneIds = ['containers', 'images', 'logs', 'build', 'details', 'volumes', 'networks', 'stats', 'layers'] as const;
export type PaneId = (typeof paneIds)[number];

/**
 * Where a binding applies. Panes stack on `list` (movement) and `global`; a modal scope
 * replaces everything under it except `always` (Ctrl-C must quit from anywhere).
 */
export const scopes = ['always', 'global', 'list', ...paneIds, 'confirm', 'form', 'pull', 'help', 'prompt', 'cmdlog', 'output'] as const;
export type Scope = (typeof scopes)[number];
export type ModalScope = 'confirm' | 'form' | 'pull' | 'help' | 'prompt' | 'cmdlog' | 'output';

export interface Binding {
  readonly keys: readonly string[];
  readonly description: string;
  readonly scope: Scope;
  /** Short label for the footer; bindings without one show only in the help overlay. */
  readonly hint?: string;
}

export const keymap = {
  'app.interrupt': { keys: ['C-c'], description: 'quit (containers keep running)', scope: 'always' },
  'app.quit': { keys: ['q'], description: 'quit (containers keep running)', scope: 'global', hint: 'quit' },
  'app.help': { keys: ['?'], description: 'show all keys', scope: 'global', hint: 'help' },
  'app.nextPane': { keys: ['tab'], description: 'next pane', scope: 'global' },
  'app.prevPane': { keys: ['S-tab'], description: 'previous pane', scope: 'global' },
  'app.pane.containers': { keys: ['1'], description: 'Containers pane', scope: 'global' },
  'app.pane.images': { keys: ['2'], description: 'Images pane', scope: 'global' },
  'app.pane.logs': { keys: ['3'], description: 'Logs pane', scope: 'global' },
  'app.pane.build': { keys: ['4'], description: 'Build pane', scope: 'global' },
  'app.pane.details': { keys: ['5'], description: 'Details pane', scope: 'global' },
  'app.pane.volumes': { keys: ['6'], description: 'Volumes pane (list, inspect, remove)', scope: 'global' },
  'app.pane.networks': { keys: ['7'], description: 'Networks pane (list, inspect, remove)', scope: 'global' },
  'app.pane.stats': { keys: ['8'], description: 'Stats pane: graphs, processes, the host line', scope: 'global' },
  'app.pane.layers': { keys: ['9'], description: 'Layers pane: the layer explorer', scope: 'global' },
  'app.pull': { keys: ['p'], description: 'pull an image', scope: 'global', hint: 'pull' },
  'app.build': { keys: ['b'], description: 'build the folder’s Dockerfile', scope: 'global', hint: 'build' },
  'app.watch': { keys: ['w'], description: 'pause/resume watching the folder', scope: 'global' },
  'app.prune': {
    keys: ['X'],
    description: 'prune: stopped containers and dangling images (shows what and how much first)',
    scope: 'global',
  },
  'app.filter': { keys: ['/'], description: 'filter the list (search in Logs)', scope: 'global', hint: 'filter' },
  'app.command': {
    keys: [':'],
    description: 'command mode: jump to any view (:containers, :images, :logs…, Tab completes)',
    scope: 'global',
  },
  'app.commandLog': { keys: ['!'], description: 'command log: the dockui CLI line of every action taken here', scope: 'global' },

  'list.up': { keys: ['up', 'k'], description: 'move up', scope: 'list' },
  'list.down': { keys: ['down', 'j'], description: 'move down', scope: 'list' },
  'list.pageUp': { keys: ['pageup'], description: 'page up', scope: 'list' },
  'list.pageDown': { keys: ['pagedown'], description: 'page down', scope: 'list' },
  'list.top': { keys: ['g', 'home'], description: 'go to the top', scope: 'list' },
  'list.bottom': { keys: ['G', 'end'], description: 'go to the bottom', scope: 'list' },
  'list.details': { keys: ['enter'], description: 'details of the selection', scope: 'list', hint: 'details' },
  'list.clearFilter': { keys: ['escape'], description: 'clear the filter', scope: 'list' },

  'containers.toggle': { keys: ['s'], description: 'start or stop the container', scope: 'containers', hint: 'start/stop' },
  'containers.restart': { keys: ['r'], description: 'restart the container', scope: 'containers', hint: 'restart' },
  'containers.pause': { keys: ['P'], description: 'pause or unpause the container', scope: 'containers' },
  'containers.kill': { keys: ['K'], description: 'kill the container (at once while it is stopping)', scope: 'containers' },
  'containers.mark': {
    keys: ['space'],
    description: 'pick the container for a batch stop or delete (s, d)',
    scope: 'containers',
    hint: 'pick',
  },
  'containers.sort': { keys: ['o'], description: 'sort by state, name, created or image (cycles)', scope: 'containers' },
  'containers.hideStopped': { keys: ['H'], description: 'hide / show stopped containers', scope: 'containers' },
  'containers.delete': { keys: ['d'], description: 'delete the container (asks y/N)', scope: 'containers', hint: 'delete' },
  'containers.logs': { keys: ['l'], description: 'logs of the container', scope: 'containers', hint: 'logs' },
  'containers.exec': { keys: ['e'], description: 'open a shell in the container', scope: 'containers', hint: 'shell' },
  'containers.mergedLogs': {
    keys: ['L'],
    description: 'merged logs of the picked containers, or of the selected one’s Compose project',
    scope: 'containers',
  },
  'containers.fold': {
    keys: ['z'],
    description: 'fold / unfold the Compose project or pod (Enter on its header too)',
    scope: 'containers',
  },
  'containers.up': {
    keys: ['u'],
    description: 'on a project’s or pod’s header: compose up the project, start the pod',
    scope: 'containers',
  },
  'containers.image': { keys: ['i'], description: 'the image of the container (its details)', scope: 'containers' },
  'containers.open': {
    keys: ['O'],
    description: 'open the container’s published port in a browser (prints the URL)',
    scope: 'containers',
  },
  'containers.stats': {
    keys: ['t'],
    description: 'stats of the container: CPU, memory, network and IO graphs, its processes (top)',
    scope: 'containers',
    hint: 'stats',
  },

  'images.run': { keys: ['R'], description: 'run a container from the image', scope: 'images', hint: 'run' },
  'images.delete': { keys: ['d'], description: 'delete the image (asks y/N)', scope: 'images', hint: 'delete' },
  'images.containers': { keys: ['c'], description: 'the containers of the image (Containers, filtered)', scope: 'images' },
  'images.layers': {
    keys: ['L'],
    description: 'explore the image’s layers: files added, modified, removed; wasted space',
    scope: 'images',
    hint: 'layers',
  },

  'build.layers': { keys: ['L'], description: 'explore the layers of the image just built', scope: 'build', hint: 'layers' },

  'volumes.delete': { keys: ['d'], description: 'remove the volume (asks y/N; not while in use)', scope: 'volumes', hint: 'remove' },
  'networks.delete': { keys: ['d'], description: 'remove the network (asks y/N; not while in use)', scope: 'networks', hint: 'remove' },

  'stats.back': { keys: ['escape'], description: 'back to the list', scope: 'stats', hint: 'back' },

  'layers.up': { keys: ['up', 'k'], description: 'the layer above', scope: 'layers', hint: 'layer' },
  'layers.down': { keys: ['down', 'j'], description: 'the layer below', scope: 'layers' },
  'layers.pageUp': { keys: ['pageup'], description: 'scroll the layer’s files up', scope: 'layers' },
  'layers.pageDown': { keys: ['pagedown'], description: 'scroll the layer’s files down', scope: 'layers', hint: 'files' },
  'layers.back': { keys: ['escape'], description: 'back to where it was opened from', scope: 'layers', hint: 'back' },

  'logs.follow': { keys: ['f'], description: 'follow new lines on/off', scope: 'logs', hint: 'follow' },
  'logs.nextMatch': { keys: ['n'], description: 'next search match', scope: 'logs', hint: 'next' },
  'logs.prevMatch': { keys: ['N'], description: 'previous search match', scope: 'logs' },
  'logs.filter': {
    keys: ['&'],
    description: 'show only the lines matching (!text hides them instead, like grep -v)',
    scope: 'logs',
  },
  'logs.invert': { keys: ['v'], description: 'invert the line filter (grep -v)', scope: 'logs' },
  'logs.timestamps': { keys: ['t'], description: 'timestamps on/off', scope: 'logs' },
  'logs.wrap': { keys: ['W'], description: 'wrap long lines on/off', scope: 'logs' },
  'logs.range': { keys: ['T'], description: 'tail / since: how much history to load (200, 10m, all)', scope: 'logs' },

  'details.back': { keys: ['escape'], description: 'back to the list', scope: 'details', hint: 'back' },
  'details.image': { keys: ['i'], description: 'the image of this container', scope: 'details' },
  'details.containers': { keys: ['c'], description: 'the containers of this image (Containers, filtered)', scope: 'details' },

  'confirm.yes': { keys: ['y', 'Y'], description: 'yes, do it', scope: 'confirm', hint: 'yes' },
  'confirm.no': { keys: ['n', 'N', 'enter', 'escape'], description: 'no (the default)', scope: 'confirm', hint: 'no' },

  'form.next': { keys: ['tab', 'down'], description: 'next field', scope: 'form', hint: 'next field' },
  'form.prev': { keys: ['S-tab', 'up'], description: 'previous field', scope: 'form' },
  'form.submit': { keys: ['enter'], description: 'run the container', scope: 'form', hint: 'run' },
  'form.cancel': { keys: ['escape'], description: 'cancel', scope: 'form', hint: 'cancel' },

  'pull.submit': { keys: ['enter'], description: 'pull (close when done)', scope: 'pull', hint: 'pull' },
  'pull.cancel': { keys: ['escape'], description: 'cancel the pull / close', scope: 'pull', hint: 'cancel' },

  'help.close': { keys: ['escape', '?', 'q'], description: 'close the help', scope: 'help', hint: 'close' },
  'help.up': { keys: ['up', 'k', 'pageup'], description: 'scroll the help up', scope: 'help' },
  'help.down': { keys: ['down', 'j', 'pagedown'], description: 'scroll the help down', scope: 'help' },

  'prompt.accept': { keys: ['enter'], description: 'apply', scope: 'prompt', hint: 'apply' },
  'prompt.cancel': { keys: ['escape'], description: 'clear and close', scope: 'prompt', hint: 'cancel' },
  'prompt.complete': { keys: ['tab'], description: 'complete the view’s name (in : command mode)', scope: 'prompt' },

  'cmdlog.close': { keys: ['escape', '!', 'q'], description: 'close the command log', scope: 'cmdlog', hint: 'close' },
  'cmdlog.up': { keys: ['up', 'k', 'pageup'], description: 'scroll the command log up', scope: 'cmdlog' },
  'cmdlog.down': { keys: ['down', 'j', 'pagedown'], description: 'scroll the command log down', scope: 'cmdlog' },

  'output.close': { keys: ['escape', 'enter', 'q'], description: 'close the command’s output', scope: 'output', hint: 'close' },
  'output.up': { keys: ['up', 'k', 'pageup'], description: 'scroll the output up', scope: 'output' },
  'output.down': { keys: ['down', 'j', 'pagedown'], description: 'scroll the output down', scope: 'output' },
} as const satisfies Readonly<Record<string, Binding>>;

export type ActionId = keyof typeof keymap;
export const actionIds = Object.keys(keymap) as ActionId[];

export function binding(id: ActionId): Binding {
  return keymap[id];
}

/**
 * Canonical key name for Ink's (input, key) pair: "q", "G", "C-c", "tab", "S-tab", "up", "enter"...
 * Undefined for input the keymap cannot name (a multi-character paste, say).
 */
export function keyName(input: string, key: Key): string | undefined {
  if (key.tab) return key.shift ? 'S-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  // Ink reports the DEL byte most terminals send for Backspace as `delete`.
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input.length === 1) return `C-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  if (input.length === 1) return input;
  return undefined;
}

/** The scopes active, innermost first, for a focused pane and an open modal. */
export function activeScopes(pane: PaneId, modal: ModalScope | undefined): readonly Scope[] {
  if (modal) return [modal, 'always'];
  const list: readonly Scope[] = pane === 'build' || pane === 'stats' || pane === 'layers' ? [] : ['list'];
  return [pane, ...list, 'global', 'always'];
}

/** A key the user's config file binds to a shell command (feature row 44). */
export interface CustomCommand {
  readonly key: string;
  readonly scope: 'containers' | 'images';
  /** The help's and the footer's text. */
  readonly title: string;
  /** Run with `sh -c`; {id}, {name}, {image} become the selection's, shell-quoted. */
  readonly run: string;
}

// The user's key overrides and commands (tui.yaml, read by src/tui.ts before the first frame).
let keyOverrides: Partial<Record<ActionId, readonly string[]>> = {};
let commands: readonly CustomCommand[] = [];
const byScope = new Map<Scope, Map<string, ActionId>>();
function indexKeys(): void {
  byScope.clear();
  for (const id of actionIds) {
    const b: Binding = keymap[id];
    let m = byScope.get(b.scope);
    if (!m) byScope.set(b.scope, (m = new Map<string, ActionId>()));
    for (const k of keysOf(id)) m.set(k, id);
  }
}

/** An action's keys: the config's, else the table's. */
export function keysOf(id: ActionId): readonly string[] {
  return keyOverrides[id] ?? keymap[id].keys;
}

export function customCommands(): readonly CustomCommand[] {
  return commands;
}

/** The custom command a key runs in a pane, if any. */
export function customCommandFor(name: string | undefined, pane: PaneId): CustomCommand | undefined {
  return name === undefined ? undefined : commands.find((c) => c.key === name && c.scope === pane);
}

/** Installs the config's bindings (validated by tui-config.ts); returns what puts the defaults back. */
export function setUserBindings(b: {
  keys?: Partial<Record<ActionId, readonly string[]>>;
  commands?: readonly CustomCommand[];
}): () => void {
  keyOverrides = b.keys ?? {};
  commands = b.commands ?? [];
  indexKeys();
  return () => setUserBindings({});
}
indexKeys();

/** The action a key triggers in the given scopes (innermost wins), if any. */
export function resolveKey(name: string | undefined, scopesInOrder: readonly Scope[]): ActionId | undefined {
  if (name === undefined) return undefined;
  for (const s of scopesInOrder) {
    const id = byScope.get(s)?.get(name);
    if (id) return id;
  }
  return undefined;
}

const glyphs: Readonly<Record<string, string>> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'S-tab': 'Shift-Tab',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  'C-c': 'Ctrl-C',
  space: 'Space',
};

export function displayKey(k: string): string {
  return glyphs[k] ?? k;
}

export function displayKeys(id: ActionId): string {
  return keysOf(id).map(displayKey).join('/');
}

export interface Hint {
  readonly keys: string;
  readonly label: string;
}

/** Footer hints for the active scopes: innermost scope first, only bindings with a hint. */
export function hintsFor(scopesInOrder: readonly Scope[]): readonly Hint[] {
  const out: Hint[] = [];
  for (const s of scopesInOrder)
    for (const id of actionIds) {
      const b: Binding = keymap[id];
      if (b.scope === s && b.hint !== undefined) out.push({ keys: displayKey(keysOf(id)[0] ?? ''), label: b.hint });
    }
  // The user's commands, after the pane's own keys.
  for (const c of commands) if (scopesInOrder[0] === c.scope) out.push({ keys: displayKey(c.key), label: c.title });
  return out;
}

/** The tab bar's names; a pane's keys are headed by the same name in the help. */
export const paneTitles: Readonly<Record<PaneId, string>> = {
  containers: 'Containers',
  images: 'Images',
  logs: 'Logs',
  build: 'Build',
  details: 'Details',
  volumes: 'Volumes',
  networks: 'Networks',
  stats: 'Stats',
  layers: 'Layers',
};

export const scopeTitles: Readonly<Record<Scope, string>> = {
  always: 'Anywhere',
  global: 'Everywhere but dialogs',
  list: 'Lists',
  ...paneTitles,
  confirm: 'Confirm dialog',
  form: 'Run form',
  pull: 'Pull dialog',
  help: 'Help',
  prompt: 'Filter / search line',
  cmdlog: 'Command log',
  output: 'Command output (commands in tui.yaml)',
};
