#!/usr/bin/env bash
# The Dockerfile frontend's headline figure: an example's NAIVE Dockerfile (no cross-compilation
# in it) built in one run on a private engine (tests/e2e/engine.bash), each build with
# --no-cache, base images and the frontend image pulled and unpacked before timing:
#   emulated  for linux/arm64 without the frontend: the build stage runs under QEMU (binfmt)
#   cross     for linux/arm64 with `# syntax=<our frontend>` added: the build stage runs on this
#             machine and cross-compiles through the helpers (the rewrite declares
#             XX_AUTO_INSTALL=1: for Go, xx-go first fetches Debian's precompiled arm64 standard
#             library, xbuild/toolchain/go_std.hpp)
#   cross-nostd  (Go only) the same with --build-arg XX_AUTO_INSTALL=0: the arm64 std is compiled
#   native    for linux/amd64 without the frontend: the physical limit on this machine
# Every image is run and must report its platform (Go: -selftest prints `hello from linux/<arch>`),
# and the cross logs must show the helpers, so a broken build cannot look fast. Prints the whole
# build's time and the compile step's time (BuildKit's DONE figure), and the ratios
# emulated/cross and cross/native.
#
#   bash bench/dockerfile_frontend.sh BIN_DIR [go|rust|c ...]   # default: go rust c
# BIN_DIR holds a static xx and its links. BENCH_DF_RUNS: rounds (default 1; medians reported).
# BENCH_DF_LOGS: where the build logs are kept (default: a new /tmp/dockerfile-bench.* folder).
# Base images come from mmdebstrap, cached in /var/cache/xbuild/e2e (XBUILD_E2E_CACHE).
set -uo pipefail
bin=$(cd "${1:?usage: bench/dockerfile_frontend.sh BIN_DIR [go|rust|c ...]}" && pwd)
shift
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(go rust c)
for e in "${examples[@]}"; do
  case $e in go|rust|c) ;; *) echo "bench: unknown example '$e'; valid: go, rust, c" >&2; exit 2 ;; esac
