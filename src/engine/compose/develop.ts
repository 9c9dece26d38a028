// A service's `develop:` section → its watch rules (paths made absolute, inside the project).
// What dockui does not do yet (sync+exec, include) is an error naming file:line.
import type { WatchRule } from './types.js';
import type { ModelPath } from './yaml-read.js';

type Fail = (path: ModelPath, why: string) => never;

export function develop(fail: Fail, inProject: (path: ModelPath, p: string) => string, at: ModelPath, v: unknown): { watch?: WatchRule[] } {
  const raw = (v ?? {}) as { watch?: unknown[] };
  if (!raw.watch) return {};
  const watch = raw.watch.map((item, i): WatchRule => {
    const r = item as Record<string, unknown>;
    const here: ModelPath = [...at, 'watch', i];
    for (const k of ['include', 'exec'])
      if (r[k] !== undefined) fail([...here, k], `${[...here, k].join('.')}: dockui does not support this key yet`);
    const action = String(r.action);
    if (action !== 'sync' && action !== 'rebuild' && action !== 'restart' && action !== 'sync+restart')
      fail([...here, 'action'], `watch action ${JSON.stringify(action)} is not supported (sync, rebuild, restart, sync+restart)`);
    const rule: WatchRule = { action, path: inProject([...here, 'path'], String(r.path)) };
    if (action.startsWith('sync')) {
      if (typeof r.target !== 'string' || !r.target.startsWith('/'))
        fail([...here, r.target === undefined ? 'action' : 'target'], `a ${action} rule needs an absolute target path in the container`);
      rule.target = r.target;
    }
    if (r.ignore !== undefined) rule.ignore = (Array.isArray(r.ignore) ? r.ignore : [r.ignore]).map(String);
    if (r.initial_sync !== undefined) rule.initial_sync = r.initial_sync === true;
    return rule;
  });
  return { watch };
}
