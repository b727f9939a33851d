# Helpers for tests that install a target's packages for real with xx-apt-get, and undo it:
# packages of that architecture that were not there before are purged, and an architecture the
# test added is removed again.

# multiarch_begin ARCH: remembers what ARCH has now.
multiarch_begin() {
  local arch=$1
  [ "$(id -u)" = 0 ] || { echo "this test installs Debian packages: run it as root" >&2; return 1; }
  command -v dpkg >/dev/null || { echo "this test needs Debian's dpkg/apt" >&2; return 1; }
  declare -g "had_arch_$arch=$(dpkg --print-foreign-architectures | grep -qx "$arch" && echo yes || echo no)"
  dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep ":$arch\$" | sort > "$work/before-$arch" || true
}

# multiarch_end ARCH: purges what came since multiarch_begin, and the architecture if it was new.
multiarch_end() {
  local arch=$1 added had
  added=$(dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep ":$arch\$" | sort | comm -13 "$work/before-$arch" -)
  if [ -n "$added" ]; then
    # libc6 and libgcc-s1 are "protected" even for a foreign architecture.
    # shellcheck disable=SC2086
    dpkg --purge --force-remove-protected $added >/dev/null 2>&1 || echo "warning: could not purge $added" >&2
  fi
  had=had_arch_$arch
  if [ "${!had}" = no ] && ! dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep -q ":$arch\$"; then
    dpkg --remove-architecture "$arch" 2>/dev/null || echo "warning: could not remove architecture $arch" >&2
    rm -f /var/lib/apt/lists/*binary-"$arch"_Packages*
  fi
}
