#!/usr/bin/env bash
# Imports the host's busybox-static as the local image busybox:static (the offline example's
# base), unless the store already has it. Usage: make-base-image.sh [DOCKUI ROOT FLAGS...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dockui=(node bin/dockui.js "$@")
if "${dockui[@]}" image inspect busybox:static >/dev/null 2>&1; then exit 0; fi
bb=$(command -v busybox || true)
[[ -n $bb ]] || { echo "make-base-image: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if head -c 4096 "$bb" | grep -q ld-linux; then
  echo "make-base-image: $bb is dynamically linked; install busybox-static" >&2; exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,etc,root,tmp,proc,sys,dev,home,var/www}
chmod 1777 "$tmp/tmp"
cp "$bb" "$tmp/bin/busybox"
for a in $("$bb" --list); do [[ $a == busybox ]] || ln -s busybox "$tmp/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/etc/group"
tar -C "$tmp" --numeric-owner --owner=0 --group=0 -c . | "${dockui[@]}" import - busybox:static
