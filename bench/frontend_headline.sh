#!/usr/bin/env bash
# The Dockerfile frontend's headline figure (issue 14): NAIVE Dockerfiles of real projects (no
# cross-compilation in them) built for linux/amd64, linux/arm64 and linux/arm/v7 on a private
# engine (tests/e2e/engine.bash), three ways:
#   emulated  no frontend: BuildKit runs the build stages of arm64 and arm/v7 under QEMU (binfmt)
#   frontend  `# syntax=<our frontend image>` added as line 1: the build stages run on this
#             machine and cross-compile through the helpers (xx-go, xx-cargo, make CC=xx-cc ...)
#   native    linux/amd64 alone, no frontend: the limit on this machine
# dockerd 20.10's `docker build` builds one platform per call, so a multi-platform build is the
# per-platform builds one after another on the same engine: the build cache is pruned before each
# way (`docker builder prune -af`; the base images are then pulled and unpacked again before
# timing), and the 2nd and 3rd platforms reuse what BuildKit can share. Every image is run, its
# binary must be of the platform's architecture (`file`), and the frontend's logs must show the
# helpers, so a broken build cannot look fast.
# Projects:
#   go    examples/go/Dockerfile (golang image: Debian's golang-go)
#   c     zstd from Debian's source package (`apt-get source zstd`, unpacked once into
#         $XBUILD_BENCH_CACHE, default /var/cache/xbuild/bench), upstream's Makefile:
#         bench/projects/zstd/Dockerfile
#   rust  bench/projects/rust: a small program on anyhow, regex and serde_json from Debian's
#         librust-*-dev packages (a cargo directory source; no crates.io)
# Prints per project and platform the whole build's seconds and the compile step's (BuildKit's
# DONE figure) for each way, and the ratios emulated/frontend and frontend/native.
#
#   bash bench/frontend_headline.sh BIN_DIR [go|c|rust ...]   # default: go c rust; needs root
#   bash bench/frontend_headline.sh --table LOGS/results.txt  # the table of an earlier run again
# BIN_DIR: a build's bin/ (a static xx and its links; its parent holds frontend-image/, see
# frontend/build-image.sh). BENCH_HL_LOGS: where the logs go (default: a new /tmp folder).
# BENCH_HL_WAYS: the ways and their order (default: "native frontend warm emulated"). warm: the
# frontend's builds again right after, with --no-cache but the cache mounts BuildKit kept (Go's
# build cache, xx-go's copy of the target's std): what a rebuild after a source change costs.
set -uo pipefail
# table RESULTS: the figures of RESULTS (lines "project way platform whole compile") as a
# Markdown table. Native is the faster of the two linux/amd64 builds without the frontend (the
# native way's, and the emulated way's first platform): the same build, timed twice.
table() {
  python3 - "$1" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
t = {(r[0], r[1], r[2]): (float(r[3]), float(r[4])) for r in rows}
name = {"go": "examples/go", "c": "zstd 1.5.4 (make)", "rust": "rust: anyhow, regex, serde_json"}
plats = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
nan = float("nan")
def g(e, w, p, i):
    return t[(e, w, p)][i] if (e, w, p) in t else nan
def ratio(a, b):
    return f"{a / b:.1f}x" if a == a and b == b and b > 0 else "-"
def cell(v):
    return f"{v[0]:.1f} / {v[1]:.1f}" if v[0] == v[0] else "-"
print("whole build / compile step (BuildKit's DONE figure), seconds\n")
print("| project | platform | emulated | frontend | frontend warm | native | emulated/frontend | frontend/native |")
print("|---|---|---|---|---|---|---|---|")
for e in dict.fromkeys(r[0] for r in rows):
    nat = [min(g(e, "native", "linux/amd64", i), g(e, "emulated", "linux/amd64", i)) for i in (0, 1)]
    if nat[0] != nat[0]:
        nat = [g(e, "native", "linux/amd64", i) for i in (0, 1)]
    for p in plats + ["all three"]:
        ps = plats if p == "all three" else [p]
        em = [sum(g(e, "emulated", q, i) for q in ps) for i in (0, 1)]
        fe = [sum(g(e, "frontend", q, i) for q in ps) for i in (0, 1)]
        wa = [sum(g(e, "warm", q, i) for q in ps) for i in (0, 1)]
        last = p == "all three"
        na = nat if p == "linux/amd64" else [nan, nan]
        vs = "" if last else f"{ratio(fe[0], nat[0])} / {ratio(fe[1], nat[1])}"
        print(f"| {name[e] if p == plats[0] else ''} | {'**all three**' if last else p} | {cell(em)} | {cell(fe)} | {cell(wa)}"
              f" | {cell(na)} | {ratio(em[0], fe[0])} / {ratio(em[1], fe[1])} | {vs} |")
PY
}

