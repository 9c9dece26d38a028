// Stage planning: which stage a build ends at (--target) and which stages it needs, as
// BuildKit's dispatch works out its dependency graph before running anything.
import { EngineError } from '../define.js';
import { findStage, type Dockerfile, type GlobalScope, type Stage } from '../dockerfile/index.js';

export function pickTarget(df: Dockerfile, target: string | undefined): Stage {
  if (target === undefined) return df.stages[df.stages.length - 1]!;
  const s = findStage(df, target);
  if (!s) {
    const names = df.stages.map((x) => x.name).filter((n): n is string => n !== undefined);
    throw new EngineError('invalid_argument', `target stage "${target}" not found${names.length ? ` (stages: ${names.join(', ')})` : ''}`);
  }
  return s;
}

/** The stages the target depends on (FROM <stage>, COPY --from, RUN --mount from=), in file order. */
export function neededStages(df: Dockerfile, target: Stage, global: GlobalScope): Stage[] {
  const need = new Set<number>();
  const visit = (s: Stage) => {
    if (need.has(s.index)) return;
    need.add(s.index);
    const refs: string[] = [global.expandFrom(s.from).image];
    for (const ins of s.instructions) {
      if (ins.kind === 'copy' && ins.from !== undefined) refs.push(ins.from);
      if (ins.kind === 'run') for (const m of ins.mounts) if (m.from !== undefined) refs.push(m.from);
    }
    for (const r of refs) {
      const dep = findStage(df, r.includes('$') ? r.replace(/\$\{?(\w+)\}?/g, (_, n: string) => global.lookup(n) ?? '') : r, s.index);
      if (dep) visit(dep);
    }
  };
  visit(target);
  return df.stages.filter((s) => need.has(s.index));
}
