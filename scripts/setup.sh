#!/usr/bin/env bash
# Idempotent set-up on Debian/Ubuntu as root: the Debian packages dockui drives and tests
# against, the npm dependencies, and the build. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pkgs=(runc conmon slirp4netns passt skopeo docker-registry busybox-static tmux apache2-utils
      tini iproute2 curl openssl python3 make g++ util-linux attr zstd docker.io uidmap docker-compose procps)
# kubectl parses `kube generate`'s output in the tests; Debian's kubernetes-client only where no
# kubectl is installed (another package's /usr/bin/kubectl would clash with it).
command -v kubectl >/dev/null 2>&1 || pkgs+=(kubernetes-client)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # docker.io is here for its docker client (the Engine API tests drive dockui's socket with it);
  # its dockerd and containerd must never run beside dockui: no service starts during the install
  # (policy-rc.d), and on a systemd host they are disabled and stopped afterwards.
  guard=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  if [[ -n $guard ]]; then rm -f /usr/sbin/policy-rc.d; fi
  if ((rc)); then exit "$rc"; fi
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now docker.socket docker.service containerd.service >/dev/null 2>&1 || true
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "setup: dockui needs Node.js 20 or newer (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install.
stamp=node_modules/.dockui-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# Build only when a source is newer than the build.
if [[ ! -f dist/.stamp ]] || [[ -n $(find src native scripts/build-native.mjs scripts/bundle-cli.mjs package.json tsconfig*.json -newer dist/.stamp -print -quit 2>/dev/null) ]]; then
  npm run --silent build
  touch dist/.stamp
fi
