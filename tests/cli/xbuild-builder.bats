#!/usr/bin/env bats
# `xbuild builder` and `xbuild build --builder NAME` with a fake `docker` first on PATH: `-H HOST
# info` answers x86_64 for most hosts, aarch64 for hosts with "arm" in them, and does not answer
# (ServerErrors, as the real client prints them) for hosts with "down"; builds and pushes are
# recorded with their host in calls.log. The real engines' test is tests/e2e/xbuild_builder.sh.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  cd "$BATS_TEST_TMPDIR"
  mkdir -p bin ctx
  export CALLS=$BATS_TEST_TMPDIR/calls.log XBUILD_CONFIG_DIR=$BATS_TEST_TMPDIR/config
  unset XBUILD_FRONTEND XBUILD_DOCKER BUILDKIT_HOST DOCKER_HOST
  cat > bin/docker <<'SH'
#!/bin/bash
host=""
if [ "$1" = -H ]; then host=$2; shift 2; fi
case "$1" in
  --version) echo "Docker version 20.10.24+dfsg1, build 297e128"; exit 0 ;;
  info) case $host in
          *down*) echo "{\"OSType\":\"\",\"ServerErrors\":[\"Cannot connect to the Docker daemon at $host. Is the docker daemon running?\"]}" ;;
          *arm*) echo '{"OSType":"linux","Architecture":"aarch64"}' ;;
          *) echo '{"OSType":"linux","Architecture":"x86_64"}' ;;
        esac; exit 0 ;;
  build|push) echo "$1 host=$host $*" >> "$CALLS"; exit 0 ;;
  *) echo "fake docker: unexpected $*" >&2; exit 99 ;;
esac
SH
  chmod +x bin/docker
  export PATH=$BATS_TEST_TMPDIR/bin:$PATH
  echo 'FROM scratch' > ctx/Dockerfile
}

@test "create: platforms asked of the node or declared, --append, --use; ls marks the current one" {
  run xbuild builder create duo --node unix:///x86.sock --use
  assert_success
  assert_output "duo"
  run xbuild builder create duo --append --node unix:///arm.sock
  assert_success
  run xbuild builder create other --node tcp://10.0.0.9:2375 --platform linux/riscv64,linux/arm/v7
  assert_success
  run xbuild builder ls
  assert_success
  assert_line --index 0 --regexp '^NAME/NODE +DRIVER/ENDPOINT +STATUS +PLATFORMS$'
  assert_line --index 1 "duo *"
  assert_line --index 2 --regexp '^  \\_ duo0 +docker unix:///x86.sock +running +linux/amd64$'
  assert_line --index 3 --regexp '^  \\_ duo1 +docker unix:///arm.sock +running +linux/arm64$'
  assert_line --index 4 "other"
  assert_line --index 5 --regexp '^  \\_ other0 +docker tcp://10.0.0.9:2375 +running +linux/riscv64\*, linux/arm/v7\*$'
  run xbuild builder inspect --format json
  assert_success
  assert_output --partial '"name": "duo"'
  assert_output --partial '"current": true'
  run xbuild builder inspect other
  assert_output --partial "Platforms: linux/riscv64, linux/arm/v7 (declared)"
  run xbuild builder create --node unix:///x86.sock
  assert_success
  assert_output --regexp '^[a-z]+_[a-z]+$'
}

@test "create refuses bad endpoints, reserved and taken names, --append to nothing, a node that does not answer" {
  run xbuild builder create a --node /run/docker.sock
  assert_equal "$status" 2
  assert_output --partial "endpoint '/run/docker.sock' (no scheme): give unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST"
  run xbuild builder create docker --node unix:///x86.sock
  assert_equal "$status" 2
  assert_output --partial "reserved"
  run xbuild builder create b --append --node unix:///x86.sock
  assert_equal "$status" 2
  assert_output --partial "--append: no builder b"
  run xbuild builder create c --node unix:///down.sock
  assert_equal "$status" 1  # asked well; the node did not answer
  assert_output --partial "cannot ask unix:///down.sock for its platforms: Cannot connect to the Docker daemon"
  assert_output --partial "--platform LIST"
  run xbuild builder create c --node unix:///down.sock --platform linux/arm64
  assert_success
  run xbuild builder create c --node unix:///x86.sock
  assert_failure
  assert_output --partial "builder c exists"
  run xbuild builder ls
  assert_output --regexp 'c0 +docker unix:///down.sock +unreachable +linux/arm64\*'
  run xbuild builder use nope
  assert_equal "$status" 2
  run xbuild builder rm nope
  assert_equal "$status" 2
  run xbuild builder create d --node unix:///down.sock --platform linux/armm64
  assert_equal "$status" 2
  assert_output --partial "armm64"
  run xbuild builder rm c
  assert_success
  run xbuild builder ls
  refute_output --partial c0
}

@test "build --builder NAME: each platform on its node (-H), native or cross on the first; the progress names it" {
  xbuild builder create duo --node unix:///x86.sock
  xbuild builder create duo --append --node unix:///arm.sock
  run --separate-stderr xbuild build --builder duo --no-frontend --progress plain \
    --platform linux/amd64,linux/arm64,linux/riscv64 -t reg:5000/app:1 --push ctx
  assert_equal "$status" 1  # every platform built; the index cannot be pushed (no registry here)
  assert_line --regexp '^linux/arm64 +ok +reg:5000/app:1-linux-arm64'
  assert_line --regexp '^index +FAILED'
  [[ $stderr == *"with builder duo: linux/amd64 on duo0 (native, docker 20.10.24+dfsg1 ("*") at unix:///x86.sock), linux/arm64 on duo1 (native"* ]]
  [[ $stderr == *"linux/riscv64 on duo0 (cross"* ]]
  run cat "$CALLS"
  assert_line --regexp '^build host=unix:///x86.sock build .*--platform linux/amd64 .*-t reg:5000/app:1-linux-amd64'
  assert_line --regexp '^build host=unix:///arm.sock build .*--platform linux/arm64 .*-t reg:5000/app:1-linux-arm64'
  assert_line --regexp '^build host=unix:///x86.sock build .*--platform linux/riscv64 '
  assert_line "push host=unix:///arm.sock push reg:5000/app:1-linux-arm64"
}

@test "the current builder is build's default; use docker goes back; a node that does not answer: exit 2" {
  xbuild builder create duo --node unix:///arm.sock --use
  run xbuild build --no-frontend --platform linux/arm64 ctx
  assert_success
  run cat "$CALLS"
  assert_line --regexp '^build host=unix:///arm.sock '
  rm "$CALLS"
  xbuild builder use docker
  run xbuild build --no-frontend --platform linux/arm64 ctx
  assert_success
  run cat "$CALLS"
  assert_line --regexp '^build host= '
  xbuild builder create gone --node unix:///down.sock --platform linux/arm64
  run xbuild build --builder gone --no-frontend --platform linux/arm64 ctx
  assert_equal "$status" 2
  assert_output --partial "builder gone: node gone0 (unix:///down.sock) does not answer: Cannot connect to the Docker daemon"
  run xbuild build --builder nope --platform linux/arm64 ctx
  assert_equal "$status" 2
  assert_output --partial "--builder nope: no such builder"
}
