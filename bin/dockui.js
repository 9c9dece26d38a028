#!/bin/sh
':'; // 2>/dev/null; case "$#$1" in 1--version | 1-v) if read v 2>/dev/null <"${0%/*}/../dist/version"; then echo "$v"; exit 0; fi ;; esac; if [ -n "$NODE_EXTRA_CA_CERTS" ]; then export DOCKUI_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi; if [ -z "$DOCKUI_USERNS" ] && ! [ -O / ] && read p 2>/dev/null <"${XDG_RUNTIME_DIR:-$HOME/.local/share}/dockui-userns.pid" && read c 2>/dev/null <"/proc/$p/comm" && [ "$c" = dockui-pause ]; then export DOCKUI_USERNS="$p"; c="${0%.js}.cjs"; [ -f "$c" ] || c="$0"; exec nsenter -t "$p" -U -m --preserve-credentials --wd="$PWD" -- node -- "$c" "$@"; fi; c="${0%.js}.cjs"; [ -f "$c" ] || c="$0"; exec node -- "$c" "$@"
// The line above is for sh (':' is its no-op; running `//`, a directory, fails quietly), and a
// string and a comment for Node. `--version` alone is answered by sh from dist/version (written
// by the build): a version is a constant, and Node's empty start alone takes as long as podman's
// whole `--version`; without that file (a link of another name, an unbuilt tree) Node answers. It runs Node on bin/dockui.cjs, the CommonJS entry beside this
// file (a CommonJS main skips the ES module loader's start-up, ~7 ms of CPU on every command),
// or on this file when $0 is a link of another name. `--` ends Node's own options: Node 20
// otherwise reads --env-file anywhere in the command line, dockui's `run --env-file FILE`
// included (and exits 9 when FILE is missing). Node 20 loads NODE_EXTRA_CA_CERTS while it starts
// (~35 ms here, on every command); the launcher hands it to dockui, which adds those
// certificates when it first opens an HTTPS connection (src/engine/registry/tls-ca.ts).
// `node bin/dockui.js` skips the launcher and works as well: it loads bin/dockui.cjs.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./dockui.cjs');
