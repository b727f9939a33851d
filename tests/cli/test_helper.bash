# Shared set-up for the CLI tests: the built helpers first on PATH, and fake roots holding the
# os-release of each distro the helpers know (XX_ROOT points a helper at one).
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${XX_BIN:?XX_BIN must name the folder with the built xx helpers (ctest sets it)}"
export PATH="$XX_BIN:$PATH"
unset TARGETPLATFORM TARGETPAIR TARGETOS TARGETARCH TARGETVARIANT XX_VENDOR XX_LIBC XX_ROOT \
      XX_TEST_MACHINE MACOSX_VERSION_MIN ARM_TARGET_ARCH RISCV64_TARGET_ARCH XX_VERIFY_STATIC

GOLDEN="$BATS_TEST_DIRNAME/golden/xx-info.tsv"

# make_root NAME OS_RELEASE_TEXT: prints the path of a root whose /etc/os-release holds the text
# (an empty text: a root with no os-release at all).
make_root() {
  local root="$BATS_TEST_TMPDIR/root-$1"
  mkdir -p "$root/etc"
  if [ -n "$2" ]; then printf '%s\n' "$2" > "$root/etc/os-release"; fi
  echo "$root"
}

# The golden rows, without comments: platform march debian alpine rhel triple-gnu triple-alpine triple-none
golden_rows() { grep -v '^#' "$GOLDEN"; }
