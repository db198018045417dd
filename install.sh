#!/bin/bash
# install.sh — install Pressluft on a fresh Debian 12 / Ubuntu 22.04+ server (run as root).
#
#   sudo ./install.sh [--source DIR] [--prefix /opt/pressluft] [--data-dir /var/lib/pressluft]
#                     [--admin-email E] [--no-local-node] [--no-start]
#
# What it does (idempotent: run it again to upgrade or repair):
#   1. checks Node.js >= 20 and installs the OS packages Pressluft needs (sshd, sudo, tar)
#   2. creates the unprivileged system user `pressluft` (the control plane never runs as root)
#   3. copies the code to PREFIX, installs the dependencies (npm ci) only when node_modules is missing or
#      older than package-lock.json (a checkout that ran `npm ci` needs no npm here), builds it with tsc
#   4. writes a hardened systemd unit (or, without systemd, tells you how to start it) and starts it
#   5. with --admin-email: creates the first admin; the password is read from the terminal or stdin,
#      never from the command line
#   6. registers this host as the node "local" over SSH to 127.0.0.1 (one execution path for local and
#      remote nodes): the control plane's public key goes into root's authorized_keys for the first
#      bootstrap, which creates the management user pressluft (key login, narrow sudo) and turns root's
#      SSH login off (PRESSLUFT_LOCK_ROOT_LOGIN=off keeps it); from then on it is pressluft@127.0.0.1
# Settings can be given as environment variables too (PRESSLUFT_HTTP_HOST etc., see docs/configuration.md).
set -euo pipefail

SOURCE=$(cd "$(dirname "$0")" && pwd)
PREFIX=/opt/pressluft
DATA_DIR=/var/lib/pressluft
ADMIN_EMAIL=""
LOCAL_NODE=1
START=1
while [ $# -gt 0 ]; do
  case "$1" in
    --source) SOURCE=$2; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --admin-email) ADMIN_EMAIL=$2; shift 2 ;;
    --no-local-node) LOCAL_NODE=0; shift ;;
    --no-start) START=0; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { echo "[pressluft-install] $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
[ -f "$SOURCE/package.json" ] || die "$SOURCE is not a Pressluft checkout"
case "$PREFIX$DATA_DIR" in *[!A-Za-z0-9/._-]*) die "paths may only contain A-Z a-z 0-9 / . _ -" ;; esac

NODE=$(command -v node || true)
[ -n "$NODE" ] || die "Node.js 20 or newer is needed (not found)"
NODE_MAJOR=$("$NODE" -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js 20 or newer is needed (found $("$NODE" --version))"

say "OS packages"
need=()
for p in openssh-server openssh-client sudo tar ca-certificates; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  # </dev/null: stdin may hold the admin password (read by `admin create` below), nothing else may eat it
  DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
fi

say "user pressluft"
# One account, two roles on this host: the service user (home = its data directory) and, once the local
# node is bootstrapped, the node's management user that the control plane logs in as over SSH to
# 127.0.0.1 (bootstrap.yml: same name, same home; it gives the account /bin/bash, ~/.ssh/authorized_keys
# with the control plane's key, root-owned bundles/ and runs/, facts.json and a narrow sudoers file).
# Nothing here undoes that on a re-run: the user is created only when missing, and the home gets the
# mode bootstrap.yml gives it (0750, group pressluft has no other member), so a later bootstrap finds
# nothing to change. See docs/configuration.md ("The local node").
if ! id pressluft >/dev/null 2>&1; then
  useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin --user-group pressluft
fi
install -d -m 0750 -o pressluft -g pressluft "$DATA_DIR"

say "code in $PREFIX"
install -d -m 0755 "$PREFIX"
if [ "$(cd "$SOURCE" && pwd -P)" != "$(cd "$PREFIX" && pwd -P)" ]; then
  tar -C "$SOURCE" --exclude=./data --exclude=./.git --exclude=./test-artifacts -cf - . | tar -C "$PREFIX" -xf -
fi
cd "$PREFIX"
# `npm ci` writes node_modules/.package-lock.json: the dependencies are current when it exists and is not
# older than package-lock.json (tar keeps both mtimes). npm is needed only when they must be installed, so a
# checkout that already ran `npm ci` installs on a server without npm (or without a registry).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null 2>&1 ||
    die "the dependencies in $PREFIX/node_modules must be installed (npm ci), but npm is not found: install npm, or run install.sh from a checkout where \`npm ci\` has run"
  npm ci --no-audit --no-fund </dev/null
fi
say "build"
"$NODE" node_modules/typescript/bin/tsc -p tsconfig.build.json # = npm run build, without needing npm
chown -R root:root "$PREFIX"
chmod -R u+rwX,go+rX,go-w "$PREFIX" # readable by the service user, writable only by root

ENV_FILE=/etc/default/pressluft
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

# Everything below runs the CLI as the pressluft user on the same data directory as the service.
# umask 077 as in the unit (UMask=0077): the first command creates pressluft.db and the keys.
as_pressluft() { (cd "$PREFIX" && umask 077 && set -a && . "$ENV_FILE" && set +a && exec setpriv --reuid=pressluft --regid=pressluft --init-groups "$NODE" bin/pressluft "$@"); }

say "control plane key"
PUBKEY=$(as_pressluft ssh-key)

if [ -d /run/systemd/system ]; then
  say "systemd unit"
  cat > /etc/systemd/system/pressluft.service <<EOF
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
  [ "$START" = 1 ] && systemctl restart pressluft.service
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
  say "first admin $ADMIN_EMAIL (password from stdin)"
  if [ -t 0 ]; then
    read -r -s -p "Password for $ADMIN_EMAIL (12+ characters): " PASSWORD; echo
    printf '%s' "$PASSWORD" | as_pressluft admin create --email "$ADMIN_EMAIL"
    unset PASSWORD
  else
    as_pressluft admin create --email "$ADMIN_EMAIL"
  fi
fi

if [ "$LOCAL_NODE" = 1 ]; then
  # Registered once: after its bootstrap the control plane logs in as pressluft and root's SSH login is
  # off, so a re-run neither touches root's authorized_keys nor registers it again.
  if as_pressluft local node list | grep '"name":"local"' | grep -v '"status":"decommissioned"' >/dev/null; then
    say "node 'local' is registered already"
  else
    say "local node over SSH to 127.0.0.1"
    install -d -m 0700 /root/.ssh
    touch /root/.ssh/authorized_keys && chmod 0600 /root/.ssh/authorized_keys
    grep -qxF "$PUBKEY" /root/.ssh/authorized_keys || printf '%s\n' "$PUBKEY" >> /root/.ssh/authorized_keys
    if [ -d /run/systemd/system ]; then systemctl start ssh 2>/dev/null || systemctl start sshd; else service ssh start >/dev/null; fi
    as_pressluft local node add --name local --host 127.0.0.1 ||
      die "registering this host as node 'local' failed (see above); fix it and run install.sh again, or pass --no-local-node"
  fi
fi

say "done: curl http://127.0.0.1:8080/healthz"
