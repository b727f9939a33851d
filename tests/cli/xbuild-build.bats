#!/usr/bin/env bats
# `xbuild build` with a fake `docker` (and a fake `buildctl`) first on PATH: each records its argv
# and DOCKER_BUILDKIT in calls.log and prints BuildKit's --progress=plain output, or fails for the
# platform named by FAKE_FAIL. The real engine's test is tests/e2e/xbuild_build.sh.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  cd "$BATS_TEST_TMPDIR"
  mkdir -p bin ctx
  export CALLS=$BATS_TEST_TMPDIR/calls.log FAKE_FAIL="" FAKE_VERSION=20.10.24+dfsg1
  unset XBUILD_FRONTEND XBUILD_DOCKER BUILDKIT_HOST
  export XBUILD_CONFIG_DIR=$BATS_TEST_TMPDIR/config  # no `xbuild builder use` of the user's applies
  cat > bin/docker <<'SH'
#!/bin/bash
case "$1" in
  --version) echo "Docker version $FAKE_VERSION, build 297e128"; exit 0 ;;
  buildx) [ -n "${FAKE_BUILDX:-}" ] && { echo "github.com/docker/buildx v0.10.4"; exit 0; }
          echo "docker: 'buildx' is not a docker command." >&2; exit 1 ;;
  push) echo "push $2" >> "$CALLS"; echo "The push refers to repository [$2]"; exit "${FAKE_PUSH_STATUS:-0}" ;;
  build) ;;
  *) echo "fake docker: unexpected $*" >&2; exit 99 ;;
esac
printf 'DOCKER_BUILDKIT=%s' "${DOCKER_BUILDKIT:-}" >> "$CALLS"; printf ' %s' "$@" >> "$CALLS"; echo >> "$CALLS"
platform="" iidfile=""
while [ $# -gt 0 ]; do
  case $1 in --platform) platform=$2; shift ;; --iidfile) iidfile=$2; shift ;; esac; shift
done
cat <<EOF >&2
#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 32B done
#1 DONE 0.0s

#4 [build 1/3] FROM docker.io/library/golang:1.19
#4 CACHED

#5 [build 2/3] COPY . .
#5 DONE 0.1s

#6 [build 3/3] RUN go build -o /out/server .
EOF
if [ "$platform" = "$FAKE_FAIL" ]; then
  cat <<EOF >&2
#6 0.412 main.go:3:1: syntax error: non-declaration statement outside function body
#6 ERROR: executor failed running [/bin/sh -c go build -o /out/server .]: exit code: 2
------
 > [build 3/3] RUN go build -o /out/server .:
------
executor failed running [/bin/sh -c go build -o /out/server .]: exit code: 2
EOF
  exit 1
fi
[ -z "${FAKE_SLEEP:-}" ] || { echo "start $platform" >> "$CALLS"; sleep "$FAKE_SLEEP"; echo "end $platform" >> "$CALLS"; }
echo "#6 DONE 3.2s" >&2
[ -z "$iidfile" ] || echo "sha256:0123456789abcdef" > "$iidfile"
SH
  chmod +x bin/docker
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
  printf 'FROM golang:1.19 AS build\nCOPY . .\nRUN go build -o /out/server .\n' > ctx/Dockerfile
}

# builds: the recorded docker build lines.
builds() { grep '^DOCKER_BUILDKIT=' "$CALLS"; }

@test "--help says how each platform's image is tagged" {
  run xbuild build --help
  assert_success
  assert_output --partial "NAME:TAG-<os>-<arch>[-<variant>]"
  assert_output --partial "reg:5000/app:1.0-linux-arm-v7"
}

@test "a bad platform: exit 2, naming it and the valid ones; nothing built" {
  run xbuild build --platform linux/amd64,linux/arm65 ctx
  assert_failure 2
  assert_output --partial "unknown architecture 'arm65' in 'linux/arm65'; known: amd64, 386, arm64"
  [ ! -e "$CALLS" ]
}

