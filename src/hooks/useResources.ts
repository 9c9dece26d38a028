// The Volumes, Networks and Layers panes' data: volumes and networks with the containers that
// use them (from the container records), polled every 2 s while their pane is in view (the CLI
// may change them meanwhile), and an image's layer analysis, read once per image.
import { useEffect, useState } from 'react';
import { formatError } from '../engine/define.js';
import type { ContainerReport, ImageLayerFilesReport, NetworkReport, VolumeReport } from '../engine/index.js';
import { useEngine } from './EngineProvider.js';
import { engineExtras } from './engine-extras.js';
import { usePolling } from './usePolling.js';

export interface VolumeRow extends VolumeReport {
  /** Names of the containers that mount it. */
  readonly users: readonly string[];
  /** Those containers' mounts of it: where, read-only or not, and the container's state. */
  readonly mounts: readonly { readonly name: string; readonly destination: string; readonly readOnly: boolean; readonly state: string }[];
}

export interface NetworkRow extends NetworkReport {
  /** The containers on it, with their address and their extra names on it. */
  readonly members: readonly { readonly name: string; readonly ip: string; readonly state: string; readonly aliases: readonly string[] }[];
}

export interface ResourceList<T> {
  readonly rows: readonly T[];
  readonly loaded: boolean;
  /** Why there is no list (an engine without the noun, a failed read). */
  readonly error: string | undefined;
}

const initial = { rows: [], loaded: false, error: undefined };

function usePolledList<T>(
  enabled: boolean,
  read: (records: readonly ContainerReport[]) => Promise<readonly T[]> | undefined,
  what: string,
): ResourceList<T> {
  const engine = useEngine();
  const [state, setState] = useState<ResourceList<T>>(initial);
  usePolling(
    async () => {
      const list = engineExtras(engine).listContainers;
      try {
        const recs = list ? await list({ all: true }) : [];
        const rows = read(recs);
        if (!rows) setState({ rows: [], loaded: true, error: `${what} are not available from this engine` });
        else {
          const got = await rows;
          setState((s) => (s.loaded && JSON.stringify(s.rows) === JSON.stringify(got) ? s : { rows: got, loaded: true, error: undefined }));
        }
      } catch (e) {
        setState({ rows: [], loaded: true, error: formatError(e) });
      }
    },
    2000,
    undefined,
    enabled,
  );
  return state;
}

export function useVolumes(enabled: boolean): ResourceList<VolumeRow> {
  const engine = useEngine();
  return usePolledList(
    enabled,
    (recs) => {
      const volumes = engineExtras(engine).volumes;
      return volumes?.list().then((vs) =>
        vs
          .map((v) => {
            const mounts = recs.flatMap((r) =>
              r.mounts
                .filter((m) => m.type === 'volume' && m.source === v.name)
                .map((m) => ({ name: r.name, destination: m.destination, readOnly: m.readOnly, state: r.state })),
            );
            return { ...v, users: [...new Set(mounts.map((m) => m.name))], mounts };
          })
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
    },
    'volumes',
  );
}

export function useNetworks(enabled: boolean): ResourceList<NetworkRow> {
  const engine = useEngine();
  return usePolledList(
    enabled,
    (recs) => {
      const networks = engineExtras(engine).networks;
      return networks?.list().then((ns) =>
        ns
          .map((n) => ({
            ...n,
            members: recs.flatMap((r) =>
              (r.networks ?? [])
                .filter((a) => a.name === n.name)
                .map((a) => ({ name: r.name, ip: a.ip, state: r.state, aliases: a.aliases ?? [] })),
            ),
          }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
    },
    'networks',
  );
}

export interface VolumeSizeState {
  readonly name: string | undefined;
  readonly size: number | undefined;
  readonly error: string | undefined;
}

/** The bytes in volume `name` (read again when `epoch` changes: every poll of the list). */
export function useVolumeSize(name: string | undefined, epoch: unknown): VolumeSizeState {
  const engine = useEngine();
  const [state, setState] = useState<VolumeSizeState>({ name: undefined, size: undefined, error: undefined });
  useEffect(() => {
    if (name === undefined) return;
    const volumes = engineExtras(engine).volumes;
    let live = true;
    (volumes ? volumes.size(name) : Promise.reject(new Error('volume sizes are not available from this engine'))).then(
      (size) => live && setState({ name, size, error: undefined }),
      (e: unknown) => live && setState({ name, size: undefined, error: formatError(e) }),
    );
    return () => {
      live = false;
    };
  }, [engine, name, epoch]);
  return state.name === name ? state : { name, size: undefined, error: undefined };
}

export interface LayerFilesState {
  readonly ref: string | undefined;
  readonly report: ImageLayerFilesReport | undefined;
  readonly error: string | undefined;
}

/** The layer analysis of image `ref` (read again when `epoch` changes: a rebuild). */
export function useLayerFiles(ref: string | undefined, epoch = 0): LayerFilesState {
  const engine = useEngine();
  const [state, setState] = useState<LayerFilesState>({ ref: undefined, report: undefined, error: undefined });
  useEffect(() => {
    if (ref === undefined) return;
    const layerFiles = engineExtras(engine).layerFiles;
    let live = true;
    (layerFiles ? layerFiles(ref) : Promise.reject(new Error('the layer explorer is not available from this engine'))).then(
      (report) => live && setState({ ref, report, error: undefined }),
      (e: unknown) => live && setState({ ref, report: undefined, error: formatError(e) }),
    );
    return () => {
      live = false;
    };
  }, [engine, ref, epoch]);
  return state.ref === ref ? state : { ref, report: undefined, error: undefined };
}
