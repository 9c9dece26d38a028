// A container on dockui's bridge networks (network/bridge.ts), as the container lifecycle uses
// it: addresses leased at create, interfaces, names and ports at start, withdrawn at stop,
// addresses released at removal.
import { rm } from '../util/fsa.js';
import { EngineError, type PortMapping } from '../define.js';
import type { EnginePaths } from '../paths.js';
import type { RunOptions } from '../types.js';
import { activate, builtinNetworks, deactivate, leaseAddresses, readNetwork, releaseAddresses } from '../network/bridge.js';
import { createNetns, netnsPath } from './network.js';
import type { ContainerRecord } from './records.js';
import { unmount } from './rootfs.js';

/** The dockui networks a create names (`networks`, or `network` when it is no built-in mode). */
export async function bridgeNetworksOf(
  paths: EnginePaths,
  opts: RunOptions,
): Promise<{ name: string; aliases: readonly string[] }[] | undefined> {
  const list = opts.networks?.length
    ? opts.networks.map((n) => ({ name: n.name, aliases: n.aliases ?? [] }))
    : opts.network !== undefined && !builtinNetworks.includes(opts.network)
      ? [{ name: opts.network, aliases: [] }]
      : undefined;
  for (const n of list ?? []) if (!(await readNetwork(paths, n.name))) throw new EngineError('not_found', `network ${n.name} not found`);
  return list;
}

export async function leaseFor(
  paths: EnginePaths,
  rec: ContainerRecord,
  nets: readonly { name: string; aliases: readonly string[] }[],
): Promise<void> {
  rec.networks = await leaseAddresses(paths, rec.id, nets);
}

export async function startBridge(paths: EnginePaths, rec: ContainerRecord, ports: readonly PortMapping[]): Promise<void> {
  const path = netnsPath(paths.runRoot, rec.id);
  unmount(path);
  createNetns(path);
  try {
    await activate(paths, {
      id: rec.id,
      netnsPath: path,
      nets: rec.networks ?? [],
      names: [rec.name, rec.hostname, rec.id.slice(0, 12)],
      ports: ports.map((p) => ({ hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort })),
    });
  } catch (e) {
    unmount(path);
    await rm(path, { force: true });
    throw e;
  }
}

/** Names and ports withdrawn, netns gone (and its interfaces with it). Idempotent. */
export async function stopBridge(paths: EnginePaths, rec: ContainerRecord): Promise<void> {
  await deactivate(paths, rec.id, rec.networks ?? [], false);
  const path = netnsPath(paths.runRoot, rec.id);
  unmount(path);
  await rm(path, { force: true });
}

export async function releaseBridge(paths: EnginePaths, rec: ContainerRecord): Promise<void> {
  await stopBridge(paths, rec);
  await releaseAddresses(paths, rec.id, rec.networks ?? []);
}
