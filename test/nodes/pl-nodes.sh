#!/bin/bash
# pl-nodes.sh — throwaway Pressluft test nodes on one Debian 12 host (run as root).
#
# Each node is a Debian 12 root filesystem booted with systemd-nspawn (real systemd as PID 1),
# on an overlayfs copy of a cached template, in its own network namespace with a veth pair:
# node N = 10.254.N.2/24, host side 10.254.N.1. Nodes have no default route, and the host gets an
# `unreachable 10.254.0.0/16` route before any node exists, so test traffic never leaves the machine.
#
# Usage:
#   pl-nodes.sh template                 build (or reuse) the "bare" and "full" templates
#   pl-nodes.sh up KIND N [PUBKEY...]    boot node N (1..254) from template KIND (bare|full); install the
#                                        given SSH public key file(s) for root (default: STATE/id_ed25519.pub)
#   pl-nodes.sh down N                   stop node N of this state dir and remove netns/veth/overlay
#   pl-nodes.sh down-all                 stop every node of THIS state dir, and its apt proxy
#   pl-nodes.sh status                   list nodes of this state dir
#   pl-nodes.sh exec N CMD...            run CMD inside node N (nsenter, all namespaces)
#   pl-nodes.sh ip N                     print node N's address
#   pl-nodes.sh fingerprint N            print node N's ed25519 host key fingerprint (SHA256:...)
#
# Settings (environment variables):
#   PL_NODES_BASE       first node number of this run (default 10). Used to name the default state dir
#                       and the apt proxy address; node numbers themselves are given explicitly (N).
#   PL_NODES_PREFIX     name prefix for netns/veth/proxy links, [a-z0-9]{1,6} (default "pl").
#                       netns = PREFIX-nN, host veth = PREFIXhN, proxy veth = PREFIXpBASE/PREFIXqBASE.
#   PL_NODES_STATE_DIR  per-run state: node overlays, PIDs, logs, apt proxy
#                       (default /var/tmp/pressluft-nodes/PREFIX-BASE).
#   PL_NODES_CACHE_DIR  template cache, shared between runs (default /var/cache/pressluft-test-templates).
#                       Templates live in KIND-HASH dirs, so a rebuild never touches a template in use.
#   PL_NODES_BOOT_TIMEOUT  seconds to wait for sshd + systemd at boot (default 90).
#
# apt inside nodes: an apt-cacher-ng (one per state dir, started on the first `up`) listens only on
# 10.254.0.BASE:3142, an address on a host-local veth pair that only nodes (and the host) can reach.
# Each node gets a /32 route to it via its host side and Acquire::http::Proxy pointing at it. Mirrors
# come from the host's own apt sources; no mirror host name is written in this script.
set -euo pipefail

SCRIPT_VERSION=3
BASE=${PL_NODES_BASE:-10}
PREFIX=${PL_NODES_PREFIX:-pl}
STATE=${PL_NODES_STATE_DIR:-/var/tmp/pressluft-nodes/$PREFIX-$BASE}
CACHE=${PL_NODES_CACHE_DIR:-/var/cache/pressluft-test-templates}
BOOT_TIMEOUT=${PL_NODES_BOOT_TIMEOUT:-90}
SUITE=bookworm

BARE_PKGS="systemd systemd-sysv dbus iproute2 ca-certificates openssh-server sudo python3"
FULL_PKGS="nginx php8.2 php8.2-fpm php8.2-cli php8.2-mysql php8.2-gd php8.2-curl php8.2-xml php8.2-mbstring"
FULL_PKGS+=" php8.2-zip php8.2-intl mariadb-server mariadb-client wordpress wordpress-theme-twentytwentythree"
FULL_PKGS+=" restic curl rsync ansible-core git composer"
# the rest of what bootstrap.yml installs, so a bootstrap on a full node does not spend its time in apt;
# their services stay disabled until bootstrap.yml configures and enables them (FULL_DISABLED)
FULL_PKGS+=" unattended-upgrades fail2ban python3-systemd nftables lego openssl logrotate"
FULL_DISABLED="fail2ban nftables"

log() { echo "[pl-nodes $(date +%T)] $*" >&2; }
die() { echo "pl-nodes: $*" >&2; exit 1; }

