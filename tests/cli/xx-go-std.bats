#!/usr/bin/env bats
# xx-go with XX_AUTO_INSTALL=1 fetching Debian's precompiled standard library for the target
# (src/xx/go_std.cpp), against fakes: a `go` that answers `go env`/`go list` for a GOROOT laid out
# like Debian's (…/usr/lib/go-1.19) and logs its calls, a dpkg-query that knows golang-1.19-go,
# and an xx-apt-get whose `download` leaves a small .deb (made by dpkg-deb) in the current
# folder. The real dpkg-deb and tar unpack it. The machine's Go and apt are not touched, nor its
# cache: XDG_CACHE_HOME is the test's own (the std is kept in $XDG_CACHE_HOME/xx/go-std).

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset GOOS GOARCH GOARM GOAMD64 GO386 CGO_ENABLED GOFLAGS XX_AUTO_INSTALL
  [ "$(id -u)" = 0 ] || fail "these tests need root (xx-go fetches only as root)"
  command -v dpkg-deb >/dev/null || fail "dpkg-deb not found: apt-get install dpkg"
  cd "$BATS_TEST_TMPDIR"
  goroot=$BATS_TEST_TMPDIR/root/usr/lib/go-1.19
  mkdir -p "$goroot/pkg/linux_amd64" fakes
  # The package: the target's std (runtime.a) and the go tools' packages (cmd/), which are left out.
  mkdir -p pkgroot/DEBIAN pkgroot/usr/lib/go-1.19/pkg/linux_arm64/cmd/go pkgroot/usr/lib/go-1.19/bin
  printf 'Package: golang-1.19-go\nVersion: 1.19.8-2\nArchitecture: arm64\nMaintainer: t <t@t>\nDescription: t\n' \
    > pkgroot/DEBIAN/control
  echo arm64-runtime > pkgroot/usr/lib/go-1.19/pkg/linux_arm64/runtime.a
  echo tool > pkgroot/usr/lib/go-1.19/pkg/linux_arm64/cmd/go/x.a
  echo go > pkgroot/usr/lib/go-1.19/bin/go
  dpkg-deb -b -Zgzip pkgroot golang-1.19-go_1.19.8-2_arm64.deb >/dev/null
  export FAKE_DEB=$PWD/golang-1.19-go_1.19.8-2_arm64.deb FAKE_LOG=$PWD/calls.log FAKE_GOROOT=$goroot
  export FAKE_STALE=false FAKE_DOWNLOAD=ok XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
  entry=$XDG_CACHE_HOME/xx/go-std/golang-1.19-go_1.19.8-2_arm64/linux_arm64
  cat > fakes/go <<'EOF'
#!/bin/sh
echo "go $* GOOS=$GOOS GOARCH=$GOARCH" >> "$FAKE_LOG"
case $1 in
  env) shift
    for v in "$@"; do
      case $v in
        GOROOT) echo "$FAKE_GOROOT" ;; GOOS) echo "${GOOS:-linux}" ;; GOARCH) echo "${GOARCH:-amd64}" ;;
        GOHOSTOS) echo linux ;; GOHOSTARCH) echo amd64 ;; *) eval "echo \"\${$v:-}\"" ;;
      esac
    done ;;
  list) echo "$FAKE_STALE" ;;
  build) echo "built with pkg/: $(ls "$FAKE_GOROOT/pkg" | tr '\n' ' ')" ;;
esac
EOF
  cat > fakes/dpkg-query <<'EOF'
#!/bin/sh
echo "dpkg-query $*" >> "$FAKE_LOG"
[ "$3" = golang-1.19-go ] && printf 1.19.8-2
EOF
  cat > fakes/xx-apt-get <<'EOF'
