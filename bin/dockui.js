#!/usr/bin/env node
// Entry: a verb runs the docker-like CLI; no verb (or a directory) opens the terminal UI.
// Loads compiled code from dist/ (npm run build), so start-up stays close to Node's own.
import { main, isTuiInvocation } from '../dist/cli/main.js';

const argv = process.argv.slice(2);
if (isTuiInvocation(argv)) {
  const { runTui } = await import('../dist/tui.js');
  process.exitCode = await runTui(argv);
} else {
  process.exitCode = await main(argv);
}
