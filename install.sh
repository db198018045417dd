#!/bin/bash
# install.sh — install, upgrade or remove Pressluft on a Debian 12 / Ubuntu 22.04+ server (run as root).
#
#   From a release (no checkout needed):
#     curl -fsSL <release URL>/install.sh | sudo bash -s -- --admin-email E \
#          --release-url <release URL>/pressluft-V-node24-linux-x64.tar.gz --release-sha256 HEX
#     sudo ./install.sh --release-archive FILE [--release-sha256 HEX] --admin-email E
#   From a checkout or an unpacked release:   sudo ./install.sh --admin-email E
#   Remove:                                   sudo ./install.sh --uninstall [--purge]
#
#   Options: [--prefix /opt/pressluft] [--data-dir /var/lib/pressluft] [--admin-email E] [--no-local-node]
#            [--no-start] [--source DIR] [--node-archive FILE [--node-shasums FILE]] [--node-version 24.X.Y]
#            [--bootstrap-timeout SECONDS] [--domain NAME]
#
# What it does (idempotent: run it again to upgrade or repair):
#   1. installs the OS packages it needs (sshd, sudo, tar, xz-utils, curl) with apt
#   2. Node.js 24: the server's own when it is 24 or newer; otherwise the official release archive for
#      this CPU from nodejs.org, checked against that release's SHASUMS256.txt (or --node-archive FILE,
#      checked against --node-shasums FILE), unpacked into PREFIX/node. That Node is what the service
#      runs; it is linked as /usr/local/bin/node only when the server has no `node` at all.
#   3. creates the unprivileged system user `pressluft` (the control plane never runs as root)
#   4. puts the code into PREFIX: a release archive (verified against its sha256 before it is unpacked)
#      replaces the previous code as a whole; a checkout is copied and built with tsc
#   5. writes a hardened systemd unit and (re)starts the service: migrations run once, on the first open
#   6. with --admin-email: creates the first admin; the password is read from the terminal or stdin
#   7. registers this host as the node "local" over SSH to 127.0.0.1: the control plane's key goes into
#      root's authorized_keys, restricted to logins from 127.0.0.1 without forwarding or a terminal, for
#      the first bootstrap, which creates the management user pressluft; once the control plane works as
#      pressluft@127.0.0.1 the key is removed from root's authorized_keys again
#   8. with --domain NAME (once the local node is bootstrapped): this host's Nginx serves the control plane
#      at https://NAME (the service keeps listening on loopback; PRESSLUFT_TRUST_PROXY=on), with a
#      certificate issued like a site's (site-certificate.yml: lego, HTTP-01 through the node's webroot,
#      the service's PRESSLUFT_ACME_* settings) and renewed by pressluft-panel-certificate.timer
# --uninstall stops and removes the service and the code (PREFIX, Node included) and keeps the data
# directory, /etc/default/pressluft and the user; --uninstall --purge removes those too.
# Settings can be given as environment variables (PRESSLUFT_HTTP_HOST etc., see docs/configuration.md).
set -euo pipefail
# One compound command: bash reads all of it before running any of it, so `curl … | bash` never runs a
# half-downloaded script, and nothing below can read the rest of the script from stdin by accident.
{

SOURCE=$(cd "$(dirname "$0")" && pwd)
SOURCE_GIVEN=0
PREFIX=/opt/pressluft
DATA_DIR=/var/lib/pressluft
ADMIN_EMAIL=""
LOCAL_NODE=1
START=1
RELEASE_ARCHIVE=""
RELEASE_URL=""
RELEASE_SHA256=""
NODE_ARCHIVE=""
NODE_SHASUMS=""
NODE_VERSION=""
NODE_DIST=https://nodejs.org/dist
NODE_MIN_MAJOR=24
BOOTSTRAP_TIMEOUT=1200
PANEL_DOMAIN=""
UNINSTALL=0
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --source) SOURCE=$(cd "$2" && pwd); SOURCE_GIVEN=1; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --admin-email) ADMIN_EMAIL=$2; shift 2 ;;
    --no-local-node) LOCAL_NODE=0; shift ;;
    --no-start) START=0; shift ;;
    --release-archive) RELEASE_ARCHIVE=$2; shift 2 ;;
    --release-url) RELEASE_URL=$2; shift 2 ;;
    --release-sha256) RELEASE_SHA256=$2; shift 2 ;;
    --node-archive) NODE_ARCHIVE=$2; shift 2 ;;
    --node-shasums) NODE_SHASUMS=$2; shift 2 ;;
    --node-version) NODE_VERSION=$2; shift 2 ;;
    --bootstrap-timeout) BOOTSTRAP_TIMEOUT=$2; shift 2 ;;
    --domain) PANEL_DOMAIN=$2; shift 2 ;;
    --uninstall) UNINSTALL=1; shift ;;
    --purge) PURGE=1; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { echo "[pressluft-install] $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
case "$PREFIX$DATA_DIR" in *[!A-Za-z0-9/._-]*) die "paths may only contain A-Z a-z 0-9 / . _ -" ;; esac
for dir in "$PREFIX" "$DATA_DIR"; do
  case "$dir" in /*/?*) ;; *) die "$dir: --prefix and --data-dir must be absolute and below a top-level directory (e.g. /opt/pressluft)" ;; esac
done
case "$BOOTSTRAP_TIMEOUT" in '' | *[!0-9]*) die "--bootstrap-timeout must be a number of seconds" ;; esac
[ "$PURGE" = 0 ] || [ "$UNINSTALL" = 1 ] || die "--purge goes with --uninstall"
[ -z "$NODE_SHASUMS" ] || [ -n "$NODE_ARCHIVE" ] || die "--node-shasums goes with --node-archive"
case "$NODE_VERSION" in '' | 24.[0-9]*.[0-9]*) ;; *) die "--node-version must be a Node.js 24 release like 24.11.1" ;; esac
case "$RELEASE_SHA256" in '' | [0-9a-f]*) ;; *) die "--release-sha256 must be 64 hex digits" ;; esac
[ -z "$RELEASE_SHA256" ] || [ ${#RELEASE_SHA256} = 64 ] || die "--release-sha256 must be 64 hex digits"
[ -z "$RELEASE_URL" ] || [ -z "$RELEASE_ARCHIVE" ] || die "give --release-url or --release-archive, not both"
[ -z "$RELEASE_URL" ] || [ -n "$RELEASE_SHA256" ] || die "--release-url needs --release-sha256 (the archive is verified before it is unpacked)"
if [ -n "$PANEL_DOMAIN" ]; then
  { printf '%s' "$PANEL_DOMAIN" | grep -Eqx '([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}' && [ ${#PANEL_DOMAIN} -le 253 ]; } ||
    die "--domain must be a lower-case DNS name like panel.example.com (no wildcard, no port)"
  [ "$LOCAL_NODE" = 1 ] || die "--domain needs the local node (its Nginx serves the control plane): leave out --no-local-node"
fi
# Where the first admin's password comes from, settled before anything changes: run as
# `curl … | bash -s --`, stdin is the script itself, so only the terminal can give it. Without one, a first
# install stops here; an existing installation goes on (its admin usually exists: checked further down).
PASSWORD_FROM=""
if [ -n "$ADMIN_EMAIL" ] && [ "$UNINSTALL" = 0 ]; then
  if [ -t 0 ]; then PASSWORD_FROM=terminal
  elif [ -f "${BASH_SOURCE[0]:-}" ]; then PASSWORD_FROM=stdin
  elif { : </dev/tty; } 2>/dev/null; then PASSWORD_FROM=tty
  elif [ ! -e "$DATA_DIR/pressluft.db" ]; then
    die "no terminal to read the admin password from (the script came through a pipe): run install.sh from a file with the password on stdin, or leave out --admin-email and run \`pressluft admin create\` later; nothing was changed"
  fi
fi
NODE_HOME=$PREFIX/node
UNIT=/etc/systemd/system/pressluft.service
ENV_FILE=/etc/default/pressluft
# The control plane's own certificate (--domain): a TLS name no site can have (site slugs never contain "--").
PANEL_SLUG=pressluft--panel
PANEL_DIR=/etc/pressluft/panel
PANEL_VHOST=/etc/nginx/sites-available/pressluft-panel.conf
PANEL_VHOST_LINK=/etc/nginx/sites-enabled/pressluft-panel.conf
PANEL_UNIT=/etc/systemd/system/pressluft-panel-certificate.service
PANEL_TIMER=/etc/systemd/system/pressluft-panel-certificate.timer
has_systemd() { [ -d /run/systemd/system ]; }

# ------------------------------------------------------------------------------------------- uninstall
if [ "$UNINSTALL" = 1 ]; then
  if has_systemd && [ -f "$UNIT" ]; then
    say "stopping and removing pressluft.service"
    systemctl disable --now pressluft.service >/dev/null 2>&1 || true
    rm -f "$UNIT"
    systemctl daemon-reload
  fi
  if [ -f "$PANEL_VHOST" ] || [ -f "$PANEL_TIMER" ]; then
    say "removing the control plane's HTTPS front ($PANEL_VHOST, pressluft-panel-certificate.timer)"
    if has_systemd; then systemctl disable --now pressluft-panel-certificate.timer >/dev/null 2>&1 || true; fi
    rm -f "$PANEL_TIMER" "$PANEL_UNIT" "$PANEL_VHOST_LINK" "$PANEL_VHOST"
    if has_systemd; then systemctl daemon-reload; fi
    if nginx -t -q 2>/dev/null; then systemctl reload nginx 2>/dev/null || true; fi
    # the kept settings must not go on believing forwarded headers from 127.0.0.1 with no proxy there
    if [ -f "$ENV_FILE" ] && grep -qx 'PRESSLUFT_TRUST_PROXY=on' "$ENV_FILE"; then
      say "PRESSLUFT_TRUST_PROXY=on removed from $ENV_FILE (install.sh --domain sets it again)"
      sed -i '/^PRESSLUFT_TRUST_PROXY=on$/d' "$ENV_FILE"
    fi
  fi
  [ "$(readlink -f /usr/local/bin/node 2>/dev/null)" != "$(readlink -f "$NODE_HOME/bin/node" 2>/dev/null || echo none)" ] || rm -f /usr/local/bin/node
  say "removing the code in $PREFIX"
  rm -rf --one-file-system "$PREFIX"
  if [ "$PURGE" = 1 ]; then
    say "purging the data directory $DATA_DIR, $ENV_FILE and the user pressluft"
    rm -rf --one-file-system "$DATA_DIR"
    rm -f "$ENV_FILE" /etc/sudoers.d/pressluft
    rm -rf --one-file-system "$PANEL_DIR" "/etc/pressluft/tls/$PANEL_SLUG" "/etc/nginx/pressluft/https/$PANEL_SLUG"
    if id pressluft >/dev/null 2>&1; then
      # its last SSH sessions (the stopped service's) may take a moment to close
      for _ in 1 2 3 4 5 6 7 8 9 10; do userdel pressluft 2>/dev/null && break; sleep 1; done
      ! id pressluft >/dev/null 2>&1 || die "userdel pressluft failed: processes of the user still running? (ps -u pressluft)"
    fi
    getent group pressluft >/dev/null && groupdel pressluft 2>/dev/null || true
  else
    say "kept: $DATA_DIR (database, keys), $ENV_FILE and the user pressluft (remove them with --uninstall --purge)"
  fi
  say "uninstalled"
  exit 0
fi

# Scratch space next to PREFIX (same file system: the unpacked release is moved into place, not copied).
mkdir -p "$(dirname "$PREFIX")"
WORK=$(mktemp -d "$PREFIX.install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say "OS packages"
need=()
for p in openssh-server openssh-client sudo tar xz-utils ca-certificates curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  # </dev/null: stdin may hold the admin password (read by `admin create` below), nothing else may eat it
  DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
fi

case "$(uname -m)" in
  x86_64 | amd64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) die "no Node.js 24 / Pressluft release for $(uname -m) (x86_64 and aarch64 are supported)" ;;
esac

download() { curl -fsSL --proto '=https' --tlsv1.2 --retry 3 -o "$2" "$1" </dev/null || die "download of $1 failed"; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------------------------------- code source
# STAGE: a release tree (release.json at its top). Empty: a checkout, built below.
STAGE=""
if [ -n "$RELEASE_URL" ]; then
  say "downloading $RELEASE_URL"
  RELEASE_ARCHIVE=$WORK/$(basename "${RELEASE_URL%%\?*}")
  download "$RELEASE_URL" "$RELEASE_ARCHIVE"
fi
if [ -n "$RELEASE_ARCHIVE" ]; then
  [ -f "$RELEASE_ARCHIVE" ] || die "$RELEASE_ARCHIVE: no such file"
  if [ -z "$RELEASE_SHA256" ] && [ -f "$RELEASE_ARCHIVE.sha256" ]; then
    RELEASE_SHA256=$(cut -d' ' -f1 "$RELEASE_ARCHIVE.sha256")
  fi
  [ -n "$RELEASE_SHA256" ] ||
    die "$RELEASE_ARCHIVE is not verified: give --release-sha256 HEX or put its .sha256 file (from npm run release) next to it"
  [ "$(sha256_of "$RELEASE_ARCHIVE")" = "$RELEASE_SHA256" ] ||
    die "$RELEASE_ARCHIVE does not match sha256 $RELEASE_SHA256: not installed"
  say "release archive verified (sha256 $RELEASE_SHA256)"
  mkdir "$WORK/release"
  tar -C "$WORK/release" --no-same-owner -xzf "$RELEASE_ARCHIVE"
  set -- "$WORK"/release/*/release.json
  [ $# = 1 ] && [ -f "$1" ] || die "$RELEASE_ARCHIVE is not a Pressluft release (no single top directory with release.json)"
  STAGE=$(dirname "$1")
elif [ -f "$SOURCE/release.json" ]; then
  STAGE=$SOURCE # ./install.sh from an unpacked release
elif [ ! -f "$SOURCE/package.json" ] || [ ! -d "$SOURCE/src" ]; then
  if [ "$SOURCE_GIVEN" = 1 ]; then die "$SOURCE is neither a Pressluft checkout nor an unpacked release"; fi
  die "not run from a checkout or an unpacked release: give --release-archive FILE or --release-url URL --release-sha256 HEX"
fi
RELEASE_NODE_MAJOR=""
if [ -n "$STAGE" ]; then
  meta=$(cat "$STAGE/release.json")
  RELEASE_VERSION=$(printf '%s' "$meta" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
  RELEASE_NODE_MAJOR=$(printf '%s' "$meta" | sed -n 's/.*"nodeMajor":\([0-9]*\).*/\1/p')
  release_arch=$(printf '%s' "$meta" | sed -n 's/.*"arch":"\([^"]*\)".*/\1/p')
  [ -n "$RELEASE_VERSION" ] && [ -n "$RELEASE_NODE_MAJOR" ] || die "$STAGE/release.json is not readable"
  [ "$release_arch" = "$ARCH" ] || die "the release is built for $release_arch, this machine is $ARCH"
  say "Pressluft $RELEASE_VERSION (release for Node.js $RELEASE_NODE_MAJOR, $release_arch)"
fi

# ------------------------------------------------------------------------------------------- Node.js
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# A Node fits when it is the release's major (its native modules are built for that ABI), or 24+ for a checkout.
node_fits() {
  local m; m=$(node_major "$1")
  if [ -n "$RELEASE_NODE_MAJOR" ]; then [ "$m" = "$RELEASE_NODE_MAJOR" ]; else [ "$m" -ge "$NODE_MIN_MAJOR" ]; fi
}
WANT_MAJOR=${RELEASE_NODE_MAJOR:-$NODE_MIN_MAJOR}

# Checks FILE against the line for NAME in a SHASUMS256.txt.
verify_against_shasums() {
  local want
  want=$(awk -v n="$2" '$2 == n || $2 == "*" n {print $1; exit}' "$3")
  [ ${#want} = 64 ] || die "$3 has no sha256 for $2"
  [ "$(sha256_of "$1")" = "$want" ] || die "$2 does not match its sha256 in $3: not installed"
}

install_node() {
  local file name top
  if [ -n "$NODE_ARCHIVE" ]; then
    [ -f "$NODE_ARCHIVE" ] || die "$NODE_ARCHIVE: no such file"
    file=$NODE_ARCHIVE
    name=$(basename "$file")
    if [ -n "$NODE_SHASUMS" ]; then
      verify_against_shasums "$file" "$name" "$NODE_SHASUMS"
      say "Node.js archive $name verified against $NODE_SHASUMS"
    else
      say "WARNING: $name is not checked against a SHASUMS256.txt (no --node-shasums): only its layout and version are checked"
    fi
  else
    local base=$NODE_DIST/latest-v$WANT_MAJOR.x
    [ -z "$NODE_VERSION" ] || base=$NODE_DIST/v$NODE_VERSION
    say "Node.js $WANT_MAJOR from $base"
    download "$base/SHASUMS256.txt" "$WORK/SHASUMS256.txt"
    if [ -n "$NODE_VERSION" ]; then name=node-v$NODE_VERSION-linux-$ARCH.tar.xz; else
      name=$(awk -v re="^node-v$WANT_MAJOR[.][0-9]+[.][0-9]+-linux-$ARCH[.]tar[.]xz\$" '$2 ~ re {print $2; exit}' "$WORK/SHASUMS256.txt")
      [ -n "$name" ] || die "$base/SHASUMS256.txt lists no linux-$ARCH.tar.xz archive"
    fi
    file=$WORK/$name
    download "$base/$name" "$file"
    verify_against_shasums "$file" "$name" "$WORK/SHASUMS256.txt"
    say "$name verified against the release's SHASUMS256.txt"
  fi
  case "$name" in node-v*-linux-"$ARCH".tar.xz | node-v*-linux-"$ARCH".tar.gz) ;; *) die "$name is not named like a Node.js release archive for linux-$ARCH (node-vX.Y.Z-linux-$ARCH.tar.xz)" ;; esac
  top=${name%.tar.*}
  install -d -m 0755 "$PREFIX"
  rm -rf "$NODE_HOME.new" && mkdir "$NODE_HOME.new"
  [ "$(tar -tf "$file" | head -1 | cut -d/ -f1)" = "$top" ] || die "$name does not unpack into $top/"
  tar -C "$NODE_HOME.new" --no-same-owner --strip-components=1 -xf "$file" || die "$name could not be unpacked"
  [ -x "$NODE_HOME.new/bin/node" ] || die "$name has no $top/bin/node"
  [ "$(node_major "$NODE_HOME.new/bin/node")" = "$WANT_MAJOR" ] || die "$name is not Node.js $WANT_MAJOR ($("$NODE_HOME.new/bin/node" --version 2>&1 || true))"
  chown -R root:root "$NODE_HOME.new" && chmod -R go-w "$NODE_HOME.new"
  rm -rf "$NODE_HOME.old"
  [ ! -e "$NODE_HOME" ] || mv "$NODE_HOME" "$NODE_HOME.old"
  mv "$NODE_HOME.new" "$NODE_HOME"
  rm -rf "$NODE_HOME.old"
  say "Node.js $("$NODE_HOME/bin/node" --version) in $NODE_HOME"
}

NODE=""
SYSTEM_NODE=$(command -v node || true)
case "$(readlink -f "$SYSTEM_NODE" 2>/dev/null)" in "$NODE_HOME"/*) SYSTEM_NODE="" ;; esac # our own link: not the system's
if [ -z "$NODE_ARCHIVE$NODE_VERSION" ]; then
  if [ -n "$SYSTEM_NODE" ] && node_fits "$SYSTEM_NODE"; then NODE=$SYSTEM_NODE; say "Node.js $("$NODE" --version) of this server ($NODE)"
  elif [ -x "$NODE_HOME/bin/node" ] && node_fits "$NODE_HOME/bin/node"; then NODE=$NODE_HOME/bin/node; say "Node.js $("$NODE" --version) in $NODE_HOME"
  fi
fi
if [ -z "$NODE" ]; then
  [ -z "$SYSTEM_NODE" ] || say "this server's Node.js is $("$SYSTEM_NODE" --version 2>/dev/null || echo unknown), Pressluft needs $WANT_MAJOR: installing its own into $NODE_HOME"
  install_node
  NODE=$NODE_HOME/bin/node
fi
if [ -z "$SYSTEM_NODE" ] && [ "$NODE" = "$NODE_HOME/bin/node" ]; then
  ln -sfn "$NODE_HOME/bin/node" /usr/local/bin/node # the server has no other node: make `pressluft` runnable
fi

say "user pressluft"
# One account, two roles on this host: the service user (home = its data directory) and, once the local
# node is bootstrapped, the node's management user that the control plane logs in as over SSH to
# 127.0.0.1 (bootstrap.yml: same name, same home; it gives the account /bin/bash, ~/.ssh/authorized_keys
# with the control plane's key, root-owned bundles/, runs/ and uploads/, facts.json and the sudoers file
# of the node entry point). Nothing here undoes that on a re-run: the user is created only when missing,
# and the home gets 0700, the mode of a private data directory (what the service itself keeps it at) and
# the mode bootstrap.yml gives it, so a later bootstrap finds nothing to change. See docs/configuration.md
# ("The local node").
if ! id pressluft >/dev/null 2>&1; then
  useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin --user-group pressluft
fi
install -d -m 0700 -o pressluft -g pressluft "$DATA_DIR"

# ------------------------------------------------------------------------------------------- code
install -d -m 0755 "$PREFIX"
if has_systemd && systemctl is-active --quiet pressluft.service 2>/dev/null; then
  say "stopping pressluft.service for the upgrade"
  systemctl stop pressluft.service
fi
if [ -n "$STAGE" ]; then
  say "code in $PREFIX (release $RELEASE_VERSION)"
  if [ "$(cd "$STAGE" && pwd -P)" != "$(cd "$PREFIX" && pwd -P)" ]; then
    # Each top-level entry replaced as a whole: nothing of the previous version stays behind (PREFIX/node is not part of a release).
    for entry in "$STAGE"/* "$STAGE"/.[!.]*; do
      [ -e "$entry" ] || continue
      base=$(basename "$entry")
      [ "$base" != node ] || die "a release must not contain node/"
      rm -rf --one-file-system "${PREFIX:?}/$base.new"
      case "$STAGE" in "$WORK"/*) mv "$entry" "$PREFIX/$base.new" ;; *) cp -a "$entry" "$PREFIX/$base.new" ;; esac # our own unpacked copy: move it
      rm -rf --one-file-system "${PREFIX:?}/$base"
      mv "$PREFIX/$base.new" "$PREFIX/$base"
    done
  fi
  cd "$PREFIX"
else
  say "code in $PREFIX (checkout $SOURCE)"
  if [ "$(cd "$SOURCE" && pwd -P)" != "$(cd "$PREFIX" && pwd -P)" ]; then
    tar -C "$SOURCE" --exclude=./data --exclude=./.git --exclude=./test-artifacts --exclude=./release --exclude=./node \
      -cf - . | tar -C "$PREFIX" -xf -
  fi
  cd "$PREFIX"
  rm -f release.json # a checkout over a release: no stale release metadata
  # `npm ci` writes node_modules/.package-lock.json: the dependencies are current when it exists and is not
  # older than package-lock.json (tar keeps both mtimes). npm is needed only when they must be installed, so a
  # checkout that already ran `npm ci` installs on a server without npm (or without a registry).
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    NPM=$(dirname "$NODE")/npm
    [ -x "$NPM" ] || NPM=$(command -v npm || true)
    [ -n "$NPM" ] ||
      die "the dependencies in $PREFIX/node_modules must be installed (npm ci), but npm is not found: install npm, run install.sh from a checkout where \`npm ci\` has run, or install a release archive"
    PATH=$(dirname "$NODE"):$PATH "$NPM" ci --no-audit --no-fund </dev/null
  fi
  say "build"
  "$NODE" node_modules/typescript/bin/tsc -p tsconfig.build.json # = npm run build, without needing npm
fi
chown -R root:root "$PREFIX"
chmod -R u+rwX,go+rX,go-w "$PREFIX" # readable by the service user, writable only by root

if [ ! -f "$ENV_FILE" ]; then
  # The service (and its worker, which bootstraps the local node) reads only this file: PRESSLUFT_*
  # variables given to install.sh go in here, or they would not reach it.
  extra=$(env | grep '^PRESSLUFT_' | grep -v '^PRESSLUFT_\(DATA_DIR\|HTTP_HOST\|HTTP_PORT\)=' | sort || true)
  if printf '%s\n' "$extra" | grep -v '^$' | grep -v '^PRESSLUFT_[A-Z0-9_]*=[A-Za-z0-9._:/@-]*$' >/dev/null; then
    die "PRESSLUFT_* values may only contain A-Z a-z 0-9 . _ : / @ -"
  fi
  cat > "$ENV_FILE" <<EOF
# Pressluft settings (docs/configuration.md). The HTTP API stays on loopback unless you change it.
PRESSLUFT_DATA_DIR=$DATA_DIR
PRESSLUFT_HTTP_HOST=${PRESSLUFT_HTTP_HOST:-127.0.0.1}
PRESSLUFT_HTTP_PORT=${PRESSLUFT_HTTP_PORT:-8080}
${extra}
EOF
  chmod 0644 "$ENV_FILE"
else
  say "keeping $ENV_FILE (edit it, then systemctl restart pressluft)"
fi
# Behind the local Nginx the service takes protocol and client address from it (connections from 127.0.0.1 only).
if [ -n "$PANEL_DOMAIN" ] && ! grep -qx 'PRESSLUFT_TRUST_PROXY=on' "$ENV_FILE"; then
  say "PRESSLUFT_TRUST_PROXY=on in $ENV_FILE (the control plane is served through this host's Nginx)"
  sed -i '/^PRESSLUFT_TRUST_PROXY=/d' "$ENV_FILE"
  echo 'PRESSLUFT_TRUST_PROXY=on' >> "$ENV_FILE"
fi

# Everything below runs the CLI as the pressluft user on the same data directory as the service.
# umask 077 as in the unit (UMask=0077): the first command creates pressluft.db and the keys, and the
# first command after an upgrade applies its migrations (once: schema_migrations records them).
as_pressluft() { (cd "$PREFIX" && umask 077 && set -a && . "$ENV_FILE" && set +a && exec setpriv --reuid=pressluft --regid=pressluft --init-groups "$NODE" bin/pressluft "$@"); }

say "control plane key"
PUBKEY=$(as_pressluft ssh-key)
KEY_BLOB=$(printf '%s\n' "$PUBKEY" | awk '{print $2}')
[ -n "$KEY_BLOB" ] || die "pressluft ssh-key printed no public key"

if has_systemd; then
  say "systemd unit"
  cat > "$UNIT" <<EOF
[Unit]
Description=Pressluft control plane
After=network-online.target
Wants=network-online.target

[Service]
User=pressluft
Group=pressluft
EnvironmentFile=$ENV_FILE
WorkingDirectory=$PREFIX
ExecStart=$NODE $PREFIX/bin/pressluft serve
Restart=on-failure
# The account is also this host's node management user with its sudo rules (see "user pressluft"):
# no new privileges and no capabilities, so neither sudo nor any setuid binary works in here; root
# work on this host goes over SSH to 127.0.0.1, as on every node.
NoNewPrivileges=yes
CapabilityBoundingSet=
RestrictSUIDSGID=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
LockPersonality=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=$DATA_DIR
UMask=0077

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable pressluft.service >/dev/null
  if [ "$START" = 1 ]; then systemctl restart pressluft.service; fi
else
  say "no systemd here: start it with: setpriv --reuid=pressluft --regid=pressluft --init-groups env \$(grep -v '^#' $ENV_FILE | xargs) $NODE $PREFIX/bin/pressluft serve"
fi

# A re-run (upgrade/repair) with the same --admin-email leaves an existing admin and its password alone.
admin_exists() {
  as_pressluft local events export --type UserCreated | grep -iF "\"email\":\"$1\"" >/dev/null # no -q: pipefail
}

if [ -n "$ADMIN_EMAIL" ] && admin_exists "$ADMIN_EMAIL"; then
  say "admin $ADMIN_EMAIL exists already (password unchanged)"
elif [ -n "$ADMIN_EMAIL" ]; then
  case "$PASSWORD_FROM" in
    terminal | tty)
      say "first admin $ADMIN_EMAIL (password from the terminal)"
      if [ "$PASSWORD_FROM" = terminal ]; then read -r -s -p "Password for $ADMIN_EMAIL (12+ characters): " PASSWORD
      else read -r -s -p "Password for $ADMIN_EMAIL (12+ characters): " PASSWORD </dev/tty; fi
      echo
      printf '%s' "$PASSWORD" | as_pressluft admin create --email "$ADMIN_EMAIL"
      unset PASSWORD
      ;;
    stdin)
      say "first admin $ADMIN_EMAIL (password from stdin)"
      as_pressluft admin create --email "$ADMIN_EMAIL"
      ;;
    *) die "no terminal to read the password of the new admin $ADMIN_EMAIL from (the script came through a pipe): the rest is installed; run \`pressluft admin create --email $ADMIN_EMAIL\` as the pressluft user" ;;
  esac
fi

# ------------------------------------------------------------------------------------------- local node
ROOT_KEYS=/root/.ssh/authorized_keys
# Root's key for the control plane is only for the first bootstrap of the local node: usable from this
# host only, without port/agent/X11 forwarding or a terminal (bootstrap needs none of them).
ROOT_KEY_OPTIONS='from="127.0.0.1",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty'
# Sets LOCAL_LINE to the node "local" (JSON), empty when it is not registered. Called in this shell, not in
# $(…), so a failing CLI stops install.sh with its message instead of reading as "not registered (yet)".
read_local_node() {
  local list
  list=$(as_pressluft local node list) || die "pressluft local node list failed (see above)"
  LOCAL_LINE=$(printf '%s\n' "$list" | grep '"name":"local"' | grep -v '"status":"decommissioned"' || true)
}
local_switched() { # the control plane works as pressluft@127.0.0.1 on the local node (per the last read_local_node)
  printf '%s' "$LOCAL_LINE" | grep -F '"user":"pressluft"' | grep -F '"status":"ready"' >/dev/null
}
remove_root_key() {
  [ -f "$ROOT_KEYS" ] && grep -qF -- "$KEY_BLOB" "$ROOT_KEYS" || return 0
  grep -vF -- "$KEY_BLOB" "$ROOT_KEYS" > "$ROOT_KEYS.pressluft-new" || true
  cat "$ROOT_KEYS.pressluft-new" > "$ROOT_KEYS" # rewrite in place: owner and mode stay
  rm -f "$ROOT_KEYS.pressluft-new"
  say "removed the control plane's key from $ROOT_KEYS (it works as pressluft@127.0.0.1 now)"
}

if [ "$LOCAL_NODE" = 1 ]; then
  read_local_node
  if [ -n "$LOCAL_LINE" ]; then
    say "node 'local' is registered already"
  else
    say "local node over SSH to 127.0.0.1"
    install -d -m 0700 /root/.ssh
    touch "$ROOT_KEYS" && chmod 0600 "$ROOT_KEYS"
    grep -vF -- "$KEY_BLOB" "$ROOT_KEYS" > "$ROOT_KEYS.pressluft-new" || true # an older, unrestricted line goes
    printf '%s %s\n' "$ROOT_KEY_OPTIONS" "$PUBKEY" >> "$ROOT_KEYS.pressluft-new"
    cat "$ROOT_KEYS.pressluft-new" > "$ROOT_KEYS" && rm -f "$ROOT_KEYS.pressluft-new"
    if has_systemd; then systemctl start ssh 2>/dev/null || systemctl start sshd; else service ssh start >/dev/null; fi
    as_pressluft local node add --name local --host 127.0.0.1 ||
      die "registering this host as node 'local' failed (see above); fix it and run install.sh again, or pass --no-local-node"
    read_local_node
  fi
  if local_switched; then
    remove_root_key
  elif [ "$START" = 1 ] && has_systemd; then
    say "waiting for the bootstrap of node 'local' (up to ${BOOTSTRAP_TIMEOUT} s; it installs the web stack)"
    deadline=$(($(date +%s) + BOOTSTRAP_TIMEOUT))
    while :; do
      read_local_node
      if local_switched; then remove_root_key; break; fi
      status=$(printf '%s' "$LOCAL_LINE" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
      if [ "$status" = failed ] || [ "$(date +%s)" -ge "$deadline" ]; then
        say "node 'local' is ${status:-unknown} (see its jobs on the Nodes page or GET /api/v1/jobs); root's key stays until the control plane works as pressluft: run install.sh again afterwards"
        break
      fi
      sleep 3
    done
  fi
fi

# ------------------------------------------------------------------------------------------- HTTPS front (--domain)
setup_panel_https() {
  local f port ipv6=""
  for f in /usr/bin/lego /usr/bin/ansible-playbook /etc/nginx/pressluft/acme-challenge.conf /etc/nginx/pressluft/tls-params.conf; do
    [ -e "$f" ] || die "$f is missing: the local node's bootstrap installs it (see its jobs), then run install.sh --domain $PANEL_DOMAIN again"
  done
  say "HTTPS for https://$PANEL_DOMAIN (certificate from the service's PRESSLUFT_ACME_* settings)"
  install -d -m 0700 -o root -g root "$PANEL_DIR"
  # The playbook's variables from the service's own settings, read by the installed code's loadSettings
  # from $ENV_FILE in the service's working directory (the same defaults, aliases and checks as the
  # service), JSON-encoded by node (the CA bundle is PEM text); 0600, never on a command line. Prints the port.
  port=$(cd "$PREFIX" && umask 077 && set -a && . "$ENV_FILE" && set +a && "$NODE" -e '
    const fs = require("node:fs");
    const { loadSettings } = require("./dist/src/infrastructure/config/settings.js");
    const [domain, slug, out, envFile] = process.argv.slice(1);
    let s;
    try {
      s = loadSettings(process.env);
    } catch (e) {
      console.error(`install.sh: ${e.message} (in ${envFile})`);
      process.exit(1);
    }
    if (!s.acmeEmail) {
      console.error(`install.sh: --domain needs the ACME account e-mail: put PRESSLUFT_ACME_EMAIL=you@example.com into ${envFile} (it accepts the CA terms) and run install.sh --domain ${domain} again`);
      process.exit(1);
    }
    fs.writeFileSync(out, JSON.stringify({
      env_slug: slug, primary_domain: domain, domain_aliases: [], acme_directory_url: s.acmeDirectoryUrl, acme_email: s.acmeEmail,
      acme_ca_bundle: s.acmeCaFile ? fs.readFileSync(s.acmeCaFile, "utf8") : "", renew_share: s.certRenewShare, hsts: true,
    }, null, 2) + "\n");
    process.stdout.write(String(s.httpPort));' "$PANEL_DOMAIN" "$PANEL_SLUG" "$PANEL_DIR/certificate.json.new" "$ENV_FILE") ||
    die "the settings in $ENV_FILE do not allow a certificate (above); fix them and run install.sh --domain $PANEL_DOMAIN again"
  mv -f "$PANEL_DIR/certificate.json.new" "$PANEL_DIR/certificate.json"

  [ ! -e /proc/net/if_inet6 ] || ipv6="    listen [::]:80;"
  cat > "$PANEL_VHOST.new" <<VHOST
# Written by install.sh --domain (docs/tls.md): the Pressluft control plane at https://$PANEL_DOMAIN. The
# service listens on loopback only; over plain HTTP this name answers the ACME challenge and, once the
# certificate is there, redirects to HTTPS (the snippet site-certificate.yml writes).
server {
    listen 80;
$ipv6
    server_name $PANEL_DOMAIN;
    include /etc/nginx/pressluft/acme-challenge.conf;
    include /etc/nginx/pressluft/https/$PANEL_SLUG/*.conf;
    # the service enforces its own limits (PRESSLUFT_HTTP_BODY_LIMIT, the upload limit)
    client_max_body_size 0;

    location / {
        # never a sign-in over plain HTTP, not even before the first certificate
        if (\$scheme != "https") {
            return 503;
        }
        proxy_pass http://127.0.0.1:$port;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-Host \$host;
        proxy_set_header X-Forwarded-Proto \$scheme;
        # the client as this Nginx saw it (what the browser sent is dropped): the login throttle's key
        proxy_set_header X-Forwarded-For \$remote_addr;
        # live job logs (server-sent events) pass as they are written
        proxy_buffering off;
        proxy_read_timeout 1h;
    }
}
VHOST
  mv -f "$PANEL_VHOST.new" "$PANEL_VHOST"
  ln -sfn "$PANEL_VHOST" "$PANEL_VHOST_LINK"
  nginx -t -q || die "nginx refused $PANEL_VHOST (nginx -t above)"
  systemctl reload nginx

  "$PREFIX/bin/pressluft-panel-certificate" ||
    die "no certificate for $PANEL_DOMAIN (see above): point its DNS at this server and let port 80 through, then run install.sh --domain $PANEL_DOMAIN again; until then the control plane answers on 127.0.0.1 only"

  # Renewal: a timer of this host, not the control plane's scheduler (docs/tls.md says why).
  cat > "$PANEL_UNIT" <<UNIT
[Unit]
Description=Renew the HTTPS certificate of the Pressluft control plane ($PANEL_DOMAIN) when it is due
After=network-online.target nginx.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=$PREFIX/bin/pressluft-panel-certificate
UNIT
  cat > "$PANEL_TIMER" <<TIMER
[Unit]
Description=Check the Pressluft control plane's HTTPS certificate twice a day

[Timer]
OnCalendar=*-*-* 00/12:00:00
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
TIMER
  systemctl daemon-reload
  systemctl enable --now pressluft-panel-certificate.timer >/dev/null
  say "the control plane answers at https://$PANEL_DOMAIN/ (certificate renewed by pressluft-panel-certificate.timer)"
}

if [ -n "$PANEL_DOMAIN" ]; then
  read_local_node
  if [ "$START" = 1 ] && has_systemd && local_switched; then
    setup_panel_https
  else
    say "HTTPS for $PANEL_DOMAIN comes once the service runs and node 'local' is bootstrapped: run install.sh --domain $PANEL_DOMAIN again then"
    [ "$START" = 0 ] || exit 1
  fi
fi

say "done: curl http://127.0.0.1:8080/healthz"
exit 0
}
