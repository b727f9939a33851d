#!/usr/bin/env bash
# `xbuild imagetools` and `xbuild manifest` against a real registry (docker-registry, started here on
# a free loopback port; no Docker daemon): per-platform images made with umoci and pushed with
# skopeo, then joined, inspected, copied and edited with xbuild, and read back with skopeo the way
# a user checks them: the index's bytes, the image skopeo picks for each architecture.
#
#   bash tests/registry/imagetools.sh BUILD_DIR        # BUILD_DIR/bin/xbuild
set -uo pipefail
build=${1:?usage: imagetools.sh BUILD_DIR}
xbuild=$build/bin/xbuild
pass=0 fail=0
ok()  { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
show() { sed 's/^/    /' "$1" | tail -n "${2:-15}"; }
for p in docker-registry skopeo umoci curl; do
  command -v "$p" >/dev/null || { echo "FAIL $p not found: apt-get install ${p/docker-registry/docker-registry}"; exit 1; }
done
[ -x "$xbuild" ] || { echo "FAIL $xbuild not found"; exit 1; }

work=$(mktemp -d /tmp/xbuild-imagetools.XXXXXX)
reg_pid=""
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export XDG_DATA_HOME=$work/data DOCKER_CONFIG=$work/docker   # no one's real lists or credentials

# A free loopback port, and a registry on it that allows deletes.
port=""
for p in $(seq 5210 5299); do
  if ! ss -ltn "sport = :$p" 2>/dev/null | grep -q LISTEN; then port=$p; break; fi
done
[ -n "$port" ] || { echo "FAIL no free port in 5210-5299"; exit 1; }
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/storage}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || { echo "FAIL the registry did not start"; show "$work/registry.log"; exit 1; }
R=127.0.0.1:$port

# Three one-file images (umoci), pushed to their own tags (skopeo): amd64, arm64, arm (variant unset).
umoci init --layout "$work/src" >/dev/null
for a in amd64 arm64 arm; do
  echo "I am $a" > "$work/file-$a"
  umoci new --image "$work/src:$a" &&
    umoci config --image "$work/src:$a" --os linux --architecture "$a" &&
    umoci insert --rootless --image "$work/src:$a" "$work/file-$a" /which &&
    skopeo copy -q --dest-tls-verify=false "oci:$work/src:$a" "docker://$R/app:1.0-linux-$a" ||
    { echo "FAIL making the $a image"; exit 1; }
done >"$work/setup.log" 2>&1
ok "three images pushed to $R/app (amd64, arm64, arm)"

# imagetools create: one index of two of them.
if "$xbuild" imagetools create -t "$R/app:1.0" "$R/app:1.0-linux-amd64" "$R/app:1.0-linux-arm64" >"$work/create.out" 2>"$work/create.err"; then
  ok "imagetools create: $(cat "$work/create.out")"
else bad "imagetools create exited $?"; show "$work/create.err"; fi
digest=$(awk '{print $2}' "$work/create.out")
skopeo inspect --raw --tls-verify=false "docker://$R/app:1.0" > "$work/index.json" 2>"$work/skopeo.err"
if [ "sha256:$(sha256sum < "$work/index.json" | cut -d' ' -f1)" = "$digest" ] &&
   grep -q '"architecture":"amd64"' "$work/index.json" && grep -q '"architecture":"arm64"' "$work/index.json"; then
  ok "skopeo reads the index by tag: its bytes hash to the printed digest, with amd64 and arm64"
