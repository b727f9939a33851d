#!/usr/bin/env bats
# xx-apk, run as a user would. Alpine's package servers cannot be reached from here, so every
# test runs against a throwaway XX_ROOT (an Alpine os-release, /etc/apk/keys, repositories) with a
# recording `apk` first on PATH: it appends its arguments to a log and, for `add` into a target
# root, creates plausible files (usr/bin/<pkg>, bin/<pkg>, usr/sbin, sbin, usr/lib/lib<pkg>.a).
# The tests check the exact command lines, the files xx-apk copies and deletes, and pass-through.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  unset XX_APK_KEEP_BINARIES XX_APK_NOLOCK
  ROOT=$(make_root alpine $'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4')
  mkdir -p "$ROOT/etc/apk/keys" "$ROOT/usr/share/apk/keys/aarch64" "$ROOT/usr/share/apk/keys/armv7"
  echo "x86_64 key" > "$ROOT/etc/apk/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"
  echo "aarch64 key" > "$ROOT/usr/share/apk/keys/aarch64/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub"
  echo "armv7 key" > "$ROOT/usr/share/apk/keys/armv7/alpine-devel@lists.alpinelinux.org-616adfeb.rsa.pub"
  printf '%s\n' https://dl-cdn.alpinelinux.org/alpine/v3.18/main \
    https://dl-cdn.alpinelinux.org/alpine/v3.18/community > "$ROOT/etc/apk/repositories"

  FAKEBIN="$BATS_TEST_TMPDIR/fakebin"
  mkdir -p "$FAKEBIN"
  cat > "$FAKEBIN/apk" <<'EOF'
#!/bin/bash
# Recording apk: logs its arguments; makes files as an install into --root would.
printf '%s\n' "$*" >> "$APK_LOG"
root=/ applet= initdb= pkgs=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[$i]} in
    --root|-p) i=$((i + 1)); root=${args[$i]} ;;
    --arch|-X|--repository|-t|--virtual) i=$((i + 1)) ;;
    --initdb) initdb=1 ;;
    -*) ;;
    *) if [ -z "$applet" ]; then applet=${args[$i]}; else pkgs+=("${args[$i]}"); fi ;;
  esac
done
[ -z "$FAKE_APK_STATUS" ] || exit "$FAKE_APK_STATUS"
[ "$root" != / ] || exit 0   # never touch the real system
if [ -n "$initdb" ]; then mkdir -p "$root/lib/apk/db" && : > "$root/lib/apk/db/installed"; fi
if [ "$applet" = add ]; then
  mkdir -p "$root/usr/bin" "$root/bin" "$root/usr/sbin" "$root/sbin" "$root/usr/lib" "$root/usr/bin/subdir"
  for p in "${pkgs[@]}"; do
    printf '#!/bin/sh\n' > "$root/usr/bin/$p" && chmod +x "$root/usr/bin/$p"
    ln -sf "$p" "$root/usr/bin/$p-link"
    : > "$root/bin/$p"; : > "$root/usr/sbin/$p-daemon"; : > "$root/sbin/$p-init"
    echo "archive of $p" > "$root/usr/lib/lib$p.a"
  done
fi
EOF
  chmod +x "$FAKEBIN/apk"
  export XX_ROOT=$ROOT APK_LOG="$BATS_TEST_TMPDIR/apk.log" XX_TEST_MACHINE=x86_64 PATH="$FAKEBIN:$PATH"
  TARGET_ROOT="$ROOT/aarch64-alpine-linux-musl"
}

@test "cross, first use: keys and repositories copied, --initdb, then add (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm64 run xx-apk add --no-cache zlib-dev
  assert_success
  run cat "$APK_LOG"
  assert_output "--root $TARGET_ROOT --arch aarch64 --no-scripts --initdb add
--root $TARGET_ROOT --arch aarch64 --no-scripts add --no-cache zlib-dev"
  # keys: the system's, plus the target architecture's from /usr/share/apk/keys/<alpine-arch>
  run ls "$TARGET_ROOT/etc/apk/keys"
  assert_output "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub
alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub"
  cmp "$ROOT/etc/apk/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub" \
      "$TARGET_ROOT/etc/apk/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"
  cmp "$ROOT/etc/apk/repositories" "$TARGET_ROOT/etc/apk/repositories"
  [ -d "$TARGET_ROOT/lib/apk/db" ]
}

