# Shared by the Dockerfile frontend benchmarks (bench/dockerfile_frontend.sh,
# bench/frontend_headline.sh), sourced after tests/e2e/engine.bash:
#
#   s=$(compile_step build.log "go build -o /out/server")   # BuildKit's DONE figure, in s
#   warm_images FRONTEND "golang debian" linux/amd64 linux/arm64   # pull and unpack before timing

# compile_step LOG STEP: BuildKit's DONE time (--progress=plain) of the RUN step whose line
# contains STEP, in s; nothing when the step is not in the log.
compile_step() {
  local n
  n=$(grep -F -- "$2" "$1" | grep -E '^#[0-9]+ \[' | tail -n 1 | cut -d' ' -f1)
  [ -n "$n" ] && grep -E "^$n DONE [0-9.]+s" "$1" | tail -n 1 | sed -E 's/.* DONE ([0-9.]+)s.*/\1/'
}

# warm_images FRONTEND IMAGE PLATFORM...: builds that only touch $ENGINE_REGISTRY/IMAGE and
# $ENGINE_REGISTRY/debian, for each PLATFORM without the frontend and for the first PLATFORM
# with it (`# syntax=FRONTEND`), so that pulling and unpacking them is out of the timed builds.
warm_images() {
  local frontend=$1 image=$2 p file warm=$ENGINE_DIR/warm; shift 2
  mkdir -p "$warm"
  printf 'FROM %s/%s\nRUN true\nFROM %s/debian\nCOPY --from=0 /etc/os-release /x\n' \
    "$ENGINE_REGISTRY" "$image" "$ENGINE_REGISTRY" > "$warm/Dockerfile"
  { echo "# syntax=$frontend"; cat "$warm/Dockerfile"; } > "$warm/Dockerfile.frontend"
  for f in "${@/%/ Dockerfile}" "$1 Dockerfile.frontend"; do
    read -r p file <<<"$f"
    edocker build -q --no-cache --platform "$p" -f "$warm/$file" "$warm" >/dev/null 2>"$warm/log" ||
      { cat "$warm/log" >&2; echo "warm-up failed: $image, $p, $file" >&2; return 1; }
  done
}
