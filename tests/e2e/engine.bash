# A real container engine for end-to-end tests, started and stopped by the test itself:
# Debian's dockerd (with its BuildKit) and docker-registry on 127.0.0.1:5000, each with paths of
# its own, so nothing collides with a Docker daemon or a registry already on the machine, and
# nothing of the machine's Docker set-up (/etc/docker, the system service) is used or changed.
#
#   . tests/e2e/engine.bash
#   engine_start                         # exports DOCKER_HOST, DOCKER_BUILDKIT=1, DOCKER_CONFIG
#   trap engine_stop EXIT
#   base_image busybox linux/arm64 --push
#   edocker build --platform linux/arm64 ...   # edocker = Debian's client, /usr/bin/docker
#   engine_stop
#
# No network but Debian's mirror: base images are made here (a static busybox, or mmdebstrap),
# never pulled from a public registry.

ENGINE_REGISTRY=${ENGINE_REGISTRY:-127.0.0.1:5000}
ENGINE_DOCKER=/usr/bin/docker              # Debian's client (20.10, speaks BuildKit without buildx)
ENGINE_DIR=""                              # every file the engine writes, removed by engine_stop
ENGINE_BINFMT_ADDED=()                     # binfmt handlers that engine_start registered
ENGINE_BINFMT_MOUNTED=0
ENGINE_BRIDGE_CREATED=0
ENGINE_NET_SAVED=0                         # iptables rules and ip_forward saved by engine_start
ENGINE_DOCKERD_PID=""
ENGINE_REGISTRY_PID=""
ENGINE_LOCK_FD=""                          # held from engine_start to engine_stop (one engine at a time)
# mmdebstrap tarballs, kept between runs (keyed by architecture, packages and mirror): making
# them is most of an e2e test's time (~9 min under QEMU), and they do not change. Outside the
# clone, so that a fresh clone (a CI run) on the same machine finds them.
ENGINE_CACHE=${XBUILD_E2E_CACHE:-/var/cache/xbuild/e2e}

engine_log() { printf 'engine: %s\n' "$*" >&2; }
engine_fail() { printf 'engine: error: %s\n' "$*" >&2; return 1; }

# The Debian client, whatever `docker` is first on PATH (it may be a client without BuildKit).
edocker() { DOCKER_BUILDKIT=1 "$ENGINE_DOCKER" "$@"; }