#!/bin/sh
echo "xx-apt-get $* (in $PWD, TARGETPLATFORM=$TARGETPLATFORM)" >> "$FAKE_LOG"
[ "$FAKE_DOWNLOAD" = ok ] || { echo "E: Unable to locate package" >&2; exit 100; }
cp "$FAKE_DEB" .
EOF
  chmod +x fakes/*
  export PATH="$PWD/fakes:$PATH"
}

@test "cross build: the target's std fetched, only pkg/linux_arm64 without cmd/, then go runs" {
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build -o server .
  assert_success
  assert_output "built with pkg/: linux_amd64 linux_arm64 "
  [[ $stderr == *"XX_AUTO_INSTALL=1: fetching Debian's precompiled standard library for linux/arm64 (golang-1.19-go:arm64=1.19.8-2) into $goroot/pkg/linux_arm64"* ]]
  [[ $stderr == *"installed Debian's precompiled standard library in $goroot/pkg/linux_arm64"* ]]
  [ "$(cat "$goroot/pkg/linux_arm64/runtime.a")" = arm64-runtime ]
  [ ! -e "$goroot/pkg/linux_arm64/cmd" ]
  [ ! -e "$goroot/bin/go" ]
  run ls -A "$goroot/pkg"
  assert_output "linux_amd64
linux_arm64"          # no temporary folder left
  grep -q "^xx-apt-get -q download golang-1.19-go:arm64=1.19.8-2 (in $XDG_CACHE_HOME/xx/go-std/.tmp." calls.log
  grep -q '^go list -f {{.Stale}} runtime GOOS=linux GOARCH=arm64' calls.log
  # Kept for the next build, without cmd/, and no temporary folder left in the cache.
  [ "$(cat "$entry/runtime.a")" = arm64-runtime ]
  [ ! -e "$entry/cmd" ]
  run ls -A "$XDG_CACHE_HOME/xx/go-std"
  assert_output "golang-1.19-go_1.19.8-2_arm64"
  run ls -A "$XDG_CACHE_HOME/xx/go-std/golang-1.19-go_1.19.8-2_arm64"
  assert_output "linux_arm64"
}

@test "the next build copies the std from the cache: no download" {
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  rm -rf "$goroot/pkg/linux_arm64" calls.log   # a new build: GOROOT as the image has it
  FAKE_DOWNLOAD=fail XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build -o server .
  assert_success
  assert_output "built with pkg/: linux_amd64 linux_arm64 "
  [[ $stderr == *"installing Debian's precompiled standard library for linux/arm64 (golang-1.19-go:arm64=1.19.8-2) from $entry into $goroot/pkg/linux_arm64"* ]]
  [[ $stderr == *"installed Debian's precompiled standard library in $goroot/pkg/linux_arm64"* ]]
  [[ $stderr != *warning* ]]
  ! grep -q xx-apt-get calls.log
  [ "$(cat "$goroot/pkg/linux_arm64/runtime.a")" = arm64-runtime ]
  [ "$(cat "$entry/runtime.a")" = arm64-runtime ]   # a copy: the cache keeps its own
  run ls -A "$goroot/pkg"
  assert_output "linux_amd64
linux_arm64"
}

@test "a cache folder that cannot be made: unpacked beside GOROOT/pkg as without it, nothing said" {
  touch notafolder
  XDG_CACHE_HOME=$PWD/notafolder XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  assert_output "built with pkg/: linux_amd64 linux_arm64 "
  [[ $stderr != *warning* ]]
  grep -q "^xx-apt-get -q download golang-1.19-go:arm64=1.19.8-2 (in $goroot/pkg/.xx-go-std" calls.log
  [ "$(cat "$goroot/pkg/linux_arm64/runtime.a")" = arm64-runtime ]
  run ls -A "$goroot/pkg"
  assert_output "linux_amd64
linux_arm64"
}

@test "arm/v7: nothing fetched, nothing said (Debian's armhf std is GOARM=6's); arm/v6 asks for armhf's" {
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm/v7 run --separate-stderr xx-go build .
  assert_success
  [ -z "$stderr" ]
  grep -q '^go env .* GOARM' calls.log
  ! grep -q xx-apt-get calls.log
  FAKE_DOWNLOAD=fail XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm/v6 run --separate-stderr xx-go build .
  assert_success
  # For armhf, as arm/v7 (arm/v6's own Debian architecture is armel).
  grep -q '^xx-apt-get -q download golang-1.19-go:armhf=1.19.8-2 (in .*, TARGETPLATFORM=linux/arm/v7)$' calls.log
}

@test "without XX_AUTO_INSTALL=1, or for the machine's own platform, or with the folder there: go alone" {
  TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  [ -z "$stderr" ]
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/amd64 run --separate-stderr xx-go build .
  assert_success
  [ -z "$stderr" ]
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go vet .
  [ -z "$stderr" ]
  run grep -c '^go env' calls.log
  assert_output 1            # only the linux/amd64 build asked (vet and the plain build did not)
  ! grep -q xx-apt-get calls.log
  mkdir "$goroot/pkg/linux_arm64"
  XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  [ -z "$stderr" ]
  ! grep -q xx-apt-get calls.log
}

@test "a GOROOT that is not Debian's layout: nothing fetched" {
  mv root/usr/lib/go-1.19 root/go
  FAKE_GOROOT=$PWD/root/go XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  [ -z "$stderr" ]
  ! grep -q xx-apt-get calls.log
}

@test "the download fails: a warning, nothing left behind, and the build goes on" {
  FAKE_DOWNLOAD=fail XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  assert_output "built with pkg/: linux_amd64 "
  [[ $stderr == *"warning: xx-apt-get download golang-1.19-go:arm64=1.19.8-2 failed (exit status 100); the standard library is compiled instead"* ]]
  run ls -A "$goroot/pkg"
  assert_output "linux_amd64"
  run ls -A "$XDG_CACHE_HOME/xx/go-std"
  assert_output ""          # nor in the cache
}

@test "go takes the files as stale (another Go build): they are taken out again, with a warning" {
  FAKE_STALE=true XX_AUTO_INSTALL=1 TARGETPLATFORM=linux/arm64 run --separate-stderr xx-go build .
  assert_success
  assert_output "built with pkg/: linux_amd64 "
  [[ $stderr == *"go does not take golang-1.19-go:arm64=1.19.8-2's files as up to date"*"removed them; the standard library is compiled instead"* ]]
  run ls -A "$goroot/pkg"
  assert_output "linux_amd64"
  [ ! -e "$entry" ]   # not kept for the next build either
  run ls -A "$XDG_CACHE_HOME/xx/go-std"
  assert_output "golang-1.19-go_1.19.8-2_arm64"
}
