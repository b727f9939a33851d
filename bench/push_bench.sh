#!/usr/bin/env bash
# Pushing a multi-platform image from an OCI layout to a registry: `xbuild imagetools create`
# against `skopeo copy --all`, measured in the same run. The layout (made once with umoci, cached
# under /var/tmp/xbuild-bench) holds one index of three ~20 MB images, linux/amd64, linux/arm64
# and linux/arm/v7, each of three gzip layers: random bytes (incompressible), base64 of random
# bytes (partly compressible) and log-like text (very compressible). Every run pushes into a
# registry with empty storage (hyperfine --prepare wipes it and restarts docker-registry), so
# every blob really is uploaded. Prints both medians and the ratio; both pushes are then read
# back by skopeo, so a push that does less cannot look fast.
#
#   bash bench/push_bench.sh BUILD_DIR      # BUILD_DIR/bin/xbuild; BENCH_PUSH_RUNS rounds (default 10)
# XBUILD_BENCH_CACHE moves the cache (default /var/tmp/xbuild-bench).
set -euo pipefail
build=$(cd "${1:?usage: bench/push_bench.sh BUILD_DIR}" && pwd)
xbuild=$build/bin/xbuild
runs=${BENCH_PUSH_RUNS:-10}
cache=${XBUILD_BENCH_CACHE:-/var/tmp/xbuild-bench}
die() { echo "bench: $*" >&2; exit 1; }
for tool in hyperfine python3 umoci skopeo jq curl ss sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (./x deps installs it)"
done
[ -x /usr/bin/docker-registry ] || die "/usr/bin/docker-registry is missing: apt-get install docker-registry"
[ -x "$xbuild" ] || die "$xbuild not found: cmake --build $build --target xbuild_cli"

# ---- the layout, made once ----
# The version in the name changes whenever what is made here changes, so an old cache is not used.
layout=$cache/push-layout-v1
if [ ! -f "$layout/.complete" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.making.XXXXXX")
  echo "== making the layout in $layout (once)"
  umoci init --layout "$tmp/oci" >/dev/null
  for a in amd64 arm64 arm; do
    d=$tmp/data-$a
    mkdir -p "$d/random" "$d/b64" "$d/text"
    head -c 10000000 /dev/urandom > "$d/random/blob"
    head -c 6000000 /dev/urandom | base64 > "$d/b64/blob"
    seq 1 1200000 | sed "s/^/$a log line /" > "$d/text/log"
    umoci new --image "$tmp/oci:$a"
    umoci config --image "$tmp/oci:$a" --os linux --architecture "$a"
    for part in random b64 text; do
      umoci insert --rootless --image "$tmp/oci:$a" "$d/$part" "/data/$part"
    done
    rm -rf "$d"
  done >/dev/null
  # umoci has no --variant: give the arm config "variant": "v7" by hand, then the manifest that
  # names the new config, then the index.json entry that names the new manifest.
  blob() { echo "$tmp/oci/blobs/sha256/${1#sha256:}"; }
  put() {  # put FILE: stores FILE as a blob, prints "DIGEST SIZE"
    local h; h=$(sha256sum < "$1" | cut -d' ' -f1)
    mv "$1" "$tmp/oci/blobs/sha256/$h"
    echo "sha256:$h $(stat -c %s "$tmp/oci/blobs/sha256/$h")"
  }
  man=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "arm") | .digest' "$tmp/oci/index.json")
  cfg=$(jq -r .config.digest "$(blob "$man")")
  jq -c '.variant = "v7"' "$(blob "$cfg")" > "$tmp/cfg.json"
  read -r cd cs < <(put "$tmp/cfg.json")
  jq -c --arg d "$cd" --argjson s "$cs" '.config.digest = $d | .config.size = $s' "$(blob "$man")" > "$tmp/man.json"
  read -r md ms < <(put "$tmp/man.json")
  jq -c --arg old "$man" --arg d "$md" --argjson s "$ms" \
    '.manifests |= map(if .digest == $old then .digest = $d | .size = $s else . end)' "$tmp/oci/index.json" > "$tmp/index.json"
  mv "$tmp/index.json" "$tmp/oci/index.json"
  rm -f "$(blob "$man")" "$(blob "$cfg")"  # nothing else names them
  # One index of the three (the source and the target are the same folder: nothing is copied).
  "$xbuild" imagetools create -t "oci-layout://$tmp/oci:all" \
    "oci-layout://$tmp/oci:amd64" "oci-layout://$tmp/oci:arm64" "oci-layout://$tmp/oci:arm" >/dev/null 2>"$tmp/join.err" ||
    { cat "$tmp/join.err" >&2; die "joining the three images failed"; }
  "$xbuild" imagetools inspect "oci-layout://$tmp/oci:all" | grep -q "linux/arm/v7" || die "the index has no linux/arm/v7"
  touch "$tmp/oci/.complete"
  rm -rf "$layout"
  mv "$tmp/oci" "$layout"
  rm -rf "$tmp"