# engine_require PROGRAM PACKAGE: fails naming the Debian package when PROGRAM is missing.
engine_require() {
  local prog=$1 pkg=$2
  if [[ $prog == /* ]]; then [ -x "$prog" ] && return 0
  else command -v "$prog" >/dev/null && return 0; fi
  engine_fail "$prog not found: apt-get install $pkg"
}

engine_check_programs() {
  local missing=0
  engine_require /usr/sbin/dockerd docker.io || missing=1
  engine_require /usr/bin/docker docker.io || missing=1
  engine_require containerd containerd || missing=1
  engine_require runc runc || missing=1
  engine_require docker-registry docker-registry || missing=1
  engine_require iptables iptables || missing=1
  engine_require curl curl || missing=1
  engine_require qemu-aarch64-static qemu-user-static || missing=1
  engine_require qemu-arm-static qemu-user-static || missing=1
  [ -f /usr/share/binfmts/qemu-aarch64 ] || { engine_fail "no binfmt entry for qemu-aarch64: apt-get install qemu-user-static"; missing=1; }
  [ -f /usr/share/binfmts/qemu-arm ] || { engine_fail "no binfmt entry for qemu-arm: apt-get install qemu-user-static"; missing=1; }
  if ! command -v mmdebstrap >/dev/null && ! [ -x /bin/busybox ]; then
    engine_fail "neither mmdebstrap nor busybox found: apt-get install busybox-static (or mmdebstrap)"; missing=1
  fi
  return $missing
}

# The kernel's registration string for a handler described by /usr/share/binfmts/NAME
# (qemu-user-static's format), with the F flag, so that the interpreter is opened now and works
# inside containers and chroots, which do not have it at its path.
engine_binfmt_line() {
  local name=$1 f=/usr/share/binfmts/$1 interpreter magic mask offset flags=F
  interpreter=$(awk '$1 == "interpreter" { print $2 }' "$f")
  magic=$(awk '$1 == "magic" { print $2 }' "$f")
  mask=$(awk '$1 == "mask" { print $2 }' "$f")
  offset=$(awk '$1 == "offset" { print $2 }' "$f")
  grep -q '^preserve yes' "$f" && flags=P$flags
  grep -q '^credentials yes' "$f" && flags=${flags}C
  printf ':%s:M:%s:%s:%s:%s:%s' "$name" "${offset:-0}" "$magic" "$mask" "$interpreter" "$flags"
}

engine_binfmt_setup() {
  local bm=/proc/sys/fs/binfmt_misc name
  if [ ! -e $bm/register ]; then
    mount -t binfmt_misc binfmt_misc $bm || { engine_fail "cannot mount binfmt_misc on $bm"; return 1; }
    ENGINE_BINFMT_MOUNTED=1
  fi
  for name in qemu-aarch64 qemu-arm; do
    if [ -e "$bm/$name" ]; then
      grep -q '^enabled' "$bm/$name" || engine_log "note: binfmt handler $name exists but is disabled; left as it is"
      continue
    fi
    engine_binfmt_line "$name" > $bm/register || { engine_fail "cannot register binfmt handler $name"; return 1; }
    ENGINE_BINFMT_ADDED+=("$name")
  done
}

engine_binfmt_restore() {
  local bm=/proc/sys/fs/binfmt_misc name
  for name in "${ENGINE_BINFMT_ADDED[@]}"; do
    [ -e "$bm/$name" ] && echo -1 > "$bm/$name"
  done
  ENGINE_BINFMT_ADDED=()
  if [ "$ENGINE_BINFMT_MOUNTED" = 1 ]; then
    umount $bm 2>/dev/null || engine_log "note: could not unmount $bm"
    ENGINE_BINFMT_MOUNTED=0
  fi
}

# engine_wait SECONDS COMMAND...: until COMMAND succeeds; fails after SECONDS.
engine_wait() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt "$end" ] || return 1
    sleep 0.5
  done
}

engine_start() {
  [ -z "$ENGINE_DIR" ] || { engine_fail "engine already started ($ENGINE_DIR)"; return 1; }
  [ "$(id -u)" = 0 ] || { engine_fail "the engine needs root (dockerd, binfmt_misc)"; return 1; }
  engine_check_programs || return 1

  # One engine at a time on this machine (they share docker0 and 127.0.0.1:5000): a second test
  # waits here for the first to stop.
  exec {ENGINE_LOCK_FD}>/run/lock/xbuild-e2e.lock || { engine_fail "cannot open /run/lock/xbuild-e2e.lock"; return 1; }
  if ! flock -n "$ENGINE_LOCK_FD"; then
    engine_log "another e2e engine is running: waiting for it (up to 1 h)"
    flock -w 3600 "$ENGINE_LOCK_FD" || { engine_fail "the other engine did not stop within 1 h"; exec {ENGINE_LOCK_FD}>&-; ENGINE_LOCK_FD=""; return 1; }
  fi

  # The default bridge: a daemon already using docker0 would share (and fight over) it.
  local pid other=""
  for pid in $(pgrep -x dockerd 2>/dev/null); do other+=" $pid"; done
  if ip link show docker0 >/dev/null 2>&1; then
    if [ -n "$other" ]; then
      engine_fail "the default bridge docker0 is in use by another Docker daemon (dockerd pid$other); stop it first"
      return 1
    fi
  else
    ENGINE_BRIDGE_CREATED=1
  fi
  if curl -s -o /dev/null --max-time 2 "http://$ENGINE_REGISTRY/" 2>/dev/null ||
     (exec 3<>"/dev/tcp/${ENGINE_REGISTRY%:*}/${ENGINE_REGISTRY#*:}") 2>/dev/null; then
    engine_fail "something already listens on $ENGINE_REGISTRY; the test registry needs it"
    return 1
  fi

  # Short paths: containerd's socket lives under the exec root, and socket paths are limited.
  ENGINE_DIR=$(mktemp -d /tmp/xbe.XXXXXX) || return 1
  mkdir -p "$ENGINE_DIR"/{data,exec,registry,config}
  # xbuild's builders of the test's own: a builder the user chose (`xbuild builder use`) must not
  # decide where the tests' `xbuild build` runs.
  export XBUILD_CONFIG_DIR="$ENGINE_DIR/xbuild-config"

  engine_binfmt_setup || { engine_stop; return 1; }

  # dockerd adds iptables chains and rules, sets FORWARD's policy to DROP and turns on
  # ip_forward, and leaves all of it when it stops: engine_stop puts them back as they were.
  # A table nothing has used yet is not in the save (nf_tables makes tables on first use), and a
  # restore leaves alone the tables its file does not name: so the save names filter and nat
  # always, empty when they were absent, and the restore empties what dockerd made there.
  if iptables-save > "$ENGINE_DIR/iptables.saved" 2>/dev/null; then
    grep -q '^\*filter' "$ENGINE_DIR/iptables.saved" ||
      printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' >> "$ENGINE_DIR/iptables.saved"
    grep -q '^\*nat' "$ENGINE_DIR/iptables.saved" ||
      printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n' >> "$ENGINE_DIR/iptables.saved"
    cat /proc/sys/net/ipv4/ip_forward > "$ENGINE_DIR/ip_forward.saved"
    ENGINE_NET_SAVED=1
  fi

  # Its own daemon.json (not /etc/docker's), and its own containerd namespaces too, should it
  # use a containerd already running.
  echo '{}' > "$ENGINE_DIR/config/daemon.json"
  /usr/sbin/dockerd \
    --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" --pidfile "$ENGINE_DIR/docker.pid" \
    -H "unix://$ENGINE_DIR/docker.sock" \
    --containerd-namespace xbuild-e2e --containerd-plugins-namespace xbuild-e2e-plugins \
    --config-file "$ENGINE_DIR/config/daemon.json" \
    >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
  ENGINE_DOCKERD_PID=$!
  export DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" DOCKER_BUILDKIT=1 DOCKER_CONFIG="$ENGINE_DIR/config"
  local end=$((SECONDS + 90))
  until "$ENGINE_DOCKER" info >/dev/null 2>&1; do
    if ! kill -0 "$ENGINE_DOCKERD_PID" 2>/dev/null; then
      engine_fail "dockerd exited; its log ends with:"; tail -n 20 "$ENGINE_DIR/dockerd.log" >&2
      ENGINE_DOCKERD_PID=""; engine_stop; return 1
    fi
    if [ $SECONDS -ge $end ]; then
      engine_fail "dockerd did not answer within 90 s; its log ends with:"; tail -n 20 "$ENGINE_DIR/dockerd.log" >&2
      engine_stop; return 1
    fi
    sleep 0.5
  done

  cat > "$ENGINE_DIR/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $ENGINE_DIR/registry
  delete:
    enabled: true
http:
  addr: $ENGINE_REGISTRY
EOF
  docker-registry serve "$ENGINE_DIR/registry.yml" >"$ENGINE_DIR/registry.log" 2>&1 </dev/null &
  ENGINE_REGISTRY_PID=$!
  if ! engine_wait 30 curl -sf "http://$ENGINE_REGISTRY/v2/"; then
    engine_fail "the registry did not answer on http://$ENGINE_REGISTRY/v2/; its log ends with:"
    tail -n 20 "$ENGINE_DIR/registry.log" >&2
    engine_stop; return 1
  fi
  engine_log "dockerd pid $ENGINE_DOCKERD_PID ($DOCKER_HOST), registry pid $ENGINE_REGISTRY_PID ($ENGINE_REGISTRY), files in $ENGINE_DIR"
}

# engine_kill PID SECONDS: SIGTERM, then SIGKILL after SECONDS.
engine_kill() {
  local pid=$1 limit=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  local end=$((SECONDS + limit))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    engine_log "pid $pid still running after ${limit}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

# Stops both, removes every file, and leaves binfmt_misc and the network as they were.
# Safe to call more than once (e.g. from a trap).
engine_stop() {
  engine_kill "$ENGINE_REGISTRY_PID" 10; ENGINE_REGISTRY_PID=""
  if [ -n "$ENGINE_DOCKERD_PID" ]; then
    # Containers first, so that dockerd's shutdown is quick.
    local ids
    ids=$("$ENGINE_DOCKER" ps -q 2>/dev/null) && [ -n "$ids" ] && "$ENGINE_DOCKER" kill $ids >/dev/null 2>&1
    engine_kill "$ENGINE_DOCKERD_PID" 30; ENGINE_DOCKERD_PID=""
  fi
  if [ -n "$ENGINE_DIR" ] && [ -d "$ENGINE_DIR" ]; then
    # A containerd that dockerd started (its pid file is under the exec root) ends with it;
    # if it outlived dockerd, end it by its pid.
    local cpid
    cpid=$(cat "$ENGINE_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
    [ -n "$cpid" ] && engine_kill "$cpid" 10
    # Mounts left under our folders (after a SIGKILL), deepest first.
    local m
    awk -v d="$ENGINE_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null; done
    if [ "$ENGINE_NET_SAVED" = 1 ]; then
      iptables-restore < "$ENGINE_DIR/iptables.saved" 2>/dev/null || engine_log "note: could not restore iptables rules"
      cat "$ENGINE_DIR/ip_forward.saved" > /proc/sys/net/ipv4/ip_forward 2>/dev/null || true
      ENGINE_NET_SAVED=0
    fi
    rm -rf "$ENGINE_DIR"
  fi
  ENGINE_DIR=""
  if [ "$ENGINE_BRIDGE_CREATED" = 1 ] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 2>/dev/null || true
  fi
  ENGINE_BRIDGE_CREATED=0
  engine_binfmt_restore
  unset DOCKER_HOST DOCKER_CONFIG
  if [ -n "$ENGINE_LOCK_FD" ]; then exec {ENGINE_LOCK_FD}>&-; ENGINE_LOCK_FD=""; fi
}

# engine_debian_arch PLATFORM: linux/arm64 -> arm64, linux/arm/v7 -> armhf, ...
engine_debian_arch() {
  case $1 in
    linux/amd64) echo amd64 ;;       linux/arm64|linux/arm64/v8) echo arm64 ;;
    linux/arm/v7|linux/arm) echo armhf ;; linux/arm/v6|linux/arm/v5) echo armel ;;
    linux/386) echo i386 ;;          linux/ppc64le) echo ppc64el ;;
    linux/s390x) echo s390x ;;       linux/riscv64) echo riscv64 ;;
    linux/mips64le) echo mips64el ;; linux/mipsle) echo mipsel ;;
    *) engine_fail "no Debian architecture for platform $1"; return 1 ;;
  esac
}

# A private apt state (tests/matrix/debpkgs.bash) for fetching foreign .debs, made once per engine.
engine_debpkgs() {
  local arch=$1
  # shellcheck source=../matrix/debpkgs.bash
  . "$(dirname "${BASH_SOURCE[0]}")/../matrix/debpkgs.bash"
  if [ ! -d "$ENGINE_DIR/apt-$arch" ]; then
    debpkgs_init "$ENGINE_DIR/apt-$arch" "$arch" || return 1
  else
    debpkgs_dir=$ENGINE_DIR/apt-$arch
    debpkgs_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$debpkgs_dir/sources"
                  -o "Dir::State::Lists=$debpkgs_dir/lists" -o "Dir::Cache=$debpkgs_dir/cache" -o "Debug::NoLocking=1"
                  -o "APT::Architectures=$arch" -o "APT::Sandbox::User=root")
  fi
}

# engine_import ROOT NAME PLATFORM [--push]: the folder ROOT (or a tarball ROOT) as the image
# NAME for PLATFORM; with --push, also tagged and pushed as $ENGINE_REGISTRY/NAME.
# Not `docker import --platform`: the 20.10 daemon takes only the OS from it and writes its own
# architecture into the image config, so a foreign image would claim to be amd64. A BuildKit
# build FROM scratch records the target platform, and needs no registry.
engine_import() {
  local root=$1 name=$2 platform=$3 push=${4:-}
  local tags=(-t "$name")
  [ "$push" = --push ] && tags+=(-t "$ENGINE_REGISTRY/$name")
  local ctx=$root dockerfile='FROM scratch\nCOPY . /\n'
  if [ -f "$root" ]; then        # a tarball: ADD unpacks it
    ctx=$(mktemp -d "$(dirname "$root")/ctx.XXXXXX")   # beside it, so that ln works
    ln "$root" "$ctx/rootfs.tar" 2>/dev/null || cp "$root" "$ctx/rootfs.tar"
    dockerfile='FROM scratch\nADD rootfs.tar /\n'
  fi
  # shellcheck disable=SC2059
  printf "$dockerfile" | edocker build -q --platform "$platform" "${tags[@]}" -f - "$ctx" \
    >"$ENGINE_DIR/import.log" 2>&1 || {
      engine_fail "building the image $name ($platform) failed:"; tail -n 20 "$ENGINE_DIR/import.log" >&2
      [ "$ctx" = "$root" ] || rm -rf "$ctx"; return 1; }
  [ "$ctx" = "$root" ] || rm -rf "$ctx"
  if [ "$push" = --push ]; then
    "$ENGINE_DOCKER" push -q "$ENGINE_REGISTRY/$name" >"$ENGINE_DIR/push.log" 2>&1 || {
      engine_fail "docker push $ENGINE_REGISTRY/$name failed:"; tail -n 20 "$ENGINE_DIR/push.log" >&2; return 1; }
  fi
}

# base_image NAME PLATFORM [--push]: a small image of Debian's static busybox (every applet
# linked, /tmp, a root user) for PLATFORM, imported locally as NAME (and pushed as
# $ENGINE_REGISTRY/NAME with --push). amd64 uses the machine's busybox-static; other
# architectures unpack Debian's busybox-static:<arch> fetched with a private apt state.
base_image() {
  local name=$1 platform=$2 push=${3:-} arch
  [ -n "$ENGINE_DIR" ] || { engine_fail "base_image: engine not started"; return 1; }
  arch=$(engine_debian_arch "$platform") || return 1
  [ -x /bin/busybox ] || { engine_fail "/bin/busybox not found: apt-get install busybox-static"; return 1; }
  local root; root=$(mktemp -d "$ENGINE_DIR/root.XXXXXX")
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev}
  chmod 1777 "$root/tmp"
  if [ "$arch" = "$(dpkg --print-architecture)" ]; then
    [ -x /bin/busybox ] || { engine_fail "/bin/busybox not found: apt-get install busybox-static"; return 1; }
    cp /bin/busybox "$root/bin/busybox"
  else
    local unpack="$root.deb"
    engine_debpkgs "$arch" && debpkgs_unpack "$unpack" "busybox-static:$arch" || {
      engine_fail "could not fetch busybox-static:$arch from Debian"; return 1; }
    cp "$unpack/bin/busybox" "$root/bin/busybox"
    rm -rf "$unpack"
  fi
  # What `busybox --install -s` makes, without running a foreign busybox: the applet list of the
  # machine's busybox (the same Debian package, so the same applets) as links to /bin/busybox.
  local applet
  /bin/busybox --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] || [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\n' > "$root/etc/group"
  engine_import "$root" "$name" "$platform" "$push" || return 1
  rm -rf "$root"
}

# engine_mirror: the machine's Debian mirror (deb822 or one-line sources).
engine_mirror() {
  local uri
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  echo "${uri:-http://deb.debian.org/debian}"
}

# debian_tarball PLATFORM [PACKAGES...]: prints the path of a Debian bookworm root (mmdebstrap's
# apt variant) for PLATFORM with PACKAGES, from the machine's Debian mirror, as a tarball kept in
# $ENGINE_CACHE (XBUILD_E2E_CACHE) and reused by later runs. Needs no engine, only binfmt
# handlers for a foreign PLATFORM (engine_binfmt_setup).
debian_tarball() {
  local platform=$1; shift
  engine_require mmdebstrap mmdebstrap || return 1
  local arch; arch=$(engine_debian_arch "$platform") || return 1
  # mmdebstrap checks a foreign architecture with arch-test (and runs it through binfmt/qemu).
  [ "$arch" = "$(dpkg --print-architecture)" ] || engine_require arch-test arch-test || return 1
  local include=()
  [ $# -gt 0 ] && include=("--include=$(IFS=,; echo "$*")")
  local mirror key tarball
  mirror=$(engine_mirror)
  key=$(printf '%s\n' "$arch" "$mirror" "$(printf '%s\n' "$@" | sort -u)" | sha256sum | cut -c1-16)
  tarball=$ENGINE_CACHE/debian-$arch-$key.tar
  [ -d "$tarball" ] && rm -rf "$tarball"   # an older cache made folders (mmdebstrap guesses the format by name)
  if [ ! -s "$tarball" ]; then
    mkdir -p "$ENGINE_CACHE" || return 1
    mmdebstrap --quiet --variant=apt --format=tar --architectures="$arch" "${include[@]}" \
      bookworm "$tarball.tmp" "$mirror" >"$tarball.log" 2>&1 || {
        engine_fail "mmdebstrap for $platform failed:"; tail -n 20 "$tarball.log" >&2; rm -rf "$tarball.tmp"; return 1; }
    mv "$tarball.tmp" "$tarball" && rm -f "$tarball.log"
  fi
  echo "$tarball"
}

# debian_image NAME PLATFORM [--push] [PACKAGES...]: debian_tarball's root imported as NAME.
debian_image() {
  local name=$1 platform=$2; shift 2
  local push=""
  if [ "${1:-}" = --push ]; then push=--push; shift; fi
  [ -n "$ENGINE_DIR" ] || { engine_fail "debian_image: engine not started"; return 1; }
  local tarball; tarball=$(debian_tarball "$platform" "$@") || return 1
  engine_import "$tarball" "$name" "$platform" "$push"
}

# manifest_list NAME IMAGE...: a manifest list $ENGINE_REGISTRY/NAME of images already pushed
# (names under $ENGINE_REGISTRY), so that `FROM $ENGINE_REGISTRY/NAME` serves every platform.
manifest_list() {
  local name=$1; shift
  local refs=() i
  for i in "$@"; do refs+=("$ENGINE_REGISTRY/$i"); done
  "$ENGINE_DOCKER" manifest rm "$ENGINE_REGISTRY/$name" >/dev/null 2>&1 || true
  "$ENGINE_DOCKER" manifest create --insecure "$ENGINE_REGISTRY/$name" "${refs[@]}" >/dev/null &&
    "$ENGINE_DOCKER" manifest push --purge --insecure "$ENGINE_REGISTRY/$name" >/dev/null || {
      engine_fail "manifest list $ENGINE_REGISTRY/$name failed"; return 1; }
}
