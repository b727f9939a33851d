# fetch_debian_source PACKAGE DIR: `apt-get source PACKAGE` into DIR, with a deb-src index of the
# machine's own mirror kept in DIR/.apt, so the machine's apt set-up is not touched. Prints the
# unpacked source folder.
fetch_debian_source() {
  local pkg=$1 dir=$2 uri suite
  uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
        grep -v security | head -n1 | awk '{print $2}')
  suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
  mkdir -p "$dir/.apt/lists/partial"
  echo "deb-src $uri $suite main" > "$dir/.apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$dir/.apt/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
              -o "Dir::State::Lists=$dir/.apt/lists" -o "APT::Get::List-Cleanup=false")
  apt-get "${opts[@]}" update -qq >"$dir/.apt/update.log" 2>&1 &&
    (cd "$dir" && apt-get "${opts[@]}" source -qq "$pkg" >"$dir/.apt/source.log" 2>&1) || {
      echo "apt-get source $pkg from $uri $suite failed:" >&2
      tail -n 20 "$dir/.apt/update.log" "$dir/.apt/source.log" >&2
      return 1
    }
  find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n1
}
