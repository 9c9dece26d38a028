// Compose's waiting, the base of ComposeProject (project.ts): the project's containers, the
// targeted services, and what `up` waits for: depends_on conditions (service_started /
// service_healthy by running the healthcheck test with exec / service_completed_successfully) and
// `up --wait`.
import { EngineError } from '../define.js';
import type { ComposeContainer, ComposeEvent, ComposeOps } from './ops.js';
import { durationMs, L } from './run-options.js';
import type { DependsOn, LoadedProject } from './types.js';

export class ComposeWaits {
  constructor(
    readonly ops: ComposeOps,
    readonly project: LoadedProject,
  ) {}

  get model() {
    return this.project.model;
  }

  /** The project's containers (oneoff ones too), newest first. */
  async containers(opts: { all?: boolean; services?: readonly string[] } = { all: true }): Promise<ComposeContainer[]> {
    const list = await this.ops.containers.list({ all: opts.all ?? true });
    return list.filter(
      (c) => c.labels[L.project] === this.model.name && (!opts.services?.length || opts.services.includes(c.labels[L.service] ?? '')),
    );
  }

  /** Targeted services (all when none named), checked against the model. */
  targets(services?: readonly string[]): string[] {
    for (const s of services ?? [])
      if (!this.model.services[s])
        throw new EngineError('not_found', `no such service: ${s}${this.project.disabled[s] ? ' (not in the active profiles)' : ''}`);
    return services?.length ? [...services] : Object.keys(this.model.services);
  }

  /** `up --wait`: each container of these services running, and healthy when it has a healthcheck. */
  async waitReady(
    order: readonly string[],
    opts: { waitTimeoutSec?: number; signal?: AbortSignal },
    ev: (e: ComposeEvent) => void,
  ): Promise<void> {
    const limit = opts.waitTimeoutSec !== undefined ? AbortSignal.timeout(opts.waitTimeoutSec * 1000) : undefined;
    const signal = limit && opts.signal ? AbortSignal.any([limit, opts.signal]) : (limit ?? opts.signal);
    try {
      for (const svc of order) {
        const h = this.model.services[svc]!.healthcheck;
        const checked = !!h?.test && !h.disable && h.test[0] !== 'NONE';
        for (const c of (await this.containers({ all: true, services: [svc] })).filter((x) => x.labels[L.oneoff] !== 'True')) {
          if (c.state !== 'running')
            throw new EngineError(
              'failed_precondition',
              `container ${c.name} is ${c.state}${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ''}`,
            );
          if (!checked) continue;
          ev({ kind: 'Container', name: c.name, status: 'Waiting' });
          await this.waitHealthy(c, svc, signal);
          ev({ kind: 'Container', name: c.name, status: 'Healthy' });
        }
      }
    } catch (e) {
      if (limit?.aborted)
        throw new EngineError('unavailable', `timed out after ${opts.waitTimeoutSec} s waiting for the services to be healthy`);
      throw e;
    }
  }

  /** Waits until each dependency of svc meets its condition; says what it waits for. */
  async waitForDependencies(svc: string, ev: (e: ComposeEvent) => void, signal?: AbortSignal): Promise<void> {
    for (const [dep, cond] of Object.entries(this.model.services[svc]!.depends_on ?? {})) {
      const c = (await this.containers({ all: true, services: [dep] })).find((x) => x.labels[L.oneoff] !== 'True');
      if (!c) {
        if (!cond.required) continue;
        throw new EngineError('failed_precondition', `service ${svc} depends on ${dep}, which has no container`);
      }
      await this.waitCondition(c, dep, cond, ev, signal);
    }
  }

  async waitCondition(
    c: ComposeContainer,
    dep: string,
    cond: DependsOn,
    ev: (e: ComposeEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    if (cond.condition === 'service_started') return;
    if (cond.condition === 'service_completed_successfully') {
      ev({ kind: 'Container', name: c.name, status: 'Waiting' });
      const code = await this.ops.containers.wait(c.id, signal);
      if (code !== 0) throw new EngineError('failed_precondition', `service ${dep} didn't complete successfully: exit ${code}`);
      ev({ kind: 'Container', name: c.name, status: 'Exited' });
      return;
    }
    const h = this.model.services[dep]!.healthcheck;
    if (!h?.test || h.disable || h.test[0] === 'NONE')
      throw new EngineError('failed_precondition', `service ${dep} has no healthcheck, so service_healthy cannot be met`);
    ev({ kind: 'Container', name: c.name, status: 'Waiting' });
    await this.waitHealthy(c, dep, signal);
    ev({ kind: 'Container', name: c.name, status: 'Healthy' });
  }

  /**
   * Runs the service's healthcheck test in the container (exec) until it passes: the first probe
   * at once, then every start_interval during start_period and every interval after it; failures
   * during start_period do not count; `retries` failures in a row after it mean unhealthy.
   */
  async waitHealthy(c: ComposeContainer, svc: string, signal?: AbortSignal): Promise<void> {
    const h = this.model.services[svc]!.healthcheck!;
    const interval = durationMs(h.interval, 30_000);
    const timeout = durationMs(h.timeout, 30_000);
    const startPeriod = durationMs(h.start_period, 0);
    const startInterval = durationMs(h.start_interval, 5_000);
    const retries = h.retries ?? 3;
    const argv = h.test![0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.test!.slice(1).join(' ')] : h.test!.slice(1);
    const began = Date.now();
    let failures = 0;
    let last = '';
    for (;;) {
      if (signal?.aborted) throw new EngineError('canceled', 'canceled');
      const now = (await this.containers({ all: true, services: [svc] })).find((x) => x.id === c.id);
      if (!now || now.state !== 'running')
        throw new EngineError(
          'failed_precondition',
          `dependency failed to start: container ${c.name} exited (${now?.exitCode ?? 'removed'})`,
        );
      const r = await this.probe(c.id, argv, timeout);
      if (r.code === 0) return;
      last = r.output.trim().split('\n').pop() ?? '';
      const inStart = Date.now() - began < startPeriod;
      if (!inStart && ++failures >= retries)
        throw new EngineError(
          'failed_precondition',
          `dependency failed to start: container ${c.name} is unhealthy${last ? ` (${last})` : ''}`,
        );
      await new Promise((res) => setTimeout(res, inStart ? startInterval : interval));
    }
  }

  async probe(id: string, argv: readonly string[], timeoutMs: number): Promise<{ code: number; output: string }> {
    const child = await this.ops.containers.exec(id, { args: argv, stdio: 'pipe' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4096)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4096)));
    return new Promise((res) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        res({ code: -1, output: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(t);
        res({ code: code ?? -1, output });
      });
      child.once('error', (e) => {
        clearTimeout(t);
        res({ code: -1, output: e.message });
      });
    });
  }
}