@test "no context, a context that is not a folder, no Dockerfile: exit 2 with what to give" {
  run xbuild build --platform linux/amd64
  assert_failure 2
  assert_output --partial "no build context: give its folder"
  run xbuild build --platform linux/amd64 ctx/Dockerfile
  assert_failure 2
  assert_output --partial "the build context 'ctx/Dockerfile' is not a folder"
  mkdir empty
  run xbuild build --platform linux/amd64 empty
  assert_failure 2
  assert_output --partial "no Dockerfile at empty/Dockerfile (give one with -f FILE; building Go, Rust or C projects without a Dockerfile is not supported yet)"
  run xbuild build --platform linux/amd64 -f nowhere/Dockerfile ctx
  assert_failure 2
  assert_output --partial "no Dockerfile at nowhere/Dockerfile"
  run xbuild build --platform linux/amd64 --no-such-flag ctx
  assert_failure 2
  [ ! -e "$CALLS" ]
}

@test "one BuildKit build per platform, each with its --platform and its tag, the frontend as BUILDKIT_SYNTAX" {
  run --separate-stderr xbuild build --frontend reg:5000/xbuild/frontend:dev --platform linux/amd64,arm64,armhf -t reg:5000/app ctx
  assert_success
  run builds
  assert_line --index 0 --regexp "^DOCKER_BUILDKIT=1 build --progress=plain --platform linux/amd64 -f ctx/Dockerfile -t reg:5000/app:linux-amd64 --build-arg BUILDKIT_SYNTAX=reg:5000/xbuild/frontend:dev --iidfile [^ ]*/linux-amd64.iid ctx$"
  assert_line --index 1 --regexp "^DOCKER_BUILDKIT=1 build --progress=plain --platform linux/arm64 -f ctx/Dockerfile -t reg:5000/app:linux-arm64 --build-arg BUILDKIT_SYNTAX=reg:5000/xbuild/frontend:dev .* ctx$"
  assert_line --index 2 --regexp "--platform linux/arm/v7 .* -t reg:5000/app:linux-arm-v7 "
  [ "$(builds | wc -l)" = 3 ]
}

@test "the result lines: a tag per platform on standard output" {
  run --separate-stderr xbuild build --platform linux/amd64,linux/arm64 -t reg:5000/app:1.0 ctx
  assert_success
  assert_line --index 0 --regexp '^linux/amd64  ok      reg:5000/app:1\.0-linux-amd64  \([0-9]+ s\)$'
  assert_line --index 1 --regexp '^linux/arm64  ok      reg:5000/app:1\.0-linux-arm64  \([0-9]+ s\)$'
  # without -t: the image ID the engine wrote
  run --separate-stderr xbuild build --platform linux/amd64 ctx
  assert_success
  assert_output --regexp '^linux/amd64  ok      sha256:0123456789abcdef \(untagged: give -t NAME\)'
}

@test "tags: NAME's tag keeps its registry port, several -t, and names that are not valid refused" {
  run xbuild build --platform linux/arm/v7 -t localhost:5000/team/app -t app:v1.2 ctx
  assert_success
  run builds
  assert_output --partial " -t localhost:5000/team/app:linux-arm-v7 -t app:v1.2-linux-arm-v7 "
  run xbuild build --platform linux/amd64 -t Reg/App ctx
  assert_failure 2
  assert_output --partial "image name 'Reg/App': the repository must be lowercase"
  run xbuild build --platform linux/amd64 -t app@sha256:abc ctx
  assert_failure 2
  assert_output --partial "names a digest"
}

@test "the frontend: --frontend, XBUILD_FRONTEND, the default, the Dockerfile's own # syntax=, --no-frontend" {
  XBUILD_FRONTEND=my/frontend:1 run xbuild build --platform linux/amd64 ctx
  assert_success
  run builds
  assert_output --partial " --build-arg BUILDKIT_SYNTAX=my/frontend:1 "
  rm "$CALLS"
  run xbuild build --platform linux/amd64 ctx
  assert_output --partial "frontend 127.0.0.1:5000/xbuild/frontend:dev"
  run builds
  assert_output --partial " --build-arg BUILDKIT_SYNTAX=127.0.0.1:5000/xbuild/frontend:dev "
  rm "$CALLS"
  run xbuild build --no-frontend --platform linux/amd64 ctx
  assert_success
  assert_output --partial "no frontend (--no-frontend)"
  run builds
  refute_output --partial BUILDKIT_SYNTAX
  rm "$CALLS"
  { echo '# syntax=docker/dockerfile:1.4'; cat ctx/Dockerfile; } > own.Dockerfile
  run xbuild build --frontend my/frontend:1 --platform linux/amd64 -f own.Dockerfile ctx
  assert_success
  assert_output --partial "the Dockerfile's own frontend docker/dockerfile:1.4"
  run builds
  refute_output --partial BUILDKIT_SYNTAX
  assert_output --partial " -f own.Dockerfile "
  run xbuild build --frontend x --no-frontend --platform linux/amd64 ctx
  assert_failure 2
}

