#!/usr/bin/env bats
# xx-apt and xx-apt-get, run as a user would.
#  (a) Against a throwaway XX_ROOT (fake Ubuntu/Debian os-release, apt sources, package lists) with
#      recording dpkg, apt-get, apt and apt-cache first on PATH: the exact commands, the sources
#      rewriting (one-line and deb822) and the lock, without touching this system.
#  (b) For real on this Debian machine, as root, with Debian's packages: the tests install foreign
#      packages and clean up after themselves (see teardown).

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset XX_APT_PREFER_CROSS XX_APT_NOLOCK
  FAKEBIN="$BATS_TEST_TMPDIR/fakebin"
  FAKE_LOG="$BATS_TEST_TMPDIR/calls.log"
  FAKE_STATE="$BATS_TEST_TMPDIR/state"
  mkdir -p "$FAKEBIN" "$FAKE_STATE"
  export FAKE_LOG FAKE_STATE
}

# (a) ----------------------------------------------------------------------------------------

# make_fakes: recording dpkg/apt-get/apt/apt-cache in $FAKEBIN, first on PATH. They log the calls
# that would change the system; `update` writes package lists for the known architectures.
make_fakes() {
  cat > "$FAKEBIN/dpkg" <<'EOF'
#!/bin/bash
case $1 in
  --print-architecture) echo amd64 ;;
  --print-foreign-architectures) cat "$FAKE_STATE/foreign" 2>/dev/null ;;
  --add-architecture)
    printf 'dpkg %s\n' "$*" >> "$FAKE_LOG"
    sleep "${FAKE_DPKG_SLEEP:-0}"
    echo "$2" >> "$FAKE_STATE/foreign" ;;
  *) printf 'dpkg %s\n' "$*" >> "$FAKE_LOG"; exit 2 ;;
esac
EOF
  cat > "$FAKEBIN/apt-get" <<'EOF'
#!/bin/bash
printf '%s %s\n' "${0##*/}" "$*" >> "$FAKE_LOG"
for a; do
  if [ "$a" = update ]; then
    mkdir -p "$XX_ROOT/var/lib/apt/lists"
    for arch in amd64 $(cat "$FAKE_STATE/foreign" 2>/dev/null); do
      : > "$XX_ROOT/var/lib/apt/lists/archive_dists_jammy_main_binary-${arch}_Packages.lz4"
    done
    if [ -n "$FAKE_UPDATE_FAIL" ]; then
      echo "Hit:1 http://archive.ubuntu.com/ubuntu jammy InRelease"
      echo "Err:3 http://ports.ubuntu.com/ubuntu-ports jammy-security/main arm64 Packages"
      echo "  404  Not Found [IP: 192.0.2.1 80]"
      echo "E: Some index files failed to download. They have been ignored, or old ones used instead." >&2
      exit 100
    fi
    exit 0
  fi
done
exit "${FAKE_APT_STATUS:-0}"
EOF
  cp "$FAKEBIN/apt-get" "$FAKEBIN/apt"
  cat > "$FAKEBIN/apt-cache" <<'EOF'
#!/bin/bash
[ "$1" = pkgnames ] || exit 1
printf '%s\n' libc6-dev libgcc-12-dev libgcc-13-dev libgcc-13-dev-arm64-cross libstdc++-13-dev \
  libstdc++-13-dev-arm64-cross libc6-dev-arm64-cross zlib1g-dev