fi
blob_bytes=$(du -sb "$layout/blobs" | cut -f1)

# ---- a registry on a free loopback port, restarted on empty storage before every run ----
work=$(mktemp -d /tmp/xbuild-push-bench.XXXXXX)
cleanup() {
  [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=""
for p in $(seq 5310 5399); do
  if ! ss -ltn "sport = :$p" 2>/dev/null | grep -q LISTEN; then port=$p; break; fi
done
[ -n "$port" ] || die "no free port in 5310-5399"
R=127.0.0.1:$port
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: $R}
YML
cat > "$work/fresh.sh" <<SH
#!/usr/bin/env bash
# Stops the registry, empties its storage, starts it again and waits until it answers.
set -e
if [ -f $work/pid ]; then
  pid=\$(cat $work/pid)
  kill \$pid 2>/dev/null || true
  while kill -0 \$pid 2>/dev/null; do sleep 0.02; done
fi
rm -rf $work/storage
setsid /usr/bin/docker-registry serve $work/registry.yml >>$work/registry.log 2>&1 < /dev/null &
echo \$! > $work/pid
for _ in \$(seq 200); do curl -sf http://$R/v2/ >/dev/null && exit 0; sleep 0.02; done
echo "the registry did not start" >&2; exit 1
SH
chmod +x "$work/fresh.sh"
"$work/fresh.sh" || { cat "$work/registry.log" >&2; die "docker-registry did not start"; }

xb_cmd="$xbuild imagetools create -t $R/bench/x:1 oci-layout://$layout:all"
sk_cmd="skopeo copy -q --all --dest-tls-verify=false oci:$layout:all docker://$R/bench/y:1"
echo "== pushing $((blob_bytes / 1000000)) MB of blobs (3 platforms) to an empty registry, $runs runs each"
echo "(commands: $xb_cmd"
echo "           $sk_cmd)"
hyperfine --warmup 1 --runs "$runs" --prepare "$work/fresh.sh" --export-json "$work/h.json" \
  -n "xbuild imagetools create" "$xb_cmd" \
  -n "skopeo copy --all" "$sk_cmd"

# Both pushes, read back: the index by tag, and every platform's image with its blobs.
"$work/fresh.sh"
$xb_cmd >/dev/null 2>&1 || die "xbuild imagetools create failed"
$sk_cmd || die "skopeo copy failed"
for repo in bench/x bench/y; do
  raw=$(skopeo inspect --raw --tls-verify=false "docker://$R/$repo:1")
  [ "$(jq '.manifests | length' <<<"$raw")" = 3 ] || die "$repo:1 is not an index of three: $raw"
  for a in amd64 arm64 arm; do
    skopeo copy -q --src-tls-verify=false --override-arch "$a" "docker://$R/$repo:1" "dir:$work/check" >/dev/null ||
      die "skopeo cannot copy the $a image out of $repo:1"
    rm -rf "$work/check"
  done
done
echo "both pushes read back by skopeo: three platforms each, every blob there"

python3 - "$work/h.json" "$runs" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
x, s = statistics.median(r[0]["times"]), statistics.median(r[1]["times"])
print(f"\npush of a 3-platform OCI layout to an empty local registry, median of {sys.argv[2]} runs")
print(f"  skopeo copy --all          {s:7.3f} s   (runs {', '.join('%.2f' % t for t in r[1]['times'])})")
print(f"  xbuild imagetools create   {x:7.3f} s   (runs {', '.join('%.2f' % t for t in r[0]['times'])})")
print(f"  ratio xbuild/skopeo        {x / s:7.3f}   ({(x / s - 1) * 100:+.1f}%)")
PY