@test "--build-arg, --target, --no-cache pass through; --build-arg KEY takes KEY from the environment" {
  GOFLAGS=-trimpath run xbuild build --platform linux/amd64 --build-arg A=1 --build-arg GOFLAGS --build-arg UNSET_KEY \
    --target build --no-cache ctx
  assert_success
  run builds
  assert_output --partial " --build-arg A=1 --build-arg GOFLAGS=-trimpath --target build --no-cache "
  refute_output --partial UNSET_KEY
}

@test "plain progress: a line per platform's step on standard error" {
  run --separate-stderr xbuild build --progress plain --platform linux/amd64,linux/arm64 ctx
  assert_success
  run printf '%s\n' "$stderr"
  assert_line "linux/amd64  [build 3/3] RUN go build -o /out/server ."
  assert_line "linux/arm64  [build 2/3] COPY . ."
  assert_line --regexp '^linux/arm64  done \([0-9]+ s\)$'
}

@test "tty progress: one line per platform redrawn in place, then removed before the results" {
  run --separate-stderr xbuild build --progress tty --platform linux/amd64,linux/arm64 ctx
  assert_success
  [[ $stderr == *$'\r\033[K'"linux/amd64  [build 3/3] RUN go build -o /out/server ."* ]]
  [[ $stderr == *$'\033[2A'* ]]                 # back up over the two lines
  [[ $stderr == *$'\033[J' ]]                   # the block erased at the end
  assert_line --index 0 --partial "linux/amd64  ok"
}

@test "one platform fails: exit 1, the others still built and reported, its error and log tail" {
  FAKE_FAIL=linux/arm64 run --separate-stderr xbuild build --progress plain --platform linux/amd64,linux/arm64,linux/riscv64 -t app ctx
  assert_failure 1
  assert_line --index 0 --regexp '^linux/amd64    ok      app:linux-amd64  \([0-9]+ s\)$'
  assert_line --index 1 --regexp '^linux/arm64    FAILED  \[build 3/3\] RUN go build -o /out/server \.: executor failed running \[/bin/sh -c go build -o /out/server \.\]: exit code: 2  \([0-9]+ s\)$'
  assert_line --index 2 --partial 'linux/riscv64  ok      app:linux-riscv64'
  run printf '%s\n' "$stderr"
  assert_line "linux/arm64: [build 3/3] RUN go build -o /out/server .: executor failed running [/bin/sh -c go build -o /out/server .]: exit code: 2; the end of its log:"
  assert_line "    #6 0.412 main.go:3:1: syntax error: non-declaration statement outside function body"
  assert_line "xbuild build: 1 of 3 platforms failed"
  [ "$(builds | wc -l)" = 3 ]
}

@test "--push: a docker push per tag after each build, then the index (named when it fails); --push needs -t" {
  # The fake docker pushes nothing, and nothing listens on 127.0.0.1:1: the per-platform pushes are
  # recorded, then joining them into one index fails, exit 1, naming the index and the registry.
  run --separate-stderr xbuild build --push --platform linux/amd64,linux/arm64 -t 127.0.0.1:1/app ctx
  assert_failure 1
  assert_line --index 0 --partial "linux/amd64  ok      127.0.0.1:1/app:linux-amd64"
  assert_line --index 2 "index        FAILED  127.0.0.1:1/app"
  [[ $stderr == *"xbuild build: the multi-platform index 127.0.0.1:1/app: "*"127.0.0.1:1"* ]]
  run grep '^push' "$CALLS"
  assert_output $'push 127.0.0.1:1/app:linux-amd64\npush 127.0.0.1:1/app:linux-arm64'
  FAKE_PUSH_STATUS=1 run xbuild build --push --platform linux/amd64 -t 127.0.0.1:1/app ctx
  assert_failure 1
  assert_output --partial "linux/amd64  FAILED  pushing 127.0.0.1:1/app:linux-amd64 failed (exit status 1)"
  refute_output --partial "index"     # no index of a platform that did not push
  run xbuild build --push --platform linux/amd64 ctx
  assert_failure 2
  assert_output --partial "--push needs an image name: -t NAME"
}

