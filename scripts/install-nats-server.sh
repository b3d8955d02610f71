#!/usr/bin/env bash
# Installs nats-server (Debian's package) where it is missing: the tests of pykka-nats,
# its example and its benchmark start one on a free local port (pykka_nats::LocalServer).
set -euo pipefail
if command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends nats-server >/dev/null
# The package also starts a system service on port 4222; tests use their own servers.
if command -v systemctl >/dev/null && systemctl is-active --quiet nats-server 2>/dev/null; then
  $sudo systemctl stop nats-server || true
fi
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ]
