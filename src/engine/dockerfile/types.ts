// The Dockerfile AST in its two layers (BuildKit's split):
//   1. `Node`: one per instruction, straight from the text, with its source range and the
//      words its argument grammar yields (nothing expanded, quotes kept where BuildKit keeps them).
//   2. `Instruction`: a discriminated union on `kind`, grouped into `Stage`s. This is the stable
//      shape the builder, the TUI and the tests consume. Values are still unexpanded: the builder
//      runs `expandInstruction` per step with the env it has at that point.
import type { SourceRange } from '../define.js';

export type { SourceRange } from '../define.js';

export interface Directives {
  /** `# escape=` — the escape and line-continuation character. */
  readonly escape: '\\' | '`';
  readonly syntax?: string;
  readonly check?: string;
}

export interface Heredoc {
  /** Delimiter with quotes removed (`EOF` for `<<"EOF"`). */
  readonly name: string;
  /** Body exactly as written, every line with its newline; `<<-` tab stripping not applied here. */
  readonly content: string;
  /** False when the delimiter was quoted: the body is then taken literally. */
  readonly expand: boolean;
  /** `<<-`: leading tabs are stripped from the body and the terminator. */
  readonly chomp: boolean;
  /** `3<<EOF` → 3; undefined when no descriptor was written. */
  readonly fd?: number;
}

export interface Node {
  /** Instruction keyword, lower-case (`run`). */
  readonly keyword: string;
  /** Flags as written before the arguments (`--mount=type=cache,target=/x`), quotes resolved. */
  readonly flags: readonly string[];
  /**
   * Arguments by the instruction's grammar: JSON elements, whitespace-split words, one string
   * (shell form), or key, value, key, value, ... for ENV and LABEL.
   */
  readonly args: readonly string[];
  /** Written as a JSON array (exec form). */
  readonly json: boolean;
  /** ENV/LABEL in the legacy `KEY value` form. */
  readonly legacyKeyValue?: boolean;
  readonly heredocs: readonly Heredoc[];
  /** The instruction ONBUILD wraps. */
  readonly sub?: Node;
  /** The logical line: continuations folded, comments inside them dropped. */
  readonly original: string;
  readonly range: SourceRange;
  /** Comment lines directly above the instruction. */
  readonly comments: readonly string[];
  /** Where each piece of `original` came from, for pointing errors at a column. */
  readonly segments: readonly Segment[];
}

/** A run of `original` starting at `offset` that was copied from `line`:`column` onwards. */
export interface Segment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface Warning {
  readonly rule: string;
  readonly message: string;
  readonly range: SourceRange;
}

export interface ParsedNodes {
  readonly file: string;
  readonly directives: Directives;
  readonly nodes: readonly Node[];
  readonly warnings: readonly Warning[];
}

// ---- typed instructions ------------------------------------------------------------------

export const instructionKinds = [
  'from',
  'run',
  'cmd',
  'entrypoint',
  'copy',
  'add',
  'env',
  'arg',
  'label',
  'expose',
  'workdir',
  'user',
  'volume',
  'stopsignal',
  'healthcheck',
  'shell',
  'onbuild',
  'maintainer',
] as const;
export type InstructionKind = (typeof instructionKinds)[number];

/** Exec form runs `args` directly; shell form hands `script` to the stage's SHELL. */
export type Command = { readonly form: 'exec'; readonly args: readonly string[] } | { readonly form: 'shell'; readonly script: string };

interface Base {
  readonly range: SourceRange;
  /** The instruction as written (continuations folded), for progress lines and history. */
  readonly text: string;
}

export interface FromInstruction extends Base {
  readonly kind: 'from';
  readonly image: string;
  /** `AS name`, lower-cased as BuildKit does. */
  readonly stageName?: string;
  readonly platform?: string;
}

export const mountTypes = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
export type MountType = (typeof mountTypes)[number];
export const cacheSharingModes = ['shared', 'private', 'locked'] as const;
export type CacheSharing = (typeof cacheSharingModes)[number];

export interface MountSpec {
  readonly type: MountType;
  /** Mount point in the container; defaulted for secret and ssh; "" for a secret given only as `env=`. */
  readonly target: string;
  /** Path inside `from` (bind, cache) — relative to the context or stage root. */
  readonly source?: string;
  /** Stage name or image for bind/cache sources. */
  readonly from?: string;
  readonly readonly: boolean;
  /** cache and secret/ssh id. */
  readonly id?: string;
  readonly sharing?: CacheSharing;
  /** secret/ssh: fail when missing. */
  readonly required?: boolean;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** tmpfs size in bytes. */
  readonly size?: number;
  /** secret: expose as this environment variable. */
  readonly env?: string;
}

export const networkModes = ['default', 'none', 'host'] as const;
export type NetworkMode = (typeof networkModes)[number];
export const securityModes = ['sandbox', 'insecure'] as const;
export type SecurityMode = (typeof securityModes)[number];

