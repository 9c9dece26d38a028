// The Dockerfile frontend's public face: parse (text → nodes → typed stages) and expand
// (per step, with the builder's env and args).
//
// A builder's loop:
//   const df = parseDockerfile(text, { file });            // EngineError with file:line:column
//   const global = new GlobalScope(df, { buildArgs, targetPlatform, buildPlatform });
//   for (const stage of stagesFor(df, global, target)) {   // only what the target needs
//     const from = global.expandFrom(stage.from);           // image (or earlier stage) and platform
//     const scope = global.stage(baseImageConfig.Env);
//     for (const ins of stage.instructions) {
//       const step = scope.apply(ins);                      // expanded; ARG/ENV recorded in scope
//       switch (step.kind) { ... }                          // RUN: runPlan(step, shell), scope.runEnv()
//     }
//   }
export { dump, parseHeredocWord, parseNodes, positionAt } from './parser.js';
export type { ParseOptions } from './parser.js';
export { chompHeredoc, parseDockerfile, parseInstruction, parseMountsStrict, suggest } from './instructions.js';
export {
  expandInstruction,
  expandWord,
  expandWords,
  findStage,
  formatPlatform,
  GlobalScope,
  hostPlatform,
  isProxyArg,
  platformArgNames,
  platformArgs,
  proxyArgNames,
  StageScope,
} from './expand.js';
export type { ArgScopeOptions, ExpandOptions, PlatformSpec, VarLookup } from './expand.js';
export { instructionAt, stageDependencies, stagesFor } from './stages.js';
export { commandArgv, defaultShell, exposedPortKeys, healthcheckTest, runPlan } from './commands.js';
export type { RunPlan } from './commands.js';
export { processWord, processWords, ShellLexError } from './shell-lexer.js';
export type { LexOptions } from './shell-lexer.js';
export { parseDuration, parseMount, parsePortSpec, parseSignal, parseSize, ValueError } from './values.js';
export type { PortSpec } from './values.js';
export * from './types.js';
