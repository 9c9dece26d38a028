#!/usr/bin/env bash
# One command to try dockui offline: set up (Debian packages, npm, build), import the example's
# base image from the host's busybox-static, then open the UI on examples/hello.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bash scripts/make-base-image.sh
exec node bin/dockui.js examples/hello "$@"
