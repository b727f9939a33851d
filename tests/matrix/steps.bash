# Counting steps in the matrix tests: each prints one `ok`/`FAIL` line; a failed step shows the
# tail of its output. End a script with `finish NAME`, which prints the totals and sets the status.
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# check NAME CMD...: CMD succeeds; its output is shown only when it fails.
check() {
  local name=$1 out; shift
  if out=$("$@" 2>&1); then pass "$name"; return 0; fi
  fail "$name"; echo "$out" | tail -n 30 | sed 's/^/     /'; return 1
}

# expect_output NAME WANT CMD...: CMD's output contains WANT.
expect_output() {
  local name=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then pass "$name: $want"; return 0; fi
  fail "$name: want '$want', got:"; echo "$out" | tail -n 20 | sed 's/^/     /'; return 1
}

finish() {
  echo "${1:+$1: }$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
