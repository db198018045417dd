#!/bin/bash
# npm run release [-- --version V] [--out DIR]
#
# Builds the release archive install.sh installs on a server without a checkout:
#   pressluft-<version>-node<major>-linux-<arch>.tar.gz  and  <that>.sha256 (sha256sum format)
# holding one top directory with the compiled code (dist/), the page templates and assets it reads at
# run time, bin/, playbooks/, install.sh, package.json + lockfile, docs, and node_modules with the
# production dependencies only (pruned from this checkout's node_modules: no registry needed) including
# their native modules (better-sqlite3, ssh2's), built for the Node.js major and CPU of the machine that
# runs this. release.json names both; install.sh refuses an archive for another major or architecture.
set -euo pipefail
cd "$(dirname "$0")/../.."
die() { echo "build-release: $*" >&2; exit 1; }

VERSION=""
OUT=release
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[ -n "$VERSION" ] || VERSION=$(node -p 'require("./package.json").version')
case "$VERSION" in *[!A-Za-z0-9.+-]* | '') die "version may only contain A-Z a-z 0-9 . + -" ;; esac
[ -f node_modules/.package-lock.json ] || die "node_modules is missing: run npm ci first"

NODE_VERSION=$(node -p 'process.version')
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
ARCH=$(node -p 'process.arch')
NAME=pressluft-$VERSION-node$NODE_MAJOR-linux-$ARCH
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/$NAME
mkdir -p "$STAGE" "$OUT"

echo "build-release: compiling into $NAME/dist" >&2
# A fresh build info file: the checkout's own incremental state must not make tsc skip files here.
node node_modules/typescript/bin/tsc -p tsconfig.build.json --outDir "$STAGE/dist" --tsBuildInfoFile "$WORK/tsbuildinfo"
find "$STAGE/dist" -name '*.map' -delete

mkdir -p "$STAGE/src/interfaces/pages"
cp -a src/interfaces/pages/views src/interfaces/pages/public "$STAGE/src/interfaces/pages/" # read at run time
cp -a bin playbooks docs install.sh README.md package.json package-lock.json "$STAGE/"
if [ "$VERSION" != "$(node -p 'require("./package.json").version')" ]; then
  V="$VERSION" node -e 'const f=process.argv[1]; const p=require(f); p.version=process.env.V; require("fs").writeFileSync(f, JSON.stringify(p, null, 2) + "\n")' "$STAGE/package.json"
fi

echo "build-release: production node_modules" >&2
# a real copy even when node_modules is a symlink (a worktree sharing one): the prune below must never reach the original
cp -a "$(readlink -f node_modules)" "$STAGE/node_modules"
(cd "$STAGE" && npm prune --omit=dev --offline --no-audit --no-fund --ignore-scripts >&2)
# The native modules must load with this Node.js (what the archive promises for its major and arch).
(cd "$STAGE" && node -e 'new (require("better-sqlite3"))(":memory:").prepare("SELECT 1").get(); require("ssh2")') ||
  die "the native modules in node_modules do not load with node $NODE_VERSION"

cat > "$STAGE/release.json" <<JSON
{"name":"pressluft","version":"$VERSION","node":"$NODE_VERSION","nodeMajor":$NODE_MAJOR,"platform":"linux","arch":"$ARCH"}
JSON

tar -C "$WORK" --owner=0 --group=0 --numeric-owner -czf "$OUT/$NAME.tar.gz" "$NAME"
(cd "$OUT" && sha256sum "$NAME.tar.gz" > "$NAME.tar.gz.sha256")
echo "$OUT/$NAME.tar.gz"