if [ "${1:-}" = --table ]; then table "${2:?usage: bench/frontend_headline.sh --table RESULTS}"; exit; fi
bin=$(cd "${1:?usage: bench/frontend_headline.sh BIN_DIR [go|c|rust ...]}" && pwd)
shift
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(go c rust)
for e in "${projects[@]}"; do
  case $e in go|c|rust) ;; *) echo "bench: unknown project '$e'; valid: go, c, rust" >&2; exit 2 ;; esac
done
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
read -r -a ways <<<"${BENCH_HL_WAYS:-native frontend warm emulated}"
logs=${BENCH_HL_LOGS:-$(mktemp -d /tmp/frontend-headline.XXXXXX)}
cache=${XBUILD_BENCH_CACHE:-/var/cache/xbuild/bench}
mkdir -p "$logs" "$cache" || exit 1
# shellcheck source=../tests/e2e/engine.bash
. "$top/tests/e2e/engine.bash"
# shellcheck source=../tests/e2e/steps.bash
. "$top/tests/e2e/steps.bash"
# shellcheck source=frontend_common.bash
. "$here/frontend_common.bash"
die() { echo "bench: $*" >&2; exit 1; }
for tool in python3 file dpkg-source; do command -v $tool >/dev/null || die "$tool is missing (./x deps)"; done
[ -x "$bin/xx" ] || die "$bin/xx not found: cmake --build <build dir> --target xx"
platforms=(linux/amd64 linux/arm64 linux/arm/v7)

# Per project: its build image (name in the Dockerfile, name here, packages of its mmdebstrap
# image), the compile step (a fixed string of its RUN line, before or after the rewrite), what the
# frontend's log must show, the binary in the image, how it reports itself, and what it must say.
declare -A image_from=([go]=golang:1.19-bookworm [c]=debian:bookworm [rust]=rust:bookworm)
declare -A image_name=([go]=golang [c]=debian [rust]=rust)
declare -A image_pkgs=([go]="golang-go ca-certificates" [c]="ca-certificates"
                       [rust]="rustc cargo librust-anyhow-dev librust-regex-dev librust-serde-json-dev ca-certificates")
declare -A step=([go]="go build -o /out/server" [c]="-C programs zstd" [rust]="cargo build --release")
declare -A routed=([go]="xx-go build" [c]="make CC=xx-cc" [rust]="xx-cargo build --release")
declare -A binary=([go]=/usr/local/bin/server [c]=/usr/local/bin/zstd [rust]=/usr/local/bin/wordfreq)
declare -A run_args=([go]=-selftest [c]=--version [rust]=--version)
declare -A says=([go]="hello from linux/" [c]="v1.5.4" [rust]="wordfreq 0.1.0 on linux/")
# What `file` says of a binary of each platform.
declare -A machine=([linux/amd64]="x86-64" [linux/arm64]="ARM aarch64" [linux/arm/v7]="ARM, EABI5")

# context E DIR: the project's build context, its Dockerfile's images pointed at the test registry.
context() {
  local e=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  case $e in
    go) cp -r "$top/examples/go/." "$dir/" ;;
    rust) cp -r "$here/projects/rust/." "$dir/"; rm -rf "$dir/target" ;;
    c) cp -r "$cache/zstd-src/." "$dir/"; cp "$here/projects/zstd/Dockerfile" "$dir/Dockerfile" ;;
  esac
  sed -i -e "s#debian:bookworm-slim#$ENGINE_REGISTRY/debian#; s#${image_from[$e]}#$ENGINE_REGISTRY/${image_name[$e]}#" \
    "$dir/Dockerfile"
}

# zstd's source, fetched once: Debian's source package through a private apt state (a deb-src
# list of the machine's mirror in a temporary folder; /etc/apt stays as it is).
if [[ " ${projects[*]} " == *" c "* ]] && [ ! -f "$cache/zstd-src/programs/Makefile" ]; then
  apt_dir=$(mktemp -d) && mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "deb-src $(engine_mirror) bookworm main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
            -o APT::Sandbox::User=root)
  (cd "$cache" && apt-get "${apt_opts[@]}" update -qq && apt-get "${apt_opts[@]}" source --download-only zstd &&
   rm -rf zstd-src && dpkg-source -x --skip-debianization libzstd_*.dsc zstd-src) >"$logs/zstd-source.log" 2>&1 ||
    { rm -rf "$apt_dir"; tail -n 20 "$logs/zstd-source.log" >&2; die "apt-get source zstd failed"; }
  rm -rf "$apt_dir"