else bad "the index skopeo reads"; show "$work/index.json"; show "$work/skopeo.err"; fi
for a in amd64 arm64; do
  skopeo copy -q --src-tls-verify=false --override-arch "$a" "docker://$R/app:1.0" "dir:$work/pick-$a" >/dev/null 2>&1
  if grep -rqs "\"architecture\":\"$a\"" "$work/pick-$a" && for f in "$work/pick-$a"/*; do gzip -dc "$f" 2>/dev/null; done | grep -a "I am " > "$work/which-$a"; grep -qx "I am $a" "$work/which-$a"; then
    ok "skopeo --override-arch $a gets the $a image (its layer's /which says so)"
  else bad "skopeo --override-arch $a"; fi
done

# inspect, as text and as JSON.
"$xbuild" imagetools inspect "$R/app:1.0" >"$work/inspect.out" 2>&1
if grep -q "^MediaType: application/vnd.oci.image.index.v1+json" "$work/inspect.out" &&
   grep -q "^Digest:    $digest" "$work/inspect.out" && grep -q "^  Platform:  linux/arm64" "$work/inspect.out"; then
  ok "imagetools inspect shows the index and its platforms"
else bad "imagetools inspect"; show "$work/inspect.out"; fi
"$xbuild" imagetools inspect --raw "$R/app:1.0" > "$work/raw.out"
if cmp -s "$work/raw.out" "$work/index.json"; then ok "imagetools inspect --raw gives the registry's exact bytes"
else bad "inspect --raw differs from skopeo's"; fi
"$xbuild" imagetools inspect --format json "$R/app:1.0-linux-arm64" > "$work/one.json" 2>&1
if grep -q '"platform": "linux/arm64"' "$work/one.json"; then
  ok "imagetools inspect --format json of one image names its platform (from its config)"
else bad "inspect --format json of an image"; fi

# --append brings the third platform; --platform filters; another repository gets mounts.
if "$xbuild" imagetools create --append -t "$R/app:1.0" "$R/app:1.0-linux-arm" >"$work/append.out" 2>&1 &&
   [ "$(skopeo inspect --raw --tls-verify=false "docker://$R/app:1.0" | grep -o '"architecture":"[a-z0-9]*"' | sort | tr '\n' ' ')" = \
     '"architecture":"amd64" "architecture":"arm" "architecture":"arm64" ' ]; then
  ok "imagetools create --append: the index has amd64, arm64 and arm"
else bad "--append"; show "$work/append.out"; fi
if "$xbuild" imagetools create --platform linux/arm64 -t "$R/other/app:arm-only" "$R/app:1.0" >"$work/other.out" 2>"$work/other.err" &&
   skopeo inspect --raw --tls-verify=false "docker://$R/other/app:arm-only" > "$work/other.json" 2>&1 &&
   grep -q '"architecture":"arm64"' "$work/other.json" && ! grep -q amd64 "$work/other.json" &&
   skopeo copy -q --src-tls-verify=false --override-arch arm64 "docker://$R/other/app:arm-only" "dir:$work/other" >/dev/null 2>&1; then
  ok "imagetools create --platform linux/arm64 into another repository: only arm64, and its blobs are there ($(cat "$work/other.err"))"
else bad "create into another repository"; show "$work/other.out"; show "$work/other.err"; fi

# An OCI layout as the target, read back by skopeo.
skopeo inspect --raw --tls-verify=false "docker://$R/app:1.0" > "$work/index3.json" 2>/dev/null
if "$xbuild" imagetools create -t "oci-layout://$work/out:1.0" "$R/app:1.0" >"$work/layout.out" 2>&1 &&
   skopeo inspect --raw "oci:$work/out:1.0" > "$work/layout-index.json" && cmp -s "$work/layout-index.json" "$work/index3.json" &&
   skopeo copy -q --override-arch arm64 "oci:$work/out:1.0" "dir:$work/from-layout" >/dev/null 2>&1 &&
   grep -rqs '"architecture":"arm64"' "$work/from-layout"; then
  ok "imagetools create -t oci-layout://DIR:1.0: skopeo reads the same index there and copies the arm64 image out"
else bad "create into a layout"; show "$work/layout.out"; fi

# Bad input: a clear message, exit 2, nothing written.
"$xbuild" imagetools create -t "$R/app:bad" "$R/app:1.0-linux-amd64" "$R/app:1.0-linux-amd64" --platform linux/s390x >"$work/bad.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "no image of the platforms asked for" "$work/bad.out" &&
   ! skopeo inspect --raw --tls-verify=false "docker://$R/app:bad" >/dev/null 2>&1; then
  ok "a platform no source has: exit 2, '$(cat "$work/bad.out")', no tag made"
else bad "a platform no source has: exit $status"; show "$work/bad.out"; fi
"$xbuild" imagetools inspect "$R/app:nope" >"$work/nope.out" 2>&1
status=$?
if [ $status = 1 ] && grep -q "nope" "$work/nope.out"; then ok "inspecting a missing tag: exit 1, '$(cat "$work/nope.out")'"
else bad "inspect a missing tag: exit $status"; show "$work/nope.out"; fi

# One source, nothing changed: a carbon copy (same digest); --prefer-index=false copies an image as is.
"$xbuild" imagetools create -t "$R/copy/app:idx" "$R/app:1.0" >"$work/cc.out" 2>"$work/cc.err"
if [ "$(awk '{print $2}' "$work/cc.out")" = "$(sha256sum < "$work/index3.json" | sed 's/^/sha256:/; s/ .*//')" ]; then
  ok "imagetools create of one index: the same digest in the new repository (a carbon copy)"
