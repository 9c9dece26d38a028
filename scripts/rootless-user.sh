#!/usr/bin/env bash
# Idempotent, as root: the ordinary user the rootless tests run dockui as (dockuitest), with a
# subordinate id range (200000:65536 in /etc/subuid and /etc/subgid) and /dev/net/tun usable by
# it (slirp4netns opens it for the container's network).
set -euo pipefail
user=${1:-dockuitest}
if [[ $(id -u) -ne 0 ]]; then echo "rootless-user: run as root" >&2; exit 1; fi
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
for f in /etc/subuid /etc/subgid; do
  touch "$f"
  grep -q "^$user:" "$f" || echo "$user:200000:65536" >>"$f"
done
if [[ ! -e /dev/net/tun ]]; then mkdir -p /dev/net && mknod /dev/net/tun c 10 200; fi
chmod 0666 /dev/net/tun
