#!/bin/bash
# test/setup-host.sh — prepare this host for every test tier (root, Debian 12). Idempotent; npm test runs it.
#   1. host packages: test nodes (nspawn, debootstrap, apt-cacher-ng), sshd for the local node,
#      ansible-core for playbook checks, chromium for the browser tests, pebble (ACME test server)
#   2. tear down leftovers of an earlier run of the same state dir (PL_NODES_* settings)
#   3. build or reuse the node templates
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "setup-host: must run as root (test nodes are systemd-nspawn containers)" >&2; exit 1; }

# apt must not start services on this host (apt-cacher-ng's own service, for one)
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# written by pressluft test/setup-host.sh: no service starts during apt runs\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi

PKGS=(debootstrap systemd-container apt-cacher-ng openssh-client openssh-server iproute2 ansible-core ansible-lint ca-certificates util-linux procps
      chromium fonts-dejavu-core curl tar pebble openssl restic)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The safety net before anything of a test runs (pebble, mock DNS, test nodes): traffic to the test range
# never leaves this machine, even while no node (and so no per-node route) exists.
ip route show type unreachable | grep -q '^unreachable 10\.254\.0\.0/16' || ip route add unreachable 10.254.0.0/16
test/nodes/pl-nodes.sh down-all
test/nodes/pl-nodes.sh template