else bad "carbon copy of an index"; show "$work/cc.out"; fi
img=$(skopeo inspect --raw --tls-verify=false "docker://$R/app:1.0-linux-arm64" | sha256sum | cut -d' ' -f1)
"$xbuild" imagetools create --prefer-index=false -t "$R/copy/app:img" "$R/app:1.0-linux-arm64" >"$work/ci.out" 2>"$work/ci.err"
"$xbuild" imagetools create -t "$R/copy/app:img-index" "$R/app:1.0-linux-arm64" >"$work/cx.out" 2>&1
if [ "$(awk '{print $2}' "$work/ci.out")" = "sha256:$img" ] &&
   skopeo inspect --raw --tls-verify=false "docker://$R/copy/app:img-index" | grep -q '"manifests"'; then
  ok "--prefer-index=false copies the image's manifest as is; by default one image becomes an index of one"
else bad "--prefer-index"; show "$work/ci.out"; show "$work/cx.out"; fi
"$xbuild" imagetools create --format docker --annotation org.example=1 -t "$R/app:ann" "$R/app:1.0-linux-amd64" "$R/app:1.0-linux-arm64" >"$work/ann.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "Docker manifest list has no annotations" "$work/ann.out"; then
  ok "annotations on a Docker manifest list: exit 2, '$(cat "$work/ann.out")'"
else bad "annotations on a Docker list: exit $status"; show "$work/ann.out"; fi
"$xbuild" imagetools create --annotation index:org.opencontainers.image.description=three -t "$R/app:ann" "$R/app:1.0" >"$work/ann2.out" 2>&1
if skopeo inspect --raw --tls-verify=false "docker://$R/app:ann" 2>/dev/null | grep -q '"org.opencontainers.image.description":"three"'; then
  ok "--annotation index:KEY=VALUE lands on the index"
else bad "--annotation on an OCI index"; show "$work/ann2.out"; fi

# A source that is not an image: an artifact (empty config), pushed with curl.
printf '{}' > "$work/empty.json"
loc=$(curl -sf -X POST -D - -o /dev/null "http://$R/v2/art/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[[ $loc == http* ]] || loc="http://$R$loc"
ed=sha256:$(sha256sum < "$work/empty.json" | cut -d' ' -f1)
curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$work/empty.json" "$loc&digest=$ed" >/dev/null 2>&1 ||
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$work/empty.json" "$loc?digest=$ed" >/dev/null
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/example","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},"layers":[]}' "$ed" > "$work/art.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$work/art.json" "http://$R/v2/art/manifests/v1" >/dev/null
"$xbuild" imagetools create -t "$R/art:index" "$R/art:v1" "$R/app:1.0-linux-amd64" >"$work/art.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "is not an image: its config is 'application/vnd.oci.empty.v1+json'" "$work/art.out"; then
  ok "an artifact as a source: exit 2, it names the config's media type"
