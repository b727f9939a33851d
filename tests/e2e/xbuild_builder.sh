#!/usr/bin/env bash
# `xbuild builder` and `xbuild build --builder NAME` against two real engines:
#  - the usual engine (engine.bash) as node 1, and a second private dockerd as node 2 (its own
#    data/exec roots and socket, no iptables, and a bridge of its own, xbn2, made and removed here:
#    it touches neither docker0 nor the firewall; --bridge=none would not do, as dockerd then deletes
#    docker0, and BuildKit's RUN needs a bridge), which runs arm64 through the binfmt handlers
#    engine_start registered;
#  - `xbuild builder create duo --node unix://ENGINE1` (platforms asked of the node: linux/amd64),
#    `--append --node unix://NODE2 --platform linux/arm64`; ls and inspect (text and json);
#  - `xbuild build --builder duo --platform linux/amd64,linux/arm64 --push`: each platform on its
#    node (the progress says so, node 2 has the arm64 image and node 1 not), one index of both in
#    the registry, and each platform's image runs and prints its machine;
#  - -o type=oci: each image saved from its node, one index of both in a layout tar;
#  - a builder with an unreachable node: a clear error, exit status 2.
#
#   bash tests/e2e/xbuild_builder.sh [BUILD_DIR]    # BUILD_DIR/bin holds xbuild (default: build)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
[[ $build == /* ]] || build=$top/$build
xbuild=$build/bin/xbuild
# shellcheck source=engine.bash
. "$here/engine.bash"
# shellcheck source=steps.bash
. "$here/steps.bash"

[ -x "$xbuild" ] || { bad "$xbuild not found: cmake --build $build --target xbuild_cli"; done_; }

node2_dir="" node2_pid="" node2_bridge=""
node2_stop() {
  if [ -n "$node2_pid" ]; then engine_kill "$node2_pid" 30; node2_pid=""; fi
  if [ -n "$node2_dir" ] && [ -d "$node2_dir" ]; then
    local cpid m
    cpid=$(cat "$node2_dir/x/containerd/containerd.pid" 2>/dev/null || true)
    [ -n "$cpid" ] && engine_kill "$cpid" 10
    awk -v d="$node2_dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$node2_dir"
  fi
  node2_dir=""
  if [ -n "$node2_bridge" ]; then ip link delete "$node2_bridge" 2>/dev/null; node2_bridge=""; fi
}
finish() { node2_stop; engine_stop; }
finish_() { node2_stop; done_; }   # done_ ends the script (and the engine)

start_engine
trap finish EXIT
node1=$DOCKER_HOST

# Node 2: a second dockerd of its own, reached only through its socket.
t=$SECONDS
node2_dir=$(mktemp -d /tmp/xbn.XXXXXX)
mkdir -p "$node2_dir"/{d,x,cfg}
echo '{}' > "$node2_dir/cfg/daemon.json"
if ! ip link show xbn2 >/dev/null 2>&1; then
  ip link add xbn2 type bridge && node2_bridge=xbn2 && ip addr add 10.254.213.1/24 dev xbn2 && ip link set xbn2 up
fi
/usr/sbin/dockerd --data-root "$node2_dir/d" --exec-root "$node2_dir/x" --pidfile "$node2_dir/docker.pid" \
  -H "unix://$node2_dir/node2.sock" --bridge=xbn2 --iptables=false --ip-masq=false \
  --insecure-registry "$ENGINE_REGISTRY" --config-file "$node2_dir/cfg/daemon.json" \
  --containerd-namespace xbuild-e2e-node2 --containerd-plugins-namespace xbuild-e2e-node2-plugins \
  >"$node2_dir/dockerd.log" 2>&1 </dev/null &
node2_pid=$!
node2=unix://$node2_dir/node2.sock
if engine_wait 90 "$ENGINE_DOCKER" -H "$node2" info; then ok "second dockerd at $node2 ($((SECONDS - t)) s)"
else bad "second dockerd did not answer"; show "$node2_dir/dockerd.log" 20; finish_; fi
trap finish EXIT

t=$SECONDS
if base_image busybox:amd64 linux/amd64 --push && base_image busybox:arm64 linux/arm64 --push &&
   manifest_list busybox busybox:amd64 busybox:arm64; then
  ok "base image busybox (amd64, arm64) ($((SECONDS - t)) s)"
else bad "base images"; finish_; fi

export XBUILD_CONFIG_DIR=$ENGINE_DIR/xbuild-config XBUILD_DOCKER=/usr/bin/docker
work=$ENGINE_DIR/duo
mkdir -p "$work"

# The builder: node 1 asked for its platforms, node 2 declared.
if "$xbuild" builder create duo --node "$node1" --use >"$work/create.out" 2>&1 &&
   "$xbuild" builder create duo --append --node "$node2" --platform linux/arm64 >>"$work/create.out" 2>&1; then
  ok "builder create duo, --append"
else bad "builder create"; show "$work/create.out"; finish_; fi
"$xbuild" builder ls >"$work/ls.out" 2>&1
if grep -q '^duo \*' "$work/ls.out" && grep -Eq "duo0 +docker $node1 +running +linux/amd64\$" "$work/ls.out" &&
   grep -Eq "duo1 +docker $node2 +running +linux/arm64\*\$" "$work/ls.out"; then
  ok "builder ls: duo current, duo0 linux/amd64 (asked), duo1 linux/arm64 (declared), both running"
else bad "builder ls"; show "$work/ls.out"; fi
"$xbuild" builder inspect duo --format json >"$work/inspect.json" 2>&1
if [ "$(jq -r '[.nodes[] | .name + "=" + .status + "=" + (.platforms | join(","))] | join(" ")' "$work/inspect.json")" = \
     "duo0=running=linux/amd64 duo1=running=linux/arm64" ] && "$xbuild" builder inspect | grep -q "^Endpoint:  $node2"; then
  ok "builder inspect (json and text)"
else bad "builder inspect"; show "$work/inspect.json"; fi

# The build: amd64 on node 1, arm64 on node 2, both native; one index pushed.
cat > "$work/Dockerfile" <<DOCKERFILE
FROM $ENGINE_REGISTRY/busybox
RUN uname -m > /arch
CMD ["cat", "/arch"]
DOCKERFILE
name=$ENGINE_REGISTRY/xb/duo:1
t=$SECONDS
"$xbuild" build --builder duo --no-frontend --progress plain --platform linux/amd64,linux/arm64 -t "$name" --push \
  "$work" >"$work/out.log" 2>"$work/err.log"
status=$?
if [ $status = 0 ]; then ok "xbuild build --builder duo: exit 0 ($((SECONDS - t)) s)"
else bad "xbuild build --builder duo exited $status"; show "$work/err.log" 40; finish_; fi
if grep -q "linux/amd64 on duo0 (native" "$work/err.log" && grep -q "linux/arm64 on duo1 (native" "$work/err.log"; then
  ok "the start line and progress name each platform's node"
else bad "no per-node lines"; show "$work/err.log" 20; fi
if "$ENGINE_DOCKER" -H "$node2" image inspect "$name-linux-arm64" >/dev/null 2>&1 &&
   ! "$ENGINE_DOCKER" -H "$node2" image inspect "$name-linux-amd64" >/dev/null 2>&1 &&
   "$ENGINE_DOCKER" -H "$node1" image inspect "$name-linux-amd64" >/dev/null 2>&1 &&
   ! "$ENGINE_DOCKER" -H "$node1" image inspect "$name-linux-arm64" >/dev/null 2>&1; then
  ok "node 2 holds the arm64 image, node 1 the amd64 one"
else bad "images not on their nodes"; fi
raw=$(skopeo inspect --raw --tls-verify=false "docker://$name" 2>&1)
if [ "$(jq -r '[.manifests[].platform | .os + "/" + .architecture] | sort | join(",")' <<<"$raw" 2>/dev/null)" = \
     "linux/amd64,linux/arm64" ]; then
  ok "the registry holds one index of linux/amd64 and linux/arm64"
else bad "no index of both"; echo "$raw" | head -20; fi
"$ENGINE_DOCKER" -H "$node1" rmi "$name-linux-amd64" >/dev/null 2>&1
for pm in linux/amd64=x86_64 linux/arm64=aarch64; do
  got=$("$ENGINE_DOCKER" -H "$node1" run --rm --pull always --platform "${pm%=*}" "$name" 2>"$work/run.err")
  if [ "$got" = "${pm#*=}" ]; then ok "docker run --platform ${pm%=*} $name: $got"
  else bad "docker run --platform ${pm%=*}: '$got'"; show "$work/run.err"; fi
done

# -o type=oci: each platform's image saved from the node that built it, joined in one layout tar.
if "$xbuild" build --builder duo --no-frontend --progress plain --platform linux/amd64,linux/arm64 \
     -o "type=oci,dest=$work/duo.tar" "$work" >"$work/oci.log" 2>&1 &&
   [ "$(skopeo inspect --raw "oci-archive:$work/duo.tar" | jq -r '[.manifests[].platform | .os + "/" + .architecture] | sort | join(",")')" = \
     "linux/amd64,linux/arm64" ]; then
  ok "-o type=oci: one index of both nodes' images"
else bad "-o type=oci"; show "$work/oci.log"; fi

# A node that does not answer: refused before anything is built.
"$xbuild" builder create gone --node unix:///nonexistent/xb.sock --platform linux/arm64 >/dev/null 2>&1
"$xbuild" build --builder gone --no-frontend --platform linux/arm64 "$work" >"$work/gone.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "node gone0 (unix:///nonexistent/xb.sock) does not answer" "$work/gone.out"; then
  ok "unreachable node: exit 2, $(head -n 1 "$work/gone.out")"
else bad "unreachable node: exit $status"; show "$work/gone.out"; fi

finish_