[[ $PREFIX =~ ^[a-z0-9]{1,6}$ ]] || die "PL_NODES_PREFIX must match [a-z0-9]{1,6}"
[[ $BASE =~ ^[0-9]+$ ]] && (( BASE >= 1 && BASE <= 254 )) || die "PL_NODES_BASE must be 1..254"
[ "$(id -u)" = 0 ] || die "must run as root"

PROXY_IP=10.254.0.$BASE
PROXY_PORT=3142
PROXY_LINK=${PREFIX}p$BASE
PROXY_PEER=${PREFIX}q$BASE

# ---------------------------------------------------------------- host apt sources (no hard-coded mirror)
# Prints "URI SUITE" pairs from the host's deb822 sources, falling back to one-line sources.list entries.
host_sources() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS="";FS="\n"} {t="";u="";s="";
           for(i=1;i<=NF;i++){ if($i ~ /^Types:/) t=$i; if($i ~ /^URIs:/){sub(/^URIs:[ \t]*/,"",$i);u=$i}
                               if($i ~ /^Suites:/){sub(/^Suites:[ \t]*/,"",$i);s=$i}
                               if($i ~ /^Enabled:[ \t]*no/) t="" }
           if(t ~ /(^|[ \t])deb([ \t]|$)/){ n=split(u,U,/[ \t]+/); m=split(s,S,/[ \t]+/);
             for(a=1;a<=n;a++) for(b=1;b<=m;b++) print U[a], S[b] } }' "$f"
  done
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk '$1=="deb"{i=2; if($2 ~ /^\[/){while($i !~ /\]$/) i++; i++} print $i, $(i+1)}'
}
# Mirror serving the main suite (for debootstrap and the proxy backend); security mirror.
main_mirror() { host_sources | awk -v s=$SUITE '$2==s && !d{sub(/\/$/,"",$1); print $1; d=1}'; }
security_mirror() { host_sources | awk -v s=$SUITE-security '$2==s && !d{sub(/\/$/,"",$1); print $1; d=1}'; }

# ---------------------------------------------------------------- templates
tpl_hash() {   # KIND -> hash of everything that defines the template
  local extra=""; [ "$1" = full ] && extra="$FULL_PKGS $FULL_DISABLED"
  printf '%s\n' "v$SCRIPT_VERSION" "$SUITE" "$BARE_PKGS" "$extra" "$(host_sources | sort -u)" | sha256sum | cut -c1-16
}
tpl_dir() { echo "$CACHE/$1-$(tpl_hash "$1")"; }

