# Debian packages of any architecture unpacked into a folder of one's own, the way a user
# assembles a target sysroot (an SDK) without installing the packages: apt-get download with a
# private apt state, then dpkg-deb -x. The machine's apt set-up and dpkg database stay untouched.

# debpkgs_init DIR ARCH...: a private apt state in DIR that knows the machine's Debian sources for
# these architectures (one `apt-get update`).
debpkgs_init() {
  local dir=$1; shift
  local arches; arches=$(IFS=,; echo "$*")
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources" "$dir/debs"
  cp /etc/apt/sources.list.d/*.sources "$dir/sources/" 2>/dev/null || true
  if [ -f /etc/apt/sources.list ]; then cp /etc/apt/sources.list "$dir/sources/main.list"; fi
  debpkgs_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$dir/sources"
                -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "Debug::NoLocking=1"
                -o "APT::Architectures=$arches" -o "APT::Sandbox::User=root")
  debpkgs_dir=$dir
  # A foreign security index can fail to download here (cross-facts.md); the main suite is enough.
  apt-get "${debpkgs_opts[@]}" update -qq >"$dir/update.log" 2>&1 ||
    echo "note: apt-get update reported errors (see $dir/update.log); using the indexes it got" >&2
}

# debpkgs_unpack ROOT PKG:ARCH...: downloads the packages and unpacks them into ROOT.
debpkgs_unpack() {
  local root=$1; shift
  mkdir -p "$root"
  (cd "$debpkgs_dir/debs" && apt-get "${debpkgs_opts[@]}" download -qq "$@" >"$debpkgs_dir/download.log" 2>&1) || {
    echo "apt-get download $* failed:" >&2; tail -n 20 "$debpkgs_dir/download.log" >&2; return 1; }
  local pkg deb
  for pkg in "$@"; do
    deb=$(compgen -G "$debpkgs_dir/debs/${pkg%%:*}_*_${pkg##*:}.deb" ||
          compgen -G "$debpkgs_dir/debs/${pkg%%:*}_*_all.deb" || true)
    deb=${deb%%$'\n'*}
    [ -n "$deb" ] || { echo "no .deb downloaded for $pkg" >&2; return 1; }
    dpkg-deb -x "$deb" "$root" || return 1
  done
}
