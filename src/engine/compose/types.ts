// The resolved Compose model: every file read, interpolated, validated, normalized to the long
// forms (the shapes `docker compose config` prints) and merged.

export interface PortConfig {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: 'tcp' | 'udp';
  mode?: string;
}

export interface VolumeMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** A volume's name as written (the project's name goes in front at run time), or a host path. */
  source?: string;
  target: string;
  read_only?: boolean;
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart?: boolean;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** One develop.watch rule, its path made absolute. */
export interface WatchRule {
  action: 'sync' | 'rebuild' | 'restart' | 'sync+restart';
  path: string;
  target?: string;
  ignore?: string[];
  initial_sync?: boolean;
}

export interface BuildConfig {
  context: string;
  dockerfile?: string;
  args?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
}

/** A service's `secrets:`/`configs:` entry: the short form's name as `source`, the long form as given. */
export interface FileRef {
  source: string;
  /** Secrets: under /run/secrets unless absolute (default: the source's name); configs: /SOURCE by default. */
  target?: string;
  uid?: string;
  gid?: string;
  /** A number (octal in the file: 0440, 0o440 or "0440"). */
  mode?: number;
}

/** A top-level secret or config: one of file (made absolute), environment (a variable's name) or content (configs). */
export interface FileObject {
  name?: string;
  file?: string;
  environment?: string;
  content?: string;
}

export interface ServiceConfig {
  image?: string;
  build?: BuildConfig;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  ports?: PortConfig[];
  expose?: string[];
  volumes?: VolumeMount[];
  tmpfs?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
  depends_on?: Record<string, DependsOn>;
  container_name?: string;
  hostname?: string;
  working_dir?: string;
  user?: string;
  labels?: Record<string, string>;
  healthcheck?: Healthcheck;
  restart?: string;
  profiles?: string[];
  init?: boolean;
  read_only?: boolean;
  stop_signal?: string;
  stop_grace_period?: string;
  cap_add?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  mem_limit?: string;
  cpus?: string;
  pids_limit?: number;
  pull_policy?: string;
  /** How many containers (`scale:`); `deploy.replicas` is the same number, checked equal when both are set. */
  scale?: number;
  deploy?: { replicas?: number; resources?: { limits?: { cpus?: string; memory?: string; pids?: number } } };
  /** `host:ip` lines for /etc/hosts (Compose's list `host:ip` / `host=ip`, or map, normalized). */
  extra_hosts?: string[];
  /** As `docker run --dns`, `--dns-search`, `--dns-option`. */
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  /** As `docker compose config` prints them: a number (soft and hard) or {soft, hard}; -1 is unlimited. */
  ulimits?: Record<string, number | { soft: number; hard: number }>;
  /** `--sysctl` lines ("net.core.somaxconn=1024"), from a map or a list. */
  sysctls?: Record<string, string>;
  develop?: { watch?: WatchRule[] };
  secrets?: FileRef[];
  configs?: FileRef[];
  [key: `x-${string}`]: unknown;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  internal?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface ComposeModel {
  name: string;
  services: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets?: Record<string, FileObject>;
  configs?: Record<string, FileObject>;
}

export interface LoadedProject {
  readonly model: ComposeModel;
  /** Absolute paths of the files read, in order. */
  readonly files: readonly string[];
  readonly workingDir: string;
  /** Active profiles; services outside them are in `disabled`. */
  readonly profiles: readonly string[];
  /** Every profile some service names. */
  readonly allProfiles: readonly string[];
  /** Services left out by the profiles (not in `model.services`). */
  readonly disabled: Readonly<Record<string, ServiceConfig>>;
  /** The env files read (.env or --env-file, and the services' env_file): a watch re-reads the model when one changes. */
  readonly envFiles: readonly string[];
  /** The values of the variables `environment:` secrets and configs name, from the interpolation environment. */
  readonly fileValues?: Readonly<Record<string, string>>;
  /** Where a key of the merged model was written (for errors found after loading, such as `up --scale`). */
  readonly at?: (path: readonly (string | number)[]) => { file: string; line: number } | undefined;
}