EOF
  chmod +x "$FAKEBIN"/*
  export PATH="$FAKEBIN:$PATH" XX_TEST_MACHINE=x86_64
}

JAMMY_LIST='# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to
deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted'

JAMMY_LIST_ARM64='# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to
deb [arch=amd64,i386] http://archive.ubuntu.com/ubuntu/ jammy main restricted
# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb [arch=amd64,i386] http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
deb [arch=amd64,i386] http://security.ubuntu.com/ubuntu/ jammy-security main restricted
# Ubuntu'"'"'s architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)
deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy main restricted
deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy-updates main restricted
deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy-security main restricted'

NOBLE_SOURCES='Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg'

NOBLE_SOURCES_RISCV64='Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
Architectures: amd64 i386

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
Architectures: amd64 i386

# Ubuntu'"'"'s architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)
Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
Architectures: riscv64

# Ubuntu'"'"'s architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)
Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
Architectures: riscv64'

# jammy_root: a fake Ubuntu 22.04 root with a one-line sources.list and amd64 package lists.
jammy_root() {
  local root
  root=$(make_root ubuntu $'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"')
  mkdir -p "$root/etc/apt/sources.list.d" "$root/var/lib/apt/lists"
  printf '%s\n' "$JAMMY_LIST" > "$root/etc/apt/sources.list"
  : > "$root/var/lib/apt/lists/archive_dists_jammy_main_binary-amd64_Packages.lz4"
  echo "$root"
}

# noble_root: a fake Ubuntu 24.04 root: sources.list holds only a comment, ubuntu.sources (deb822).
noble_root() {
  local root
  root=$(make_root ubuntu24 $'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"')
  mkdir -p "$root/etc/apt/sources.list.d"
  echo '# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources' > "$root/etc/apt/sources.list"
  printf '%s\n' "$NOBLE_SOURCES" > "$root/etc/apt/sources.list.d/ubuntu.sources"
  echo "$root"
}

@test "--print-source-file: sources.list when it has entries (fake Ubuntu 22.04 root)" {
  make_fakes
  local root
  root=$(jammy_root)
  XX_ROOT=$root run xx-apt-get --print-source-file
  assert_success
  assert_output "$root/etc/apt/sources.list"
  XX_ROOT=$root run xx-apt --print-source-file
  assert_output "$root/etc/apt/sources.list"
}

@test "--print-source-file: ubuntu.sources when sources.list has only comments (fake Ubuntu 24.04 root); debian.sources on Debian 12" {
  make_fakes
  local root debian
  root=$(noble_root)
  XX_ROOT=$root run xx-apt-get --print-source-file
  assert_success
  assert_output "$root/etc/apt/sources.list.d/ubuntu.sources"
  debian=$(make_root debian $'ID=debian\nVERSION_ID="12"')
  mkdir -p "$debian/etc/apt/sources.list.d"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' \
    > "$debian/etc/apt/sources.list.d/debian.sources"
  XX_ROOT=$debian run xx-apt-get --print-source-file
  assert_output "$debian/etc/apt/sources.list.d/debian.sources"
  XX_ROOT=$BATS_TEST_TMPDIR/nothing run xx-apt-get --print-source-file
  assert_failure
  assert_output --partial "no apt sources file"
}

@test "--fix-source-file: one-line sources.list gets ports.ubuntu.com for arm64, once (fake root, recording apt-get/dpkg untouched)" {
  make_fakes
  local root
  root=$(jammy_root)
  XX_ROOT=$root TARGETPLATFORM=linux/arm64 run xx-apt-get --fix-source-file
  assert_success
  assert_output --partial "sources.list: arm64 packages now come from ports.ubuntu.com"
  run cat "$root/etc/apt/sources.list"
  assert_output "$JAMMY_LIST_ARM64"
  # idempotent: a second run changes nothing and says nothing
  local before
  before=$(stat -c '%i %Y' "$root/etc/apt/sources.list")
  XX_ROOT=$root TARGETPLATFORM=linux/arm64 run xx-apt-get --fix-source-file
  assert_success
  assert_output ""
  [ "$(stat -c '%i %Y' "$root/etc/apt/sources.list")" = "$before" ]
  # a second ports architecture joins the ports entries
  XX_ROOT=$root TARGETPLATFORM=linux/arm/v7 run xx-apt-get --fix-source-file
  run cat "$root/etc/apt/sources.list"
  assert_output "${JAMMY_LIST_ARM64//arch=arm64]/arch=arm64,armhf]}"
  # written atomically: no temporary left; nothing ran
  run ls "$root/etc/apt"
  assert_output "sources.list
sources.list.d"
  [ ! -e "$FAKE_LOG" ]
}

@test "--fix-source-file: deb822 ubuntu.sources gets ports.ubuntu.com for riscv64, once (fake Ubuntu 24.04 root)" {
  make_fakes
  local root
  root=$(noble_root)
  XX_ROOT=$root TARGETPLATFORM=linux/riscv64 run xx-apt-get --fix-source-file
  assert_success
  run cat "$root/etc/apt/sources.list.d/ubuntu.sources"
  assert_output "$NOBLE_SOURCES_RISCV64"
  XX_ROOT=$root TARGETPLATFORM=linux/riscv64 run xx-apt-get --fix-source-file
  assert_output ""
  run cat "$root/etc/apt/sources.list.d/ubuntu.sources"
  assert_output "$NOBLE_SOURCES_RISCV64"
  # the comment-only sources.list is left as it was
  run cat "$root/etc/apt/sources.list"
  assert_output '# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources'
  [ ! -e "$FAKE_LOG" ]
}

@test "--fix-source-file: x86 targets, and Debian, leave the sources alone (fake roots)" {
  make_fakes
  local root debian
  root=$(jammy_root)
  for platform in linux/amd64 linux/386; do
    XX_ROOT=$root TARGETPLATFORM=$platform run xx-apt-get --fix-source-file
    assert_success
  done
  run cat "$root/etc/apt/sources.list"
  assert_output "$JAMMY_LIST"
  debian=$(make_root debian $'ID=debian\nVERSION_ID="12"')
  mkdir -p "$debian/etc/apt"
  printf '%s\n' "$JAMMY_LIST" > "$debian/etc/apt/sources.list"
  XX_ROOT=$debian TARGETPLATFORM=linux/arm64 run xx-apt-get --fix-source-file
  assert_success
  run cat "$debian/etc/apt/sources.list"
  assert_output "$JAMMY_LIST"
}

@test "cross install on fake Ubuntu: architecture added, sources fixed, update, then install with :arm64 (recording dpkg/apt-get)" {
  make_fakes
  local root
  root=$(jammy_root)
  export XX_ROOT=$root TARGETPLATFORM=linux/arm64
  run xx-apt-get install -y --no-install-recommends xx-c-essentials zlib1g-dev gcc libfoo:amd64
  assert_success
  assert_output --partial "running apt-get update: the arm64 architecture is new"
  run cat "$FAKE_LOG"
  assert_output "dpkg --add-architecture arm64
apt-get update
apt-get install -y --no-install-recommends libc6-dev:arm64 libgcc-13-dev:arm64 zlib1g-dev:arm64 gcc-aarch64-linux-gnu libfoo:amd64"
  run cat "$root/etc/apt/sources.list"
  assert_output "$JAMMY_LIST_ARM64"
  [ -e "$root/var/lock/xx-apt" ]

  # everything in place: only the install runs
  : > "$FAKE_LOG"
  run xx-apt-get install -y xx-cxx-essentials
  assert_success
  run cat "$FAKE_LOG"
  assert_output "apt-get install -y libc6-dev:arm64 libgcc-13-dev:arm64 libstdc++-13-dev:arm64"

  # xx-apt runs apt; options pass through in place
  : > "$FAKE_LOG"
  run xx-apt -o Debug::NoLocking=1 install -q zlib1g-dev=1:1.2.11 g++
  run cat "$FAKE_LOG"
  assert_output "apt -o Debug::NoLocking=1 install -q zlib1g-dev:arm64=1:1.2.11 g++-aarch64-linux-gnu"

  # XX_APT_PREFER_CROSS: Debian's -arm64-cross packages where apt knows them
  : > "$FAKE_LOG"
  XX_APT_PREFER_CROSS=1 run xx-apt-get install xx-cxx-essentials zlib1g-dev
  run cat "$FAKE_LOG"
  assert_output "apt-get install libc6-dev-arm64-cross libgcc-13-dev-arm64-cross libstdc++-13-dev-arm64-cross zlib1g-dev:arm64"
}

@test "xx-apt-get update for a new architecture: added (and the sources fixed) before the one update; the install then runs no update (recording dpkg/apt-get)" {
  make_fakes
  local root
  root=$(jammy_root)
  export XX_ROOT=$root TARGETPLATFORM=linux/arm64
  run xx-apt-get update
  assert_success
  refute_output --partial "running apt-get update"
  run cat "$FAKE_LOG"
  assert_output "dpkg --add-architecture arm64
apt-get update"
  run cat "$root/etc/apt/sources.list"
  assert_output "$JAMMY_LIST_ARM64"
  # the frontend's rewrite: `apt-get update && apt-get install -y gcc && xx-apt-get install -y zlib1g-dev`
  : > "$FAKE_LOG"
  run apt-get install -y gcc
  assert_success
  run xx-apt-get install -y zlib1g-dev
  assert_success
  refute_output --partial "running apt-get update"
  run cat "$FAKE_LOG"
  assert_output "apt-get install -y gcc
apt-get install -y zlib1g-dev:arm64"
  # the dry run too: no update, the install simulated
  : > "$FAKE_LOG"
  run xx-apt-get -s install zlib1g-dev
  assert_success
  run cat "$FAKE_LOG"
  assert_output "apt-get -s install zlib1g-dev:arm64"
}

@test "a failed apt-get update is a warning naming what failed; the install runs and decides the status (recording apt-get)" {
  make_fakes
  local root
  root=$(jammy_root)
  export XX_ROOT=$root TARGETPLATFORM=linux/arm64
  FAKE_UPDATE_FAIL=1 run xx-apt-get install -y zlib1g-dev
  assert_success
  assert_output --partial "xx-apt-get: warning: apt-get update exited 100; failed: Err:3 http://ports.ubuntu.com/ubuntu-ports jammy-security/main arm64 Packages. Going on: the install decides."
  run cat "$FAKE_LOG"
  assert_output "dpkg --add-architecture arm64
apt-get update
apt-get install -y zlib1g-dev:arm64"

  # the install's own failure is the exit status; the user's own `update` is not second-guessed
  rm -f "$root"/var/lib/apt/lists/*arm64*
  FAKE_UPDATE_FAIL=1 FAKE_APT_STATUS=100 run xx-apt-get install -y zlib1g-dev
  assert_failure 100
  assert_output --partial "there are no package lists for arm64 yet"
  FAKE_UPDATE_FAIL=1 run xx-apt-get -qq update
  assert_failure 100
  run tail -n 1 "$FAKE_LOG"
  assert_output "apt-get -qq update"
}

@test "not cross: packages unchanged, no architecture added, no update (recording apt-get)" {
  make_fakes
  local root
  root=$(jammy_root)
  export XX_ROOT=$root
  run xx-apt-get install -y zlib1g-dev gcc
  assert_success
  TARGETPLATFORM=linux/amd64 run xx-apt-get install xx-c-essentials
  assert_success
  run cat "$FAKE_LOG"
  assert_output "apt-get install -y zlib1g-dev gcc
apt-get install libc6-dev libgcc-13-dev"
  # no package list at all (a fresh image): update first
  rm -f "$root"/var/lib/apt/lists/*
  : > "$FAKE_LOG"
  run xx-apt-get install -y zlib1g-dev
  run cat "$FAKE_LOG"
  assert_output "apt-get update
apt-get install -y zlib1g-dev"
}

@test "parallel calls add the architecture once: the lock (recording dpkg, XX_APT_NOLOCK=1 as the control)" {
  make_fakes
  local root
  root=$(jammy_root)
  export XX_ROOT=$root TARGETPLATFORM=linux/arm64/v8 FAKE_DPKG_SLEEP=1
  xx-apt-get install -y a >/dev/null 2>&1 &
  xx-apt-get install -y b >/dev/null 2>&1 &
  wait
  run grep -c -- --add-architecture "$FAKE_LOG"
  assert_output 1
  # without the lock both see the architecture missing
  : > "$FAKE_STATE/foreign"
  : > "$FAKE_LOG"
  XX_APT_NOLOCK=1 xx-apt-get install -y a >/dev/null 2>&1 &
  XX_APT_NOLOCK=1 xx-apt-get install -y b >/dev/null 2>&1 &
  wait
  run grep -c -- --add-architecture "$FAKE_LOG"
  assert_output 2
}

@test "not root: says it must run as root, changes nothing (fake root, recording dpkg)" {
  make_fakes
  command -v setpriv >/dev/null || fail "setpriv is missing: apt-get install util-linux"
  local root dir
  root=$(jammy_root)
  # let an unprivileged user read the throwaway root and the fakes
  dir=$BATS_TEST_TMPDIR
  while [ "$dir" != / ] && [ "$dir" != "$(dirname "$BATS_RUN_TMPDIR")" ]; do chmod o+rx "$dir"; dir=$(dirname "$dir"); done
  chmod -R o+rX "$BATS_TEST_TMPDIR"
  XX_ROOT=$root TARGETPLATFORM=linux/arm64 run setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$XX_BIN/xx-apt-get" install -y zlib1g-dev
  assert_failure
  assert_output "xx-apt-get: must run as root to add the arm64 dpkg architecture, add ports.ubuntu.com to the apt sources, update the package lists (the arm64 architecture is new); run it as root (as in a Dockerfile RUN)"
  run cat "$root/etc/apt/sources.list"
  assert_output "$JAMMY_LIST"
  [ ! -e "$FAKE_LOG" ]
}

@test "errors: apt-get missing on Alpine, unsupported target, usage (fake roots)" {
  make_fakes
  local alpine
  alpine=$(make_root alpine $'ID=alpine\nVERSION_ID=3.18.4')
  mkdir -p "$BATS_TEST_TMPDIR/empty"
  XX_ROOT=$alpine PATH="$XX_BIN:$BATS_TEST_TMPDIR/empty" run -127 xx-apt-get install zlib1g-dev
  assert_output "xx-apt-get: apt-get not found: this is not a Debian or Ubuntu system (ID=alpine); use xx-apk"
  XX_ROOT=$alpine PATH="$XX_BIN:$BATS_TEST_TMPDIR/empty" run -127 xx-apt install zlib1g-dev
  assert_output "xx-apt: apt not found: this is not a Debian or Ubuntu system (ID=alpine); use xx-apk"

  XX_ROOT=$(jammy_root) TARGETPLATFORM=linux/ppc64 run xx-apt-get install -y zlib1g-dev
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=ppc64"
  [ ! -e "$FAKE_LOG" ]

  # no arguments: apt-get's own usage when there is one (as the shell helper), else ours
  PATH="$XX_BIN:$BATS_TEST_TMPDIR/empty" run -2 xx-apt-get
  assert_output --partial "Usage: xx-apt-get"
  PATH="$XX_BIN:/usr/bin:/bin" run xx-apt   # Debian's own apt
  assert_failure
  assert_output --partial "Usage: apt"
  run -2 xx-apt-get --print-source-file --fix-source-file
  assert_output --partial "takes no other arguments"
  run -2 xx-apt-get install zlib1g-dev -o
  assert_output --partial "option -o needs a value"
  run xx-apt --help
  assert_success
  assert_output --partial "Usage: xx-apt [APT-OPTIONS] COMMAND"
  assert_output --partial "A failed update"
  assert_output --partial "XX_APT_PREFER_CROSS"
}

# (b) ----------------------------------------------------------------------------------------

# A real test needs root on Debian with apt: a missing piece is a failure that says what to do.
require_real_debian() {
  [ "$(id -u)" = 0 ] || fail "the real xx-apt tests need root (they install packages): run bats as root"
  grep -qx 'ID=debian' /etc/os-release || fail "the real xx-apt tests need a Debian machine (/etc/os-release ID=debian)"
  local tool
  for tool in apt-get apt-cache dpkg dpkg-query; do
    command -v $tool >/dev/null || fail "$tool is missing: apt-get install apt dpkg"
  done
}

# installed_of ARCH: the installed packages of that architecture, sorted (pkg:arch).
installed_of() {
  dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' | awk -v a=":$1" '$2 == "installed" && index($1, a) { print $1 }' | sort
}

# real_begin ARCH: remember what was there before, for the teardown.
real_begin() {
  local arch=$1
  echo "$arch" > "$BATS_TEST_TMPDIR/real.arch"
  installed_of "$arch" > "$BATS_TEST_TMPDIR/real.before"
  if [ "$(dpkg --print-architecture)" = "$arch" ] || dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo 0 > "$BATS_TEST_TMPDIR/real.added"
  else
    echo 1 > "$BATS_TEST_TMPDIR/real.added"
  fi
}

# Undo a real test: purge the ARCH packages its install unpacked that were not installed before
# (from the install's own output, so packages others install meanwhile are not touched), then
# remove the architecture and its package lists if the test added it and nothing of it is left.
real_cleanup() {
  local arch new
  arch=$(cat "$BATS_TEST_TMPDIR/real.arch")
  new=$(grep -oE "^Unpacking [^ ]+:$arch " "$BATS_TEST_TMPDIR/real.out" 2>/dev/null | awk '{ print $2 }' | sort -u |
        comm -23 - "$BATS_TEST_TMPDIR/real.before")
  if [ -n "$new" ]; then
    # libgcc-s1 and libc6 are "protected" even for a foreign architecture
    dpkg --purge --force-remove-protected $new >/dev/null || return 1
  fi
  if [ "$(cat "$BATS_TEST_TMPDIR/real.added")" = 1 ] &&
     [ -z "$(dpkg-query -W -f='${binary:Package}\n' | grep ":$arch\$")" ]; then
    dpkg --remove-architecture "$arch" || return 1
    rm -f /var/lib/apt/lists/*binary-"${arch}"_Packages*
  fi
}

teardown() {
  if [ -f "$BATS_TEST_TMPDIR/real.arch" ]; then real_cleanup; fi
}

@test "real (Debian, root): TARGETPLATFORM=linux/arm64 xx-apt-get install -y --no-install-recommends zlib1g-dev" {
  require_real_debian
  real_begin arm64
  TARGETPLATFORM=linux/arm64 run xx-apt-get install -y --no-install-recommends zlib1g-dev
  printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/real.out"
  assert_success
  run dpkg -s zlib1g-dev:arm64
  assert_success
  assert_output --partial "Status: install ok installed"
  [ -e /usr/lib/aarch64-linux-gnu/libz.so ]
  dpkg --print-foreign-architectures | grep -qx arm64
  # a second run finds everything in place: no architecture to add, no update
  TARGETPLATFORM=linux/arm64 run xx-apt-get install -y --no-install-recommends zlib1g-dev
  assert_success
  refute_output --partial "running apt-get update"
}

@test "real (Debian, root): xx-apt-get update adds arm64 before the one update; xx-apt-get install then runs no apt-get update; host apt-get install still works" {
  require_real_debian
  real_begin arm64
  # a recording apt-get in front of the real one: every run is logged
  printf '#!/bin/sh\necho "apt-get $*" >> "%s"\nexec /usr/bin/apt-get "$@"\n' "$FAKE_LOG" > "$FAKEBIN/apt-get"
  chmod +x "$FAKEBIN/apt-get"
  export PATH="$FAKEBIN:$PATH"
  TARGETPLATFORM=linux/arm64 run xx-apt-get -q update
  assert_success
  dpkg --print-foreign-architectures | grep -qx arm64
  ls /var/lib/apt/lists/*binary-arm64_Packages* >/dev/null
  run cat "$FAKE_LOG"
  assert_output "apt-get -q update"
  : > "$FAKE_LOG"
  TARGETPLATFORM=linux/arm64 run xx-apt-get install -y --no-install-recommends zlib1g-dev
  printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/real.out"
  assert_success
  refute_output --partial "running apt-get update"
  run cat "$FAKE_LOG"
  assert_output "apt-get install -y --no-install-recommends zlib1g-dev:arm64"
  [ -e /usr/lib/aarch64-linux-gnu/libz.so ]
  # the build machine's own tools still resolve for amd64 (simulated: nothing changes)
  run apt-get install -s -y --no-install-recommends --reinstall make
  assert_success
  assert_output --regexp "Inst make .*\[$(dpkg --print-architecture)\]"
}

@test "real (Debian, root): a fresh architecture, ppc64el: added, updated (failed indexes are warnings), installed, removed again" {
  require_real_debian
  real_begin ppc64el
  TARGETPLATFORM=linux/ppc64le run xx-apt-get install -y --no-install-recommends libjansson-dev
  printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/real.out"
  assert_success
  if [ "$(cat "$BATS_TEST_TMPDIR/real.added")" = 1 ]; then
    assert_output --partial "xx-apt-get: running apt-get update: the ppc64el architecture is new"
  fi
  # this mirror often fails bookworm-security's ppc64el index (cross-facts.md): then a warning
  if [[ $output == *"apt-get update exited"* ]]; then
    assert_output --partial "; failed: Err:"
    assert_output --partial "Going on: the install decides."
  fi
  run dpkg -s libjansson-dev:ppc64el
  assert_output --partial "Status: install ok installed"
  [ -e /usr/lib/powerpc64le-linux-gnu/libjansson.so ]
  [ -e /usr/include/jansson.h ]
}

@test "--fix-source-file FILE ARCH: every entry restricted to ARCH, once; darwin targets skip installing" {
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' > "$BATS_TEST_TMPDIR/d.sources"
  printf 'deb http://deb.debian.org/debian bookworm main\n# deb-src http://deb.debian.org/debian bookworm main\n' > "$BATS_TEST_TMPDIR/d.list"
  for f in d.sources d.list; do
    run xx-apt --fix-source-file "$BATS_TEST_TMPDIR/$f" arm64
    assert_success
    run xx-apt --fix-source-file "$BATS_TEST_TMPDIR/$f" arm64
    assert_success
  done
  run cat "$BATS_TEST_TMPDIR/d.sources"
  assert_output $'Types: deb\nArchitectures: arm64\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main'
  run cat "$BATS_TEST_TMPDIR/d.list"
  assert_output $'deb [arch=arm64] http://deb.debian.org/debian bookworm main\n# deb-src [arch=arm64] http://deb.debian.org/debian bookworm main'
  run xx-apt --fix-source-file "$BATS_TEST_TMPDIR/nowhere.list" arm64
  assert_failure 1
  assert_output --partial "cannot read"

  make_fakes
  XX_ROOT=$(jammy_root) TARGETOS=darwin TARGETARCH=amd64 run xx-apt install foo
  assert_success
  assert_output "xx-apt: skipping packages installation on darwin"
  [ ! -e "$FAKE_LOG" ]
}
