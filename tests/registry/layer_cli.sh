#!/usr/bin/env bash
# `xbuild layer create|inspect|list|extract` checked with the tools a user would check a layer with:
# sha256sum of the file is the printed digest, `gzip -dc | sha256sum` the diff_id, GNU tar lists
# and unpacks what we write (owned by 0/0), copies of one tree with other mtimes give one digest,
# whiteouts remove what a lower tree has, and bad input exits 2 (usage) or 1 naming what is wrong.
# No registry or daemon needed.
#
#   bash tests/registry/layer_cli.sh BUILD_DIR        # BUILD_DIR/bin/xbuild
set -uo pipefail
build=${1:?usage: layer_cli.sh BUILD_DIR}
xbuild=$build/bin/xbuild
pass=0 fail=0
ok()  { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
show() { sed 's/^/    /' "$1" | tail -n "${2:-15}"; }
for p in tar gzip sha256sum python3; do
  command -v "$p" >/dev/null || { echo "FAIL $p not found"; exit 1; }
done
[ -x "$xbuild" ] || { echo "FAIL $xbuild not found"; exit 1; }
work=$(mktemp -d /tmp/xbuild-layer-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
unset SOURCE_DATE_EPOCH
sha() { sha256sum | cut -d' ' -f1; }
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$2"; }  # field digest FILE

# A small tree: text, an executable, a setgid dir, a symlink, a hardlink, a space and UTF-8 in names.
t=$work/tree
mkdir -p "$t/etc" "$t/usr/bin" "$t/srv/shared" "$t/data dir"
echo "hello" > "$t/etc/greeting"
printf '#!/bin/sh\necho hi\n' > "$t/usr/bin/hi" && chmod 0755 "$t/usr/bin/hi"
chmod 2775 "$t/srv/shared"
ln -s ../etc/greeting "$t/usr/greeting-link"
ln "$t/etc/greeting" "$t/etc/greeting.hard"
head -c 300000 /dev/urandom > "$t/data dir/blob.bin"
echo café > "$t/data dir/café.txt"

# create: the printed line, checked against sha256sum and gzip -dc.
if "$xbuild" layer create "$t" -o "$work/l.tar.gz" >"$work/create.out" 2>"$work/create.err"; then
  ok "layer create: $(cut -c1-60 "$work/create.out")..."
else bad "layer create exited $?"; show "$work/create.err"; fi
digest=$(field digest "$work/create.out") diff_id=$(field diff_id "$work/create.out")
size=$(awk '{ print $(NF - 1) }' "$work/create.out")
if [ "$digest" = "sha256:$(sha < "$work/l.tar.gz")" ] && [ "$size" = "$(stat -c %s "$work/l.tar.gz")" ] &&
   grep -Eq '^[^ ]+  digest sha256:[0-9a-f]{64}  diff_id sha256:[0-9a-f]{64}  [0-9]+ bytes$' "$work/create.out"; then
  ok "the printed digest is sha256sum of the file and the size its byte count"
else bad "digest $digest / size $size against the file"; show "$work/create.out"; fi
if [ "$diff_id" = "sha256:$(gzip -dc "$work/l.tar.gz" | sha)" ]; then ok "the printed diff_id is gzip -dc FILE | sha256sum"
else bad "diff_id $diff_id is not the uncompressed tar's"; fi

# GNU tar reads it: every entry 0/0, names as written, and it unpacks to the same tree.
TZ=UTC tar --numeric-owner -tvzf "$work/l.tar.gz" > "$work/tar-tv.out" 2>"$work/tar-tv.err"
if [ -s "$work/tar-tv.out" ] && ! [ -s "$work/tar-tv.err" ] && awk '$2 != "0/0" { exit 1 }' "$work/tar-tv.out" &&
   grep -q ' etc/greeting$' "$work/tar-tv.out" && grep -q 'data dir/café.txt$' "$work/tar-tv.out" &&
   grep -q '^drwxrwsr-x 0/0 .* srv/shared/$' "$work/tar-tv.out"; then
  ok "tar -tvzf: $(wc -l < "$work/tar-tv.out") entries, all owned 0/0, no warnings, setgid kept"
else bad "tar -tvzf"; show "$work/tar-tv.out"; show "$work/tar-tv.err"; fi
mkdir "$work/by-tar" && tar -xzf "$work/l.tar.gz" -C "$work/by-tar" 2>"$work/tar-x.err"
if diff -r --no-dereference "$t" "$work/by-tar" >"$work/diff.out" 2>&1 && [ "$(stat -c %i "$work/by-tar/etc/greeting")" = "$(stat -c %i "$work/by-tar/etc/greeting.hard")" ]; then
  ok "tar -xzf unpacks the same tree (the hardlink is a hardlink again)"
else bad "tar -xzf differs from the source"; show "$work/diff.out"; show "$work/tar-x.err"; fi

# layer list prints what tar -tv --numeric-owner prints (both in UTC).
"$xbuild" layer list "$work/l.tar.gz" > "$work/list.out" 2>&1
if diff "$work/tar-tv.out" "$work/list.out" >"$work/list.diff"; then ok "layer list = TZ=UTC tar --numeric-owner -tvzf, line for line"
else bad "layer list differs from tar -tv"; show "$work/list.diff"; fi

# Reproducible: a copy with other mtimes (and, as root, other owners) gives the same digest.
cp -a "$t" "$work/copy"
find "$work/copy" -exec touch -h -d '2021-03-04 05:06:07' {} +
[ "$(id -u)" = 0 ] && chown -hR 1234:5678 "$work/copy"
"$xbuild" layer create "$work/copy" -o "$work/copy.tar.gz" > "$work/copy.out" 2>&1
if [ "$(field digest "$work/copy.out")" = "$digest" ] && cmp -s "$work/l.tar.gz" "$work/copy.tar.gz"; then
  ok "a copy of the tree with other mtimes$([ "$(id -u)" = 0 ] && echo " and owners") gives the same bytes and digest"
else bad "the copy's digest $(field digest "$work/copy.out") is not $digest"; fi
"$xbuild" layer create "$t" -o "$work/m.tar.gz" --mtime 1700000000 > "$work/m.out" 2>&1
TZ=UTC tar -tvzf "$work/m.tar.gz" > "$work/m-tv.out" 2>&1
if [ "$(field digest "$work/m.out")" != "$digest" ] && [ -s "$work/m-tv.out" ] && awk '$4 != "2023-11-14" { exit 1 }' "$work/m-tv.out"; then
  ok "--mtime 1700000000 dates every entry 2023-11-14 (a different digest)"
else bad "--mtime"; show "$work/m.out"; fi

# --format json, --docker, --no-compress, --prefix.
"$xbuild" layer create "$t" -o "$work/j.tar.gz" --format json --docker > "$work/j.json" 2>&1
if python3 - "$work/j.json" "$digest" "$diff_id" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["digest"] == sys.argv[2] and j["diffID"] == sys.argv[3], j
assert j["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip", j
assert isinstance(j["size"], int) and j["uncompressedSize"] > j["size"], j
PY
then ok "create --format json --docker: digest, diffID, sizes and Docker's media type"
else bad "create --format json"; show "$work/j.json"; fi
"$xbuild" layer create "$t" -o "$work/plain.tar" --no-compress --prefix /opt/app > "$work/plain.out" 2>&1
plain=$(sha < "$work/plain.tar")
if [ "$(field digest "$work/plain.out")" = "sha256:$plain" ] && [ "$(field diff_id "$work/plain.out")" = "sha256:$plain" ] &&
   [ "$(tar -tf "$work/plain.tar" | head -3 | tr '\n' ' ')" = "opt/ opt/app/ opt/app/data dir/ " ]; then
  ok "--no-compress --prefix /opt/app: a plain tar (digest = diff_id = sha256sum) under opt/app/"
else bad "--no-compress --prefix"; show "$work/plain.out"; tar -tf "$work/plain.tar" | head -3; fi

# inspect agrees with create, for gzip and plain.
"$xbuild" layer inspect "$work/l.tar.gz" > "$work/inspect.out" 2>&1
"$xbuild" layer inspect --format json "$work/plain.tar" > "$work/inspect.json" 2>&1
if grep -q "^Digest: *$digest$" "$work/inspect.out" && grep -q "^DiffID: *$diff_id$" "$work/inspect.out" &&
   grep -q "^MediaType: *application/vnd.oci.image.layer.v1.tar+gzip$" "$work/inspect.out" &&
   grep -q "\"mediaType\": \"application/vnd.oci.image.layer.v1.tar\"" "$work/inspect.json" &&
   grep -q "\"digest\": \"sha256:$plain\"" "$work/inspect.json"; then
  ok "layer inspect: the same digest and diff_id as create; media types tar+gzip and tar guessed from the content"
else bad "layer inspect"; show "$work/inspect.out"; show "$work/inspect.json"; fi

# extract over a lower tree: whiteouts remove its files, an opaque whiteout empties its dir.
lower=$work/lower up=$work/up
mkdir -p "$lower/etc" "$lower/var/cache" "$up/etc" "$up/var/cache"
echo old > "$lower/etc/remove-me"; echo keep > "$lower/etc/keep"; echo c > "$lower/var/cache/stale"
: > "$up/etc/.wh.remove-me"; : > "$up/var/cache/.wh..wh..opq"; echo new > "$up/var/cache/fresh"; echo n > "$up/etc/added"
"$xbuild" layer create "$up" -o "$work/up.tar.gz" > "$work/up.out" 2>&1
up_digest=$(field digest "$work/up.out")
if "$xbuild" layer extract "$work/up.tar.gz" "$lower" --digest "$up_digest" > "$work/x.out" 2>&1 &&
   [ ! -e "$lower/etc/remove-me" ] && [ "$(cat "$lower/etc/keep")" = keep ] && [ -f "$lower/etc/added" ] &&
   [ ! -e "$lower/etc/.wh.remove-me" ] && [ "$(ls -A "$lower/var/cache")" = fresh ]; then
  ok "layer extract over a lower tree: .wh.remove-me removed it, .wh..wh..opq emptied var/cache but for the layer's own file"
else bad "extract with whiteouts"; show "$work/x.out"; find "$lower" | sed 's/^/    /'; fi
mkdir -p "$work/fresh" && "$xbuild" layer extract "$work/l.tar.gz" "$work/fresh/root" > "$work/x2.out" 2>&1
if diff -r --no-dereference "$t" "$work/fresh/root" > "$work/x2.diff" 2>&1 && grep -q " $(tar -tzf "$work/l.tar.gz" | wc -l) entries$" "$work/x2.out"; then
  ok "layer extract into a new DIR gives back the tree; '$(cut -c1-40 "$work/x2.out")...'"
else bad "extract into a new DIR"; show "$work/x2.out"; show "$work/x2.diff"; fi

# Bad input: exit 2 for usage mistakes, 1 for a layer that is not one; the message names it.
expect() {  # expect STATUS WORD DESCRIPTION -- CMD...
  local want=$1 word=$2 what=$3; shift 4
  "$@" > "$work/bad.out" 2>&1
  local got=$?
  if [ "$got" = "$want" ] && grep -qF -- "$word" "$work/bad.out"; then ok "$what: exit $got, '$(head -c 150 "$work/bad.out" | head -1)'"
  else bad "$what: exit $got (want $want, a message naming '$word')"; show "$work/bad.out"; fi
}
expect 2 "$work/nope" "create from a missing DIR" -- "$xbuild" layer create "$work/nope" -o "$work/x.tar.gz"
expect 2 "--level" "create --level 12" -- "$xbuild" layer create "$t" -o "$work/x.tar.gz" --level 12
expect 2 "--prefix" "create --prefix ../up" -- "$xbuild" layer create "$t" -o "$work/x.tar.gz" --prefix ../up
if [ ! -e "$work/x.tar.gz" ] && [ -z "$(find "$work" -maxdepth 1 -name '.x.tar.gz.tmp-*')" ]; then ok "refused creates leave no file behind"
else bad "a refused create left a file"; fi
head -c 5000 /dev/urandom > "$work/junk.bin"
expect 1 "$work/junk.bin" "inspect of a file that is not a layer" -- "$xbuild" layer inspect "$work/junk.bin"
expect 1 "$work/junk.bin" "list of a file that is not a layer" -- "$xbuild" layer list "$work/junk.bin"
expect 1 "$work/junk.bin" "extract of a file that is not a layer" -- "$xbuild" layer extract "$work/junk.bin" "$work/j"
expect 2 "$work/missing.tar.gz" "inspect of a missing FILE" -- "$xbuild" layer inspect "$work/missing.tar.gz"
expect 2 "--digest 'sha256:abc'" "extract --digest sha256:abc (malformed)" -- "$xbuild" layer extract "$work/l.tar.gz" "$work/d" --digest sha256:abc
wrong=sha256:$(printf x | sha)
expect 1 "$wrong" "extract --digest of another blob" -- "$xbuild" layer extract "$work/l.tar.gz" "$work/d" --digest "$wrong"
if [ ! -e "$work/d" ] || [ -z "$(ls -A "$work/d")" ]; then ok "a digest mismatch writes nothing"
else bad "a digest mismatch left files in $work/d"; fi
expect 2 "Docker" "create --docker --no-compress" -- "$xbuild" layer create "$t" -o "$work/x.tar" --docker --no-compress

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