done
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
runs=${BENCH_DF_RUNS:-1}
logs=${BENCH_DF_LOGS:-$(mktemp -d /tmp/dockerfile-bench.XXXXXX)}
mkdir -p "$logs" || exit 1
# shellcheck source=../tests/e2e/engine.bash
. "$top/tests/e2e/engine.bash"
# shellcheck source=frontend_common.bash
. "$here/frontend_common.bash"
die() { echo "bench: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
[ -x "$bin/xx" ] || die "$bin/xx not found: cmake --build <build dir> --target xx"

# Per example: the build image (name in the Dockerfile -> packages of its mmdebstrap image), the
# compile step (a fixed string of its RUN line, before or after the rewrite), what the cross
# log must contain, and how the image reports its platform.
declare -A image_from=([go]=golang:1.19-bookworm [rust]=rust:1.75-bookworm [c]=debian:bookworm)
declare -A image_name=([go]=golang [rust]=rust [c]=debian)
declare -A image_pkgs=([go]="golang-go ca-certificates" [rust]="rustc cargo ca-certificates" [c]="ca-certificates")
declare -A step=([go]="go build -o /out/server" [rust]="cargo build --release" [c]="-S . -B /build")
declare -A routed=([go]="xx-go build" [rust]="xx-cargo build --release" [c]="xx-cc --print-cmake-toolchain-path")
# report EXAMPLE IMAGE PLATFORM: what the program prints about where it runs.
report() {
  case $1 in
    go) edocker run --rm --platform "$3" "$2" -selftest ;;
    rust) edocker run --rm --platform "$3" "$2" ;;
    c) echo "some input to squeeze" | edocker run -i --rm --platform "$3" "$2" ;;
  esac
}
# want EXAMPLE PLATFORM: the part of its report that names the platform.
want() {
  case $1/$2 in
    go/*) echo "hello from $2" ;;
    rust/linux/arm64) echo "on linux/aarch64" ;;  rust/linux/amd64) echo "on linux/x86_64" ;;
    c/linux/arm64) echo " on aarch64 " ;;          c/linux/amd64) echo " on x86_64 " ;;
  esac
}

engine_start || die "engine_start failed"
trap engine_stop EXIT

t=$SECONDS
for arch in amd64 arm64; do
  debian_image "debian:$arch" "linux/$arch" --push ca-certificates || die "base image debian:$arch"
  for e in "${examples[@]}"; do
    [ "$e" = c ] && continue
    debian_image "${image_name[$e]}:$arch" "linux/$arch" --push ${image_pkgs[$e]} || die "base image ${image_name[$e]}:$arch"
  done
done
manifest_list debian debian:amd64 debian:arm64 || die "manifest list debian"
for e in "${examples[@]}"; do
  [ "$e" = c ] || manifest_list "${image_name[$e]}" "${image_name[$e]}:amd64" "${image_name[$e]}:arm64" ||
    die "manifest list ${image_name[$e]}"
done
echo "base images (mmdebstrap, amd64 and arm64): $((SECONDS - t)) s"

frontend=$ENGINE_REGISTRY/xbuild/frontend:dev
XBUILD_FRONTEND_BUILD=${XBUILD_FRONTEND_BUILD:-$bin/../frontend-image} \
  "$top/frontend/build-image.sh" --push --bin "$bin" --tag "$frontend" >/dev/null 2>"$ENGINE_DIR/image.log" ||
  { tail -n 30 "$ENGINE_DIR/image.log" >&2; die "frontend/build-image.sh failed"; }

# Before timing: every base image and the frontend image pulled and unpacked by BuildKit, for
# both platforms (builds that only touch them).
for e in "${examples[@]}"; do
  warm_images "$frontend" "${image_name[$e]}" linux/arm64 linux/amd64 || die "warm-up: $e"
done

results=$logs/results.txt
: > "$results"
# skip MESSAGE: this example failed; say why and go on with the next one (from inside its loops).
failed=()
skip() { echo "bench: $*" >&2; failed+=("${e:-?}"); }
for e in "${examples[@]}"; do
  work=$ENGINE_DIR/$e
  mkdir -p "$work/plain" "$work/frontend"
  for d in plain frontend; do cp -r "$top/examples/$e/." "$work/$d/"; rm -rf "$work/$d/target" "$work/$d/build"; done
  # The user's file, Docker Hub's names pointed at the test registry; the cross variant adds
  # only the syntax line.
  sed -e "s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#; s#${image_from[$e]}#$ENGINE_REGISTRY/${image_name[$e]}#" \
    "$top/examples/$e/Dockerfile" > "$work/plain/Dockerfile"
  { echo "# syntax=$frontend"; cat "$work/plain/Dockerfile"; } > "$work/frontend/Dockerfile"
  variants=(emulated cross)
  [ "$e" = go ] && variants+=(cross-nostd)
  variants+=(native)
  for round in $(seq 1 "$runs"); do
    for v in "${variants[@]}"; do
      p=linux/arm64 ctx=frontend extra=()
      case $v in
        emulated) ctx=plain ;;
        cross-nostd) extra=(--build-arg XX_AUTO_INSTALL=0) ;;
        native) p=linux/amd64 ctx=plain ;;
      esac
      log=$logs/$e-$v.$round.log
      start=$(date +%s.%N)
      edocker build --no-cache --progress=plain --platform "$p" "${extra[@]}" -t "bench-$e:$v" "$work/$ctx" \
        >"$log" 2>&1 || { tail -n 40 "$log" >&2; skip "$e $v: the build failed (log above)"; continue 3; }
      end=$(date +%s.%N)
      out=$(report "$e" "bench-$e:$v" "$p" 2>&1)
      [[ $out == *"$(want "$e" "$p")"* ]] || { skip "$e $v: the image printed '$out', want '$(want "$e" "$p")'"; continue 3; }
      # The variants are what they claim: the helpers ran only with the frontend.
      if [ $ctx = frontend ]; then
        grep -qF -- "${routed[$e]}" "$log" || { skip "$e $v: no '${routed[$e]}' in the log: the frontend did not rewrite"; continue 3; }
      else
        grep -qE 'xx-(go|cargo|cc|clang|apt-get) |xbuild-xx' "$log" && { skip "$e $v: a helper ran without the frontend"; continue 3; }
      fi
      s=$(compile_step "$log" "${step[$e]}")
      # xx-go's own figure for fetching the std (0: not fetched).
      std=$(grep -o "installed Debian's precompiled standard library in [^ ]* ([0-9.]* s)" "$log" |
            sed -E 's/.*\(([0-9.]+) s\)/\1/' | tail -n 1)
      printf '%s %s %s %.1f %s %s\n' "$e" "$v" "$round" "$(awk "BEGIN { print $end - $start }")" "${s:-nan}" "${std:-0}" | tee -a "$results"
    done
  done
done

python3 - "$results" "$runs" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
label = {"emulated": "linux/arm64, no frontend (emulated)",
         "cross": "linux/arm64, # syntax=frontend (cross)",
         "cross-nostd": "  the same, XX_AUTO_INSTALL=0 (Go: std compiled)",
         "native": "linux/amd64, no frontend (native)"}
for e in dict.fromkeys(r[0] for r in rows):
    def med(v, col):
        xs = [float(r[col]) for r in rows if r[0] == e and r[1] == v]
        return statistics.median(xs) if xs else float("nan")
    print(f"\nexamples/{e}/Dockerfile, --no-cache, median of {sys.argv[2]} run(s): whole build / compile step, seconds")
    for v in label:
        if any(r[0] == e and r[1] == v for r in rows):
            fetch = [float(r[5]) for r in rows if r[0] == e and r[1] == v and r[5] != "0"]
            std = f" (arm64 std fetched in {statistics.median(fetch):.1f} s of it)" if fetch else ""
            print(f"  {label[v]:<50} {med(v, 3):7.1f} / {med(v, 4):6.1f}{std}")
    for c in ("cross", "cross-nostd"):
        if not any(r[0] == e and r[1] == c for r in rows):
            continue
        for col, what in ((3, "whole build"), (4, "compile step")):
            print(f"  {c:<11} {what:<12}  emulated/cross {med('emulated', col) / med(c, col):5.2f}x"
                  f"   cross/native {med(c, col) / med('native', col):5.2f}x")
PY
echo "build logs: $logs"
[ ${#failed[@]} = 0 ] || { echo "bench: failed: ${failed[*]}" >&2; exit 1; }
