// Extra certificate authorities for HTTPS, loaded when a TLS connection is first made.
//
// Node 20 reads NODE_EXTRA_CA_CERTS while it starts, before any script runs, and parses every
// bundled root with it: ~35 ms on each start on this machine, paid by every CLI command though
// most never open a TLS connection. bin/dockui hands the variable over as DOCKUI_EXTRA_CA_CERTS
// (unsetting the original), and the HTTPS agent adds those certificates to Node's bundled roots
// here, which is what NODE_EXTRA_CA_CERTS does. A file that cannot be read is ignored with a
// warning, as Node does.
import { readFileSync } from 'node:fs';
import { tls } from '../util/builtin.js';

let cached: string[] | undefined;

/** The CA list for HTTPS agents; undefined means Node's default (no extra certificates). */
export function caCertificates(): string[] | undefined {
  // NODE_EXTRA_CA_CERTS itself, when Node started with it, is already in Node's default.
  const file = process.env.DOCKUI_EXTRA_CA_CERTS;
  if (!file) return undefined;
  if (cached) return cached;
  // node:tls is loaded here, on the first HTTPS connection, not by every command that imports this.
  const { rootCertificates } = tls();
  try {
    cached = [...rootCertificates, readFileSync(file, 'utf8')];
  } catch (e) {
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
    cached = [...rootCertificates];
  }
  return cached;
}