CHROOT_MOUNTS=()
chroot_mount() {
  local R=$1 m
  for m in proc sys dev dev/pts; do
    mountpoint -q "$R/$m" || { mount --bind "/$m" "$R/$m"; CHROOT_MOUNTS=("$R/$m" "${CHROOT_MOUNTS[@]}"); }
  done
}
chroot_umount() { local m; for m in "${CHROOT_MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" || true; done; CHROOT_MOUNTS=(); }
in_root() { local R=$1; shift; chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

build_template() {   # KIND
  local kind=$1 T T_tmp mirror
  T=$(tpl_dir "$kind"); T_tmp=$T.tmp.$$
  if [ -f "$T/.pl-stamp" ]; then log "$kind template up to date: $T"; return 0; fi
  rm -rf --one-file-system "$T" "$T".tmp.*
  trap 'chroot_umount; rm -rf --one-file-system "'"$T_tmp"'"' EXIT
  local t0=$SECONDS
  if [ "$kind" = bare ]; then
    mirror=$(main_mirror); [ -n "$mirror" ] || die "no $SUITE entry in the host's apt sources"
    log "debootstrap $SUITE from the host's mirror"
    debootstrap --variant=minbase "$SUITE" "$T_tmp" "$mirror" >"$CACHE/debootstrap-$kind.log" 2>&1 ||
      { tail -20 "$CACHE/debootstrap-$kind.log" >&2; die "debootstrap failed"; }
    # apt sources = the host's own (main, updates, security)
    rm -f "$T_tmp/etc/apt/sources.list" "$T_tmp"/etc/apt/sources.list.d/*
    cp /etc/apt/sources.list.d/*.sources "$T_tmp/etc/apt/sources.list.d/" 2>/dev/null || true
    [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list && cp /etc/apt/sources.list "$T_tmp/etc/apt/"
    # no daemons while building; each node's overlay deletes this file so systemd starts services at boot
    printf '#!/bin/sh\nexit 101\n' > "$T_tmp/usr/sbin/policy-rc.d"; chmod 755 "$T_tmp/usr/sbin/policy-rc.d"
    chroot_mount "$T_tmp"
    in_root "$T_tmp" sh -c "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $BARE_PKGS >/dev/null && apt-get clean"
    chroot_umount
    mkdir -p "$T_tmp/etc/ssh/sshd_config.d"
    printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUseDNS no\n' \
      > "$T_tmp/etc/ssh/sshd_config.d/10-pl-nodes.conf"
    rm -f "$T_tmp"/etc/ssh/ssh_host_*          # regenerated per node
    : > "$T_tmp/etc/machine-id"                # nspawn gives each node its own
    rm -f "$T_tmp/var/lib/dbus/machine-id"
  else
    local B; B=$(tpl_dir bare); [ -f "$B/.pl-stamp" ] || die "bare template missing"
    cp -a "$B" "$T_tmp"; rm -f "$T_tmp/.pl-stamp"
    chroot_mount "$T_tmp"
    in_root "$T_tmp" sh -c "apt-get install -y -q --no-install-recommends $FULL_PKGS >/dev/null && apt-get clean"
    in_root "$T_tmp" systemctl disable --quiet $FULL_DISABLED
    chroot_umount
    rm -f "$T_tmp"/etc/ssh/ssh_host_*
  fi
  tpl_hash "$kind" > "$T_tmp/.pl-stamp"
  mv -T "$T_tmp" "$T"
  trap - EXIT
  log "$kind template built in $((SECONDS - t0)) s: $T"
}

# Remove templates of other versions that no overlay uses and that no `up` used for a day: branches
# with different package lists share the cache, and pruning a template another checkout still boots
# from would make the two rebuild each other's template over and over.
prune_templates() {
  local d cur_bare cur_full
  cur_bare=$(tpl_dir bare); cur_full=$(tpl_dir full)
  for d in "$CACHE"/bare-* "$CACHE"/full-*; do
    [ -d "$d" ] || continue
    case "$d" in "$cur_bare"|"$cur_full"|*.tmp.*) continue ;; esac
    grep -q "lowerdir=$d[,:]" /proc/mounts && continue
    [ -n "$(find "$d/.pl-stamp" "$d.last-used" -maxdepth 0 -mmin -1440 2>/dev/null)" ] && continue
    rm -f "$d.last-used"
    log "removing old template $d"; rm -rf --one-file-system "$d"
  done
}

cmd_template() {
  command -v debootstrap >/dev/null || die "debootstrap missing (run test/setup-host.sh)"
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"; flock 9          # one builder at a time; others wait and then reuse
  build_template bare
  build_template full
  prune_templates
}

# ---------------------------------------------------------------- network helpers
ensure_unreachable_route() {
  ip route show type unreachable | grep -q '^unreachable 10\.254\.0\.0/16' ||
    ip route add unreachable 10.254.0.0/16 2>/dev/null ||
    ip route show type unreachable | grep -q '^unreachable 10\.254\.0\.0/16' || die "cannot add unreachable route"
}
check_n() { [[ ${1:-} =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 254 )) || die "node number must be 1..254"; }
ns_name() { echo "$PREFIX-n$1"; }
veth_name() { echo "${PREFIX}h$1"; }
node_dir() { echo "$STATE/nodes/n$1"; }

# PID is alive and its cmdline contains STRING (guards against PID reuse)
pid_is() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$2"; }

# ---------------------------------------------------------------- apt proxy (apt-cacher-ng)
proxy_up() {
  local P=$STATE/acng
  if [ -f "$P/pid" ] && pid_is "$(cat "$P/pid")" "$P/conf"; then return 0; fi
  command -v /usr/sbin/apt-cacher-ng >/dev/null || { log "apt-cacher-ng not installed: nodes cannot use apt"; return 0; }
  local main sec; main=$(main_mirror); sec=$(security_mirror)
  # host-local veth pair carrying the proxy address (no dummy driver needed)
  if ! ip link show "$PROXY_LINK" >/dev/null 2>&1; then
    ip -o addr show | grep -q " inet $PROXY_IP/" && die "$PROXY_IP already used elsewhere (other run with PL_NODES_BASE=$BASE?)"
    ip link add "$PROXY_LINK" type veth peer name "$PROXY_PEER"
    ip addr add "$PROXY_IP/32" dev "$PROXY_LINK"
    ip link set "$PROXY_PEER" up; ip link set "$PROXY_LINK" up
  fi
  mkdir -p "$P/conf" "$P/cache" "$P/log"
  id apt-cacher-ng >/dev/null 2>&1 && chown apt-cacher-ng: "$P/cache" "$P/log"
  echo "$main/" > "$P/conf/backends_debian"
  local remap_sec=""
  if [ -n "$sec" ]; then echo "$sec/" > "$P/conf/backends_debsec"; remap_sec="Remap-secdeb: /debian-security ; file:$P/conf/backends_debsec"; fi
  cat > "$P/conf/acng.conf" <<EOF
CacheDir: $P/cache
LogDir: $P/log
SupportDir: /usr/lib/apt-cacher-ng
Port: $PROXY_PORT
BindAddress: $PROXY_IP
SocketPath: $P/acng.socket
PidFile: $P/acng.pidfile
Remap-debrep: file:deb_mirror*.gz /debian ; file:$P/conf/backends_debian
$remap_sec
ForeGround: 1
EOF
  # A proxy stopped by KILL leaves its socket and pid file behind; a start can also lose a race for the
  # port with the one just stopped. Start afresh up to three times, then show what it said.
  local attempt i
  for attempt in 1 2 3; do
    rm -f "$P/acng.socket" "$P/acng.pidfile"
    setsid /usr/sbin/apt-cacher-ng -c "$P/conf" </dev/null >"$P/log/stdout.log" 2>&1 8>&- 9>&- &   # no lock fds
    echo $! > "$P/pid"
    for i in $(seq 1 600); do
      timeout 1 bash -c "exec 3<>/dev/tcp/$PROXY_IP/$PROXY_PORT" 2>/dev/null && { log "apt proxy on $PROXY_IP:$PROXY_PORT"; return 0; }
      pid_is "$(cat "$P/pid")" "$P/conf" || break
      sleep 0.1
    done
    log "apt-cacher-ng start $attempt failed:"
    cat "$P/log/stdout.log" "$P/log/apt-cacher.err" >&2 2>/dev/null || true
    proxy_stop_process
    sleep 1
  done
  proxy_down; die "apt-cacher-ng did not start on $PROXY_IP:$PROXY_PORT"
}
proxy_stop_process() {
  local P=$STATE/acng pid
  [ -f "$P/pid" ] || return 0
  pid=$(cat "$P/pid")
  if pid_is "$pid" "$P/conf"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do pid_is "$pid" "$P/conf" || break; sleep 0.1; done
    pid_is "$pid" "$P/conf" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$P/pid"
}
proxy_down() {
  proxy_stop_process
  ip link del "$PROXY_LINK" 2>/dev/null || true
}

# ---------------------------------------------------------------- nodes
node_leader() {   # PID of the node's systemd (child of nspawn)
  local D; D=$(node_dir "$1")
  [ -f "$D/nspawn.pid" ] || return 1
  local P; P=$(cat "$D/nspawn.pid")
  pid_is "$P" "$D/root" || return 1
  local L; L=$(ps -o pid= --ppid "$P" | head -1 | tr -d ' ')
  [ -n "$L" ] && echo "$L"
}

cmd_down() {
  local N=$1 D NS VETH P L pids
  check_n "$N"; D=$(node_dir "$N"); NS=$(ns_name "$N"); VETH=$(veth_name "$N")
  local t0=$SECONDS
  if [ -d "$D" ]; then
    # the node's systemd: child of our nspawn, or (if nspawn died) the recorded leader, if still in our netns
    L=$(node_leader "$N" || true)
    if [ -z "$L" ] && [ -f "$D/leader.pid" ] && [ "$(ip netns identify "$(cat "$D/leader.pid")" 2>/dev/null)" = "$NS" ]; then
      L=$(cat "$D/leader.pid")
    fi
    P=$(cat "$D/nspawn.pid" 2>/dev/null || true)
    if [ -n "$L" ]; then
      nsenter -t "$L" -a systemctl poweroff >/dev/null 2>&1 || kill -TERM "$L" 2>/dev/null || true
    elif [ -n "$P" ] && pid_is "$P" "$D/root"; then
      kill -TERM "$P" 2>/dev/null || true
    fi
    for _ in $(seq 1 150); do
      { [ -n "$P" ] && pid_is "$P" "$D/root"; } || [ -n "$(ip netns pids "$NS" 2>/dev/null)" ] || break
      sleep 0.1
    done
    # still there: everything in this node's netns was started by this state dir's node -> kill it
    if [ -n "$P" ] && pid_is "$P" "$D/root"; then log "node $N did not stop, killing"; kill -KILL "$P" 2>/dev/null || true; fi
    pids=$(ip netns pids "$NS" 2>/dev/null || true)
    if [ -n "$pids" ]; then log "node $N: killing leftover processes"; kill -KILL $pids 2>/dev/null || true; fi
    for _ in $(seq 1 50); do [ -z "$(ip netns pids "$NS" 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  if [ -d "$D" ]; then
    while mountpoint -q "$D/root"; do umount "$D/root" 2>/dev/null || umount -l "$D/root"; done
  fi
  if ip netns list | grep -qw "^$NS"; then
    [ -n "$(ip netns pids "$NS" 2>/dev/null)" ] && die "netns $NS still has processes; not removing node $N"
    ip netns del "$NS" 2>/dev/null || true
  fi
  ip link del "$VETH" 2>/dev/null || true
  if [ -d "$D" ]; then
    mountpoint -q "$D/root" && die "$D/root still mounted, not removing"
    rm -rf --one-file-system "$D"
  fi
  log "node $N down ($((SECONDS - t0)) s)"
  # last node of this state dir gone -> stop the apt proxy
  if ! compgen -G "$STATE/nodes/n*" >/dev/null; then proxy_down; fi
}

cmd_up() {
  local KIND=$1 N=$2; shift 2
  case "$KIND" in bare|full) ;; *) die "KIND must be bare or full" ;; esac
  check_n "$N"
  local T D R NS VETH t0=$SECONDS
  T=$(tpl_dir "$KIND"); [ -f "$T/.pl-stamp" ] || die "template $KIND missing: run '$0 template' first"
  touch "$T.last-used"   # see prune_templates (beside the template: a lower dir in use is not written)
  D=$(node_dir "$N"); R=$D/root; NS=$(ns_name "$N"); VETH=$(veth_name "$N")
  mkdir -p "$STATE/nodes"
  ensure_unreachable_route
  # leftovers of an earlier run with this state dir
  if [ -e "$D" ]; then log "node $N: tearing down leftovers"; cmd_down "$N"; fi
  # leftovers not recorded here: only remove what nobody uses
  if ip netns list | grep -qw "^$NS"; then
    [ -n "$(ip netns pids "$NS" 2>/dev/null)" ] && die "netns $NS is in use by another run (pick another PL_NODES_BASE)"
    ip netns del "$NS"
  fi
  ip link del "$VETH" 2>/dev/null || true
  ip -o addr show | grep -q " inet 10\.254\.$N\.1/" && die "10.254.$N.1 is already assigned on this host (another run?)"

  local KEYS=("$@")
  if [ ${#KEYS[@]} = 0 ]; then
    [ -f "$STATE/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C pl-nodes -f "$STATE/id_ed25519"
    KEYS=("$STATE/id_ed25519.pub")
  fi
  local k; for k in "${KEYS[@]}"; do [ -r "$k" ] || die "public key $k not readable"; done

  proxy_up

  mkdir -p "$D/upper" "$D/work" "$R"
  echo "$KIND" > "$D/kind"
  mount -t overlay overlay -o "lowerdir=$T,upperdir=$D/upper,workdir=$D/work" "$R"
  echo "node$N" > "$R/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 node%s\n::1 localhost ip6-localhost ip6-loopback\n' "$N" > "$R/etc/hosts"
  rm -f "$R/usr/sbin/policy-rc.d" "$R"/etc/ssh/ssh_host_*
  ssh-keygen -q -A -f "$R"                                        # own host keys per node
  install -d -m 700 "$R/root/.ssh"
  cat "${KEYS[@]}" > "$R/root/.ssh/authorized_keys"; chmod 600 "$R/root/.ssh/authorized_keys"
  if [ -f "$STATE/acng/pid" ]; then
    echo "Acquire::http::Proxy \"http://$PROXY_IP:$PROXY_PORT\";" > "$R/etc/apt/apt.conf.d/01pl-nodes-proxy"
  fi

  ip netns add "$NS"
  ip link add "$VETH" type veth peer name eth0 netns "$NS"
  ip addr add "10.254.$N.1/24" dev "$VETH"; ip link set "$VETH" up
  ip -n "$NS" link set lo up
  ip -n "$NS" addr add "10.254.$N.2/24" dev eth0; ip -n "$NS" link set eth0 up
  ip -n "$NS" route add "$PROXY_IP/32" via "10.254.$N.1"         # only the apt proxy; no default route

  # CAP_NET_ADMIN: the node manages its own firewall (nftables), inside its own network namespace.
  setsid systemd-nspawn -q -D "$R" -b --register=no --keep-unit -M "node$N" --console=passive \
    --capability=CAP_NET_ADMIN \
    --network-namespace-path="/run/netns/$NS" </dev/null >"$D/console.log" 2>&1 8>&- 9>&- &   # no lock fds
  echo $! > "$D/nspawn.pid"

  local i ok=""
  for i in $(seq 1 $((BOOT_TIMEOUT * 10))); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/10.254.$N.2/22; head -c 4 <&3" 2>/dev/null | grep -q '^SSH-'; then ok=1; break; fi
    pid_is "$(cat "$D/nspawn.pid")" "$R" || break
    sleep 0.1
  done
  [ -n "$ok" ] || { tail -30 "$D/console.log" >&2; cmd_down "$N"; die "node $N: sshd did not answer"; }
  local L state
  L=$(node_leader "$N") || { cmd_down "$N"; die "node $N: no leader process"; }
  echo "$L" > "$D/leader.pid"
  state=$(timeout "$BOOT_TIMEOUT" nsenter -t "$L" -a systemctl is-system-running --wait 2>/dev/null || true)
  case "$state" in
    running|degraded) ;;
    *) nsenter -t "$L" -a systemctl --failed --no-pager >&2 || true; cmd_down "$N"; die "node $N: systemd state '$state'" ;;
  esac
  [ "$state" = degraded ] && nsenter -t "$L" -a systemctl --failed --no-pager --plain >&2 || true
  log "node $N ($KIND) up in $((SECONDS - t0)) s: root@10.254.$N.2 (systemd: $state)"
}

cmd_down_all() {
  local d
  for d in "$STATE"/nodes/n*; do [ -d "$d" ] && cmd_down "${d##*/n}"; done
  proxy_down
}

