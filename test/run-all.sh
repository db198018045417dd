#!/bin/bash
# The one test command (`npm test`): host setup, type check, layer rules, then every Jest suite
# (unit, integration on real SQLite files and processes, e2e on real nodes and a real browser).
# Runs as root on Debian 12. Test nodes of this run are torn down on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup-host.sh
trap 'test/nodes/pl-nodes.sh down-all >/dev/null 2>&1 || true' EXIT
npx tsc -p tsconfig.json --noEmit
npx depcruise src --config .dependency-cruiser.js
# NestJS 12 is ES modules only: Jest's require(esm) needs this flag on Node 24 (jest.config.js).
case " ${NODE_OPTIONS:-} " in *" --experimental-vm-modules "*) ;; *) export NODE_OPTIONS="--experimental-vm-modules${NODE_OPTIONS:+ $NODE_OPTIONS}" ;; esac
npx jest "$@"