else bad "an artifact as a source: exit $status"; show "$work/art.out"; fi

# Ctrl-C while copying into a new layout: nothing is left, neither the layout nor its staging folder.
head -c 150000000 /dev/urandom > "$work/big"
umoci new --image "$work/src:big" >/dev/null 2>&1 && umoci config --image "$work/src:big" --os linux --architecture amd64 >/dev/null 2>&1 &&
  umoci insert --rootless --image "$work/src:big" "$work/big" /big >/dev/null 2>&1 &&
  skopeo copy -q --dest-tls-verify=false "oci:$work/src:big" "docker://$R/big:1" >/dev/null 2>&1 || bad "making the big image"
rm -f "$work/big"
"$xbuild" imagetools create -t "oci-layout://$work/intr:1" "$R/big:1" >"$work/intr.out" 2>&1 &
pid=$!
for _ in $(seq 500); do compgen -G "$work/.intr.xbuild-*" >/dev/null && break; sleep 0.01; done
kill -INT $pid
wait $pid
status=$?
if [ $status = 130 ] && [ ! -e "$work/intr" ] && ! compgen -G "$work/.intr.xbuild-*" >/dev/null; then
  ok "Ctrl-C during imagetools create into a new layout: killed by SIGINT (130), no layout and no staging folder left"
else bad "Ctrl-C: exit $status, left: $(ls -a "$work" | grep intr | tr '\n' ' ')"; show "$work/intr.out"; fi

# docker manifest's commands: create, annotate (a variant for arm), inspect, push --purge.
L=$R/app:list
if "$xbuild" manifest create "$L" "$R/app:1.0-linux-amd64" "$R/app:1.0-linux-arm" >"$work/m.out" 2>&1 &&
   "$xbuild" manifest annotate "$L" "$R/app:1.0-linux-arm" --variant v7 >>"$work/m.out" 2>&1 &&
   "$xbuild" manifest inspect "$L" >"$work/minspect.out" 2>>"$work/m.out" &&
   grep -q '"variant": "v7"' "$work/minspect.out"; then
  ok "manifest create + annotate --variant v7: the local list shows it"
else bad "manifest create/annotate/inspect"; show "$work/m.out"; show "$work/minspect.out"; fi
"$xbuild" manifest create "$L" "$R/app:1.0-linux-arm64" >"$work/again.out" 2>&1
status=$?
if [ $status = 2 ] && grep -q "no --amend" "$work/again.out"; then ok "manifest create of an existing list without --amend: exit 2"
else bad "create again without --amend: exit $status"; show "$work/again.out"; fi
"$xbuild" manifest annotate "$L" "$R/app:1.0-linux-arm" --arch sparc >"$work/arch.out" 2>&1
status=$?
if [ $status = 2 ] && grep -qi "sparc" "$work/arch.out"; then ok "annotate --arch sparc: exit 2, '$(head -c 160 "$work/arch.out")...'"
else bad "annotate --arch sparc: exit $status"; show "$work/arch.out"; fi
if "$xbuild" manifest push --purge "$L" >"$work/push.out" 2>&1 &&
   skopeo inspect --raw --tls-verify=false "docker://$R/app:list" > "$work/list.json" 2>/dev/null &&
   [ "sha256:$(sha256sum < "$work/list.json" | cut -d' ' -f1)" = "$(cat "$work/push.out")" ] &&
   grep -q '"variant":"v7"' "$work/list.json" && ! "$xbuild" manifest inspect "$L" "$R/app:1.0-linux-arm" >/dev/null 2>&1; then
  ok "manifest push --purge: prints the digest skopeo's bytes hash to, variant v7 kept, the local list gone"
else bad "manifest push"; show "$work/push.out"; show "$work/list.json"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