cmd_status() {
  local d N P st
  for d in "$STATE"/nodes/n*; do
    [ -d "$d" ] || continue
    N=${d##*/n}; P=$(cat "$d/nspawn.pid" 2>/dev/null || echo -)
    if pid_is "$P" "$d/root"; then st=running; else st=dead; fi
    printf 'n%-4s %-5s %-8s 10.254.%s.2 pid=%s\n' "$N" "$(cat "$d/kind" 2>/dev/null || echo '?')" "$st" "$N" "$P"
  done
  if [ -f "$STATE/acng/pid" ] && pid_is "$(cat "$STATE/acng/pid")" "$STATE/acng/conf"; then
    echo "apt proxy $PROXY_IP:$PROXY_PORT pid=$(cat "$STATE/acng/pid")"
  fi
}

# up/down/down-all of one state dir run one at a time (the apt proxy is shared by its nodes)
lock_state() { mkdir -p "$STATE"; exec 8>"$STATE/.lock"; flock 8; }

main() {
  case "${1:-}" in
    template) cmd_template ;;
    up) [ $# -ge 3 ] || die "usage: up KIND N [PUBKEY...]"; shift; lock_state; cmd_up "$@" ;;
    down) [ $# -eq 2 ] || die "usage: down N"; lock_state; cmd_down "$2" ;;
    down-all) lock_state; cmd_down_all ;;
    status) cmd_status ;;
    exec) [ $# -ge 3 ] || die "usage: exec N CMD..."; check_n "$2"; N=$2; shift 2
          L=$(node_leader "$N") || die "node $N is not running"; exec nsenter -t "$L" -a "$@" ;;
    ip) check_n "${2:-}"; echo "10.254.$2.2" ;;
    fingerprint) check_n "${2:-}"; R=$(node_dir "$2")/root
          ssh-keygen -lf "$R/etc/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}' ;;
    *) sed -n '2,40p' "$0" >&2; exit 2 ;;
  esac
}

# everything above is only definitions: editing this file while a long `template` runs cannot change that run
main "$@"; exit $?
