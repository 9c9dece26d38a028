// `dockui port CONTAINER [PRIVATE_PORT[/PROTO]]`: a running container's published ports, as
// docker prints them ("80/tcp -> 127.0.0.1:8080"; with a port, its host addresses only).
import type { PortMapping } from '../../engine/define.js';
import { EngineError, compareText } from '../../engine/define.js';
import { defineVerb } from '../context.js';

/** docker 20.10's HOST_IP:HOST_PORT, an IPv6 address as it is ("::1:8080", docker 23's JoinHostPort brackets it). */
function hostPort(p: PortMapping): string {
  return `${p.hostIp || '0.0.0.0'}:${p.hostPort}`;
}

export const verb = defineVerb({
  name: 'port',
  synopsis: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the container',
  flags: {},
  async run(ctx, { positionals }) {
    if (positionals.length < 1 || positionals.length > 2)
      throw new EngineError(
        'invalid_argument',
        `'dockui port' requires at least 1 and at most 2 arguments: CONTAINER [PRIVATE_PORT[/PROTO]]`,
      );
    const [name, want] = positionals as [string, string | undefined];
    const c = await ctx.engine.containers.find(name);
    // As docker: a container that is not running publishes nothing.
    const live = c.state === 'running' || c.state === 'paused';
    const ports = live
      ? [...c.ports].sort((a, b) => a.containerPort - b.containerPort || compareText(a.protocol, b.protocol) || a.hostPort - b.hostPort)
      : [];
    if (want === undefined) {
      ctx.stdout.write(ports.map((p) => `${p.containerPort}/${p.protocol} -> ${hostPort(p)}\n`).join(''));
      return 0;
    }
    const slash = want.indexOf('/');
    const port = slash === -1 ? want : want.slice(0, slash);
    const proto = slash === -1 || slash === want.length - 1 ? 'tcp' : want.slice(slash + 1);
    const hits = ports.filter((p) => String(p.containerPort) === port && p.protocol === proto);
    if (!hits.length) {
      ctx.stderr.write(`dockui: No public port '${port}/${proto}' published for ${name}\n`);
      return 1;
    }
    ctx.stdout.write(hits.map((p) => `${hostPort(p)}\n`).join(''));
    return 0;
  },
});