@test "cross: the target's */bin and */sbin files are deleted, libraries and folders kept (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm64 run xx-apk add zlib-dev
  assert_success
  assert_output --partial "removed 5 target programs from $TARGET_ROOT/{usr/bin,bin,usr/sbin,sbin}"
  for d in usr/bin bin usr/sbin sbin; do
    run find "$TARGET_ROOT/$d" -mindepth 1 -not -type d
    assert_output ""
  done
  [ -d "$TARGET_ROOT/usr/bin/subdir" ]
  [ "$(cat "$TARGET_ROOT/usr/lib/libzlib-dev.a")" = "archive of zlib-dev" ]
}

@test "cross: XX_APK_KEEP_BINARIES=1 keeps them (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm64 XX_APK_KEEP_BINARIES=1 run xx-apk add zlib-dev
  assert_success
  refute_output --partial "removed"
  [ -x "$TARGET_ROOT/usr/bin/zlib-dev" ]
  [ -L "$TARGET_ROOT/usr/bin/zlib-dev-link" ]
  [ -f "$TARGET_ROOT/sbin/zlib-dev-init" ]
}

@test "cross, root ready: only the command; meta names expanded; del keeps files (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm64 xx-apk add zlib-dev
  : > "$APK_LOG"
  echo changed > "$TARGET_ROOT/etc/apk/repositories"
  TARGETPLATFORM=linux/arm64 run xx-apk add xx-c-essentials xx-cxx-essentials
  assert_success
  TARGETPLATFORM=linux/arm64 run xx-apk --no-cache del xx-c-essentials
  assert_success
  run cat "$APK_LOG"
  assert_output "--root $TARGET_ROOT --arch aarch64 --no-scripts add musl-dev gcc libstdc++-dev
--root $TARGET_ROOT --arch aarch64 --no-scripts --no-cache del musl-dev gcc"
  # the root's own configuration is not overwritten
  [ "$(cat "$TARGET_ROOT/etc/apk/repositories")" = changed ]
  # del installs nothing: files put there by hand stay
  : > "$TARGET_ROOT/usr/bin/by-hand"
  TARGETPLATFORM=linux/arm64 run xx-apk del zlib-dev
  [ -f "$TARGET_ROOT/usr/bin/by-hand" ]
}

@test "cross to arm/v7: root /armv7-alpine-linux-musleabihf, --arch armv7 (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm/v7 run xx-apk add -t .deps zlib-dev
  assert_success
  local r="$ROOT/armv7-alpine-linux-musleabihf"
  run cat "$APK_LOG"
  assert_output "--root $r --arch armv7 --no-scripts --initdb add
--root $r --arch armv7 --no-scripts add -t .deps zlib-dev"
  [ -f "$r/etc/apk/keys/alpine-devel@lists.alpinelinux.org-616adfeb.rsa.pub" ]
  # the same root as xx-info's sysroot
  [ "$(TARGETPLATFORM=linux/arm/v7 xx-info sysroot)" = /armv7-alpine-linux-musleabihf/ ]
}

@test "not cross: apk with the arguments unchanged, no target root (recording apk, Alpine servers unreachable)" {
  run xx-apk add --no-cache zlib-dev
  assert_success
  TARGETPLATFORM=linux/amd64 run xx-apk --no-cache info -L zlib-dev
  assert_success
  run cat "$APK_LOG"
  assert_output "add --no-cache zlib-dev
--no-cache info -L zlib-dev"
  run ls "$ROOT"
  assert_output "etc
usr"
}

@test "the apk exit status is xx-apk's; a failed --initdb stops there (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/arm64 FAKE_APK_STATUS=3 run xx-apk add zlib-dev
  assert_failure 3
  run cat "$APK_LOG"
  assert_output "--root $TARGET_ROOT --arch aarch64 --no-scripts --initdb add"
  FAKE_APK_STATUS=5 run xx-apk add zlib-dev
  assert_failure 5
}

@test "errors: unsupported target, no apk, usage (recording apk, Alpine servers unreachable)" {
  TARGETPLATFORM=linux/ppc64 run xx-apk add zlib-dev
  assert_failure
  assert_output --partial "unsupported target: os=linux arch=ppc64"
  [ ! -e "$APK_LOG" ]

  # a Debian machine: no apk anywhere on PATH
  local debian
  debian=$(make_root debian $'ID=debian\nVERSION_ID="12"')
  XX_ROOT=$debian PATH="$XX_BIN" run -127 xx-apk add zlib-dev
  assert_failure 127
  assert_output "xx-apk: apk not found: this is not an Alpine system (ID=debian); use xx-apt-get"

  run xx-apk
  assert_failure 2
  assert_output --partial "no applet given"
  run xx-apk add --virtual
  assert_failure 2
  assert_output --partial "--virtual needs a value"
  run xx-apk --help
  assert_success
  assert_output --partial "XX_APK_KEEP_BINARIES"
}