export interface RunInstruction extends Base {
  readonly kind: 'run';
  readonly command: Command;
  /** `--mount` values as written; `expandInstruction` expands and re-parses them into `mounts`. */
  readonly mountFlags: readonly string[];
  /**
   * Parsed mounts. Before expansion a value holding `$` is kept raw, and a numeric field holding
   * `$` is left undefined; after `expandInstruction` every field is final.
   */
  readonly mounts: readonly MountSpec[];
  readonly network?: NetworkMode;
  readonly security?: SecurityMode;
  /** Heredoc bodies for the shell (`<<-` tabs already stripped). */
  readonly heredocs: readonly HeredocFile[];
}

export interface CmdInstruction extends Base {
  readonly kind: 'cmd';
  readonly command: Command;
}

export interface EntrypointInstruction extends Base {
  readonly kind: 'entrypoint';
  readonly command: Command;
}

/** A heredoc as a file: its name is the delimiter, its data the body (chomped if `<<-`). */
export interface HeredocFile {
  readonly name: string;
  readonly data: string;
  readonly expand: boolean;
  readonly fd?: number;
}

interface CopyLike extends Base {
  /** Source paths or URLs, unexpanded. Heredoc sources are in `heredocs`, not here. */
  readonly sources: readonly string[];
  readonly dest: string;
  readonly heredocs: readonly HeredocFile[];
  readonly chown?: string;
  readonly chmod?: string;
  readonly link: boolean;
  readonly exclude: readonly string[];
}

export interface CopyInstruction extends CopyLike {
  readonly kind: 'copy';
  readonly from?: string;
  readonly parents: boolean;
}

export interface AddInstruction extends CopyLike {
  readonly kind: 'add';
  readonly keepGitDir: boolean;
  readonly checksum?: string;
  /** `--unpack=false` stops auto-extraction of local tars. Undefined: Docker's default. */
  readonly unpack?: boolean;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface EnvInstruction extends Base {
  readonly kind: 'env';
  readonly pairs: readonly KeyValue[];
}

export interface ArgDecl {
  readonly name: string;
  /** Undefined: declared without a default. */
  readonly value?: string;
}

export interface ArgInstruction extends Base {
  readonly kind: 'arg';
  readonly args: readonly ArgDecl[];
}

export interface LabelInstruction extends Base {
  readonly kind: 'label';
  readonly pairs: readonly KeyValue[];
}

export interface ExposeInstruction extends Base {
  readonly kind: 'expose';
  /** `80`, `53/udp`, `8000-8010/tcp`, unexpanded; see `parsePortSpec`. */
  readonly ports: readonly string[];
}

export interface WorkdirInstruction extends Base {
  readonly kind: 'workdir';
  readonly path: string;
}

export interface UserInstruction extends Base {
  readonly kind: 'user';
  /** `user`, `user:group`, `uid:gid`. */
  readonly user: string;
}

export interface VolumeInstruction extends Base {
  readonly kind: 'volume';
  readonly paths: readonly string[];
}

export interface StopsignalInstruction extends Base {
  readonly kind: 'stopsignal';
  readonly signal: string;
}

export interface HealthcheckInstruction extends Base {
  readonly kind: 'healthcheck';
  /** `none` disables a health check inherited from the base image. */
  readonly test: 'none' | Command;
  /** Nanoseconds, as the image config stores them; undefined: inherit/default. */
  readonly intervalNs?: number;
  readonly timeoutNs?: number;
  readonly startPeriodNs?: number;
  readonly startIntervalNs?: number;
  readonly retries?: number;
}

export interface ShellInstruction extends Base {
  readonly kind: 'shell';
  readonly shell: readonly string[];
}

export interface OnbuildInstruction extends Base {
  readonly kind: 'onbuild';
  /** The trigger as stored in the image config (`RUN echo hi`). */
  readonly trigger: string;
  readonly instruction: Instruction;
}

export interface MaintainerInstruction extends Base {
  readonly kind: 'maintainer';
  readonly name: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | ArgInstruction
  | LabelInstruction
  | ExposeInstruction
  | WorkdirInstruction
  | UserInstruction
  | VolumeInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

export interface Stage {
  /** 0-based position; `COPY --from=0` refers to it. */
  readonly index: number;
  readonly name?: string;
  readonly from: FromInstruction;
  /** Everything after FROM up to the next FROM. */
  readonly instructions: readonly Instruction[];
  /** FROM line through the stage's last instruction. */
  readonly range: SourceRange;
}

export interface Dockerfile {
  readonly file: string;
  readonly directives: Directives;
  /** ARGs before the first FROM: usable in FROM lines, and in a stage that redeclares them. */
  readonly globalArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
  readonly warnings: readonly Warning[];
}
