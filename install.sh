#!/bin/bash
# install.sh — install Pressluft on a fresh Debian 12 / Ubuntu 22.04+ server (run as root).
#
#   sudo ./install.sh [--source DIR] [--prefix /opt/pressluft] [--data-dir /var/lib/pressluft]
#                     [--admin-email E] [--no-local-node] [--no-start]
#
# What it does (idempotent: run it again to upgrade or repair):
#   1. checks Node.js >= 20 and installs the OS packages Pressluft needs (sshd, sudo, tar)
#   2. creates the unprivileged system user `pressluft` (the control plane never runs as root)
#   3. copies the code to PREFIX, installs production dependencies and builds it
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
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

say "user pressluft"
if ! id pressluft >/dev/null 2>&1; then
  useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin --user-group pressluft
fi
install -d -m 0700 -o pressluft -g pressluft "$DATA_DIR"

say "code in $PREFIX"
install -d -m 0755 "$PREFIX"
tar -C "$SOURCE" --exclude=./data --exclude=./.git --exclude=./test-artifacts -cf - . | tar -C "$PREFIX" -xf -
cd "$PREFIX"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
chown -R root:root "$PREFIX"

ENV_FILE=/etc/default/pressluft
if [ ! -f "$ENV_FILE" ]; then
  cat > "$ENV_FILE" <<EOF
# Pressluft settings (docs/configuration.md). The HTTP API stays on loopback unless you change it.
PRESSLUFT_DATA_DIR=$DATA_DIR
PRESSLUFT_HTTP_HOST=127.0.0.1
PRESSLUFT_HTTP_PORT=8080
EOF
  chmod 0644 "$ENV_FILE"
fi

# Everything below runs the CLI as the pressluft user on the same data directory as the service.
as_pressluft() { (cd "$PREFIX" && set -a && . "$ENV_FILE" && set +a && exec setpriv --reuid=pressluft --regid=pressluft --init-groups "$NODE" bin/pressluft "$@"); }

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
NoNewPrivileges=yes
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
  say "no systemd here: start it with: setpriv --reuid=pressluft --regid=pressluft --init-groups env \$(cat $ENV_FILE | xargs) $NODE $PREFIX/bin/pressluft serve"
fi

if [ -n "$ADMIN_EMAIL" ]; then
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
  say "local node over SSH to 127.0.0.1"
  install -d -m 0700 /root/.ssh
  touch /root/.ssh/authorized_keys && chmod 0600 /root/.ssh/authorized_keys
  grep -qxF "$PUBKEY" /root/.ssh/authorized_keys || printf '%s\n' "$PUBKEY" >> /root/.ssh/authorized_keys
  if [ -d /run/systemd/system ]; then systemctl start ssh 2>/dev/null || systemctl start sshd; else service ssh start >/dev/null; fi
  as_pressluft node add --name local --host 127.0.0.1 || say "node 'local' is already registered"
fi

say "done: curl http://127.0.0.1:8080/healthz"
