#!/usr/bin/env bash
# The test engine itself: dockerd + registry started and stopped here, busybox base images for
# amd64 and arm64 made without Docker Hub, and a BuildKit build for arm64 that runs under qemu.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=engine.bash
. "$here/engine.bash"

pass=0 fail=0
ok()   { echo "ok   $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }
finish() { engine_stop; echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; }
docker0_before=$(ip link show docker0 >/dev/null 2>&1 && echo yes)
# The rules and ip_forward, without the chains' packet counters (traffic moves them meanwhile). A
# table with no rules, no chains of its own and every policy ACCEPT filters nothing: the same as
# no table (nf_tables makes tables on first use, and engine_stop's restore leaves them empty).
net_state() {
  iptables-save 2>/dev/null | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//' |
    awk '/^\*/ { block = $0 "\n"; idle = 1; next }
         /^COMMIT/ { if (!idle) printf "%sCOMMIT\n", block; block = ""; next }
         { block = block $0 "\n"; if (!($1 ~ /^:/ && $2 == "ACCEPT")) idle = 0 }'
  cat /proc/sys/net/ipv4/ip_forward
}
net_before=$(net_state)

t0=$SECONDS
if ! engine_start; then bad "engine_start"; finish; exit 1; fi
sock=${DOCKER_HOST#unix://}
trap 'engine_stop' EXIT
ok "engine_start ($((SECONDS - t0)) s)"

for p in linux/amd64 linux/arm64; do
  a=${p#linux/}
  t=$SECONDS
  if base_image "busybox:$a" "$p" --push; then
    got=$(edocker image inspect "busybox:$a" --format '{{.Os}}/{{.Architecture}}' 2>&1)
    [ "$got" = "$p" ] && ok "base_image busybox:$a is $got ($((SECONDS - t)) s)" ||
      bad "base_image busybox:$a: image config says '$got', wanted $p"
  else
    bad "base_image busybox:$a $p"
  fi
done

# One name for both platforms, as a Dockerfile would use it.
if manifest_list busybox busybox:amd64 busybox:arm64; then ok "manifest list $ENGINE_REGISTRY/busybox"
else bad "manifest list $ENGINE_REGISTRY/busybox"; fi

work=$(mktemp -d "$ENGINE_DIR/smoke.XXXXXX")
printf 'FROM %s/busybox\nRUN uname -m > /m\n' "$ENGINE_REGISTRY" > "$work/Dockerfile"
for p in linux/arm64 linux/amd64; do
  case $p in linux/arm64) want=aarch64 ;; linux/amd64) want=x86_64 ;; esac
  t=$SECONDS
  if edocker build --platform "$p" -t "smoke:${p#linux/}" "$work" >"$work/build.log" 2>&1; then
    got=$(edocker run --rm --platform "$p" "smoke:${p#linux/}" cat /m 2>&1)
    [ "$got" = "$want" ] && ok "build+run FROM $ENGINE_REGISTRY/busybox for $p prints $got ($((SECONDS - t)) s)" ||
      bad "run for $p printed '$got', wanted $want"
  else
    bad "docker build --platform $p:"; tail -n 15 "$work/build.log" | sed 's/^/    /'
  fi
done

# The same from the local name only (no registry involved).
printf 'FROM busybox:arm64\nRUN uname -m > /m\n' > "$work/Dockerfile"
if edocker build --platform linux/arm64 -t smoke:local "$work" >"$work/build.log" 2>&1 &&
   got=$(edocker run --rm --platform linux/arm64 smoke:local cat /m 2>&1) && [ "$got" = aarch64 ]; then
  ok "build+run FROM the local busybox:arm64 prints aarch64"
else
  bad "build+run FROM the local busybox:arm64: ${got:-}"; tail -n 15 "$work/build.log" | sed 's/^/    /'
fi

t=$SECONDS
ENGINE_DIR_WAS=$ENGINE_DIR
engine_stop
trap - EXIT
left=""
[ -e "$sock" ] && left+=" $sock"
pgrep -f "$ENGINE_DIR_WAS" >/dev/null 2>&1 && left+=" processes"
[ -z "$docker0_before" ] && ip link show docker0 >/dev/null 2>&1 && left+=" docker0"
if [ "$(net_state)" != "$net_before" ]; then
  left+=" iptables/ip_forward changes"
  diff <(echo "$net_before") <(net_state) | sed "s/^/    /"
fi
[ -n "$(compgen -G '/tmp/xbe.*' || true)" ] && left+=" $(compgen -G '/tmp/xbe.*' | tr '\n' ' ')"
[ -z "$left" ] && ok "engine_stop ($((SECONDS - t)) s): nothing left" || bad "engine_stop left:$left"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
