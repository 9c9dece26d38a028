#!/bin/sh
':' //; if [ -n "$NODE_EXTRA_CA_CERTS" ]; then export DOCKUI_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"
// The line above is for sh (':' is its no-op), and a string and a comment for Node. Node 20
// loads NODE_EXTRA_CA_CERTS while it starts (~35 ms here, on every command); the launcher hands
// it to dockui, which adds those certificates when it first opens an HTTPS connection
// (src/engine/registry/tls-ca.ts). `node bin/dockui.js` skips the launcher and works as well.
//
// Entry: a verb runs the docker-like CLI; no verb (or a directory) opens the terminal UI.
// The CLI is one bundled file (scripts/bundle-cli.mjs), so start-up stays close to Node's own.
import { main, isTuiInvocation } from '../dist/cli-bundle/main.js';

const argv = process.argv.slice(2);
if (isTuiInvocation(argv)) {
  const { runTui } = await import('../dist/tui.js');
  process.exitCode = await runTui(argv);
} else {
  process.exitCode = await main(argv);
}