fi

# base_images E: its build image (and debian's) for every platform, made by mmdebstrap (cached
# in $XBUILD_E2E_CACHE) and pushed with a manifest list naming them.
base_images() {
  local name=${image_name[$1]:-debian} pkgs=${image_pkgs[$1]:-ca-certificates} refs=() p a t=$SECONDS
  for p in "${platforms[@]}"; do
    a=$(engine_debian_arch "$p")
    debian_image "$name:$a" "$p" --push $pkgs || return 1
    refs+=("$name:$a")
  done
  manifest_list "$name" "${refs[@]}" && ok "base image $name (mmdebstrap, ${platforms[*]}): $((SECONDS - t)) s"
}

start_engine
base_images debian || die "base image debian"
push_frontend "$bin/.."

results=$logs/results.txt
: > "$results"
failed=()
# skip MESSAGE: this project failed; say why and go on with the next one (from inside its loops).
skip() { bad "$*"; failed+=("$e"); }
for e in "${projects[@]}"; do
  work=$ENGINE_DIR/$e
  [ "$e" = c ] || base_images "$e" || { skip "$e: base image ${image_name[$e]}"; continue; }
  context "$e" "$work/plain" && context "$e" "$work/frontend" || { skip "$e: no build context"; continue; }
  # shellcheck disable=SC2154  # $frontend: set by push_frontend (tests/e2e/steps.bash)
  sed -i "1i # syntax=$frontend" "$work/frontend/Dockerfile"
  for w in "${ways[@]}"; do
    ps=("${platforms[@]}") ctx=frontend no_cache=()
    [ "$w" = native ] && ps=(linux/amd64)
    [ "$w" = frontend ] || [ "$w" = warm ] || ctx=plain
    if [ "$w" = warm ]; then
      no_cache=(--no-cache)
    else
      edocker builder prune -af >/dev/null 2>&1 || { skip "$e $w: docker builder prune failed"; continue 2; }
      warm_images "$frontend" "${image_name[$e]}" "${platforms[@]}" || { skip "$e $w: warm-up"; continue 2; }
    fi
    for p in "${ps[@]}"; do
      a=$(engine_debian_arch "$p") img=hl-$e:$w-$(engine_debian_arch "$p") log=$logs/$e-$w-$a.log
      start=$(date +%s.%N)
      edocker build "${no_cache[@]}" --progress=plain --platform "$p" -t "$img" "$work/$ctx" >"$log" 2>&1 ||
        { show "$log" 40; skip "$e $w $p: the build failed ($log)"; continue 3; }
      end=$(date +%s.%N)
      # The image runs, and its binary is of the platform's architecture.
      out=$(edocker run --rm --platform "$p" "$img" ${run_args[$e]} 2>&1)
      [[ $out == *"${says[$e]}"* ]] || { skip "$e $w $p: the image printed '$out', want '${says[$e]}'"; continue 3; }
      edocker rm -f hl-probe >/dev/null 2>&1
      edocker create --name hl-probe --platform "$p" "$img" >/dev/null 2>&1 &&
        edocker cp "hl-probe:${binary[$e]}" "$work/probe" >/dev/null 2>&1
      edocker rm -f hl-probe >/dev/null 2>&1
      kind=$(file -b "$work/probe" 2>&1); rm -f "$work/probe"
      [[ $kind == *"${machine[$p]}"* ]] || { skip "$e $w $p: ${binary[$e]} is '$kind', want '${machine[$p]}'"; continue 3; }
      # The ways are what they claim: the helpers ran only through the frontend.
      if [ $ctx = frontend ]; then
        grep -qF -- "${routed[$e]}" "$log" || { skip "$e $w $p: no '${routed[$e]}' in $log: the frontend did not rewrite"; continue 3; }
      else
        grep -qE 'xx-(go|cargo|cc|clang|apt-get) |xbuild-xx' "$log" && { skip "$e $w $p: a helper ran without the frontend"; continue 3; }
      fi
      s=$(compile_step "$log" "${step[$e]}")
      printf '%s %s %s %.1f %s\n' "$e" "$w" "$p" "$(awk "BEGIN { print $end - $start }")" "${s:-nan}" | tee -a "$results"
      ok "$e $w $p: ran and printed '${says[$e]}...', binary: ${machine[$p]}"
    done
  done
done

table "$results"
echo "logs: $logs"
[ ${#failed[@]} = 0 ] || { echo "bench: failed: ${failed[*]}" >&2; engine_stop; exit 1; }
