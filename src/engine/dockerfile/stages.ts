// Which stages a build needs: the target (or the last stage) and, transitively, every stage it
// names in FROM, COPY --from or RUN --mount from=. Stages nothing needs are skipped, as BuildKit
// skips them.
import { EngineError, isEngineError } from '../define.js';
import { findStage } from './expand.js';
import type { GlobalScope } from './expand.js';
import type { Dockerfile, Instruction, Stage } from './types.js';

/** For each stage, the earlier stages it uses (by index, ascending, no duplicates). */
export function stageDependencies(df: Dockerfile, global: GlobalScope): number[][] {
  return df.stages.map((stage) => {
    const deps = new Set<number>();
    const image = global.expandFrom(stage.from).image;
    // FROM refers to an earlier stage by name only; anything else is an image.
    const base = df.stages.find((s) => s.index < stage.index && s.name !== undefined && s.name === image.toLowerCase());
    if (base) deps.add(base.index);
    const scope = global.stage();
    const refer = (ref: string | undefined): void => {
      if (ref === undefined) return;
      const s = findStage(df, ref, stage.index);
      if (s) deps.add(s.index);
    };
    const visit = (ins: Instruction): void => {
      if (ins.kind === 'copy') refer(ins.from);
      else if (ins.kind === 'run') for (const m of ins.mounts) refer(m.from);
    };
    for (const ins of stage.instructions) {
      let x: Instruction = ins;
      try {
        x = scope.apply(ins);
      } catch (e) {
        // The step fails later, when (and only if) it runs; its raw values still name stages.
        if (!isEngineError(e)) throw e;
      }
      visit(x);
    }
    return [...deps].sort((a, b) => a - b);
  });
}

/**
 * The stages to build for `target` (a stage name, case-insensitive; the last stage when
 * undefined), in Dockerfile order. Throws EngineError('not_found') for an unknown target.
 */
export function stagesFor(df: Dockerfile, global: GlobalScope, target?: string): Stage[] {
  let goal: Stage | undefined;
  if (target === undefined) {
    goal = df.stages[df.stages.length - 1];
  } else {
    goal = df.stages.find((s) => s.name === target.toLowerCase());
    if (!goal) {
      const names = df.stages.flatMap((s) => (s.name === undefined ? [] : [s.name]));
      throw new EngineError(
        'not_found',
        `target stage "${target}" could not be found${names.length ? ` (stages: ${names.join(', ')})` : ' (no stage has a name: use FROM image AS name)'}`,
      );
    }
  }
  if (!goal) return [];
  const deps = stageDependencies(df, global);
  const needed = new Set<number>();
  const stack = [goal.index];
  while (stack.length > 0) {
    const i = stack.pop() ?? 0;
    if (needed.has(i)) continue;
    needed.add(i);
    stack.push(...(deps[i] ?? []));
  }
  return df.stages.filter((s) => needed.has(s.index));
}

/** The stage and instruction covering a 1-based line (FROM lines included), for editors and the TUI. */
export function instructionAt(df: Dockerfile, line: number): { stage: Stage; instruction: Instruction } | undefined {
  for (const stage of df.stages) {
    if (line < stage.range.line || line > (stage.range.endLine ?? stage.range.line)) continue;
    for (const ins of [stage.from, ...stage.instructions]) {
      if (line >= ins.range.line && line <= (ins.range.endLine ?? ins.range.line)) return { stage, instruction: ins };
    }
  }
  return undefined;
}