@test "--jobs 2: two platforms build at the same time, the third when one is done; by default one at a time" {
  FAKE_SLEEP=0.5 run --separate-stderr xbuild build --jobs 2 --platform linux/amd64,linux/arm64,linux/s390x -t app ctx
  assert_success
  assert_line --index 2 --partial "linux/s390x  ok      app:linux-s390x"
  run grep -E '^(start|end) ' "$CALLS"
  assert_line --index 0 --regexp '^start linux/(amd64|arm64)$'
  assert_line --index 1 --regexp '^start linux/(amd64|arm64)$'
  assert_line --index 2 --regexp '^end '
  rm "$CALLS"
  FAKE_SLEEP=0.2 run xbuild build --platform linux/amd64,linux/arm64 ctx
  assert_success
  run grep -E '^(start|end) ' "$CALLS"
  assert_output $'start linux/amd64\nend linux/amd64\nstart linux/arm64\nend linux/arm64'
}

@test "the docker client: Docker 23+ without buildx is skipped for the next on PATH, refused when alone or given" {
  mkdir -p old/bin
  printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.2.2, build e6534b4";; buildx) exit 1;; *) echo legacy >> "$CALLS"; exit 1;; esac\n' > old/bin/docker
  chmod +x old/bin/docker
  PATH="$PWD/old/bin:$PATH" run xbuild build --platform linux/amd64 ctx
  assert_success
  assert_output --partial "with docker 20.10.24+dfsg1 ($BATS_TEST_TMPDIR/bin/docker)"
  run xbuild build --docker "$PWD/old/bin/docker" --platform linux/amd64 ctx
  assert_failure 2
  assert_output --partial "old/bin/docker: Docker 28.2.2 without the buildx plugin: its docker build is the legacy builder (no BuildKit)"
  XBUILD_DOCKER="$PWD/old/bin/docker" run xbuild build --platform linux/amd64 ctx
  assert_failure 2
  FAKE_VERSION=28.2.2 FAKE_BUILDX=1 run xbuild build --platform linux/amd64 ctx
  assert_success
  run grep -c legacy "$CALLS"
  assert_output 0
}

@test "--buildkit-addr: buildctl with dockerfile.v0 and the same options; no buildctl: exit 2 naming it" {
  printf '#!/bin/sh\nprintf "buildctl" >> "$CALLS"; printf " %%s" "$@" >> "$CALLS"; echo >> "$CALLS"\necho "#1 [internal] load build definition" >&2\n' > bin/buildctl
  chmod +x bin/buildctl
  run xbuild build --buildkit-addr tcp://bk:1234 --frontend f:1 --push --platform linux/arm64 -t 127.0.0.1:1/app -t 127.0.0.1:1/app:1 \
    --build-arg A=1 --target build -f ctx/Dockerfile ctx
  assert_failure 1   # the fake buildctl pushed nothing, so the index cannot be made (see the --push test)
  assert_output --partial "index        FAILED  127.0.0.1:1/app:1"
  run cat "$CALLS"
  assert_output 'buildctl --addr tcp://bk:1234 build --progress=plain --frontend=dockerfile.v0 --local context=ctx --local dockerfile=ctx --opt filename=Dockerfile --opt platform=linux/arm64 --opt build-arg:BUILDKIT_SYNTAX=f:1 --opt build-arg:A=1 --opt target=build --output type=image,"name=127.0.0.1:1/app:linux-arm64,127.0.0.1:1/app:1-linux-arm64",push=true'
  rm bin/buildctl
  run xbuild build --buildkit-addr tcp://bk:1234 --platform linux/arm64 ctx
  assert_failure 2
  assert_output --partial "buildctl not found on PATH (needed for --buildkit-addr tcp://bk:1234"
  run xbuild build --builder buildkit --platform linux/arm64 ctx
  assert_failure 2
  assert_output --partial "needs the daemon's address: --buildkit-addr ADDR"
}

@test "-o type=local: BuildKit's local exporter per platform, no --iidfile (no image to name), the result line names dest" {
  run --separate-stderr xbuild build --platform linux/amd64,linux/arm64 -o type=local,dest=out ctx
  assert_success
  run builds
  assert_line --index 0 --regexp "^DOCKER_BUILDKIT=1 build .*--platform linux/amd64 .*--output type=local,dest=[^ ]*/out/linux_amd64 ctx$"
  refute_output --partial "--iidfile"
  run xbuild build --platform linux/arm64 -o type=local,dest=out ctx
  assert_success
  assert_output --partial "linux/arm64  ok      exported to out"
  [ -d out ]
}
