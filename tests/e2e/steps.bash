# Step counting for the e2e scripts (after engine.bash): one ok/FAIL line per step; `show LOG`
# prints a log's tail under a failed step; `done_` stops the engine, prints the totals and exits
# with the status; `start_engine` starts it (or ends the script) and stops it on any exit.
pass=0 fail=0
ok()  { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
show() { tail -n "${2:-15}" "$1" | sed 's/^/    /'; }
done_() { engine_stop; trap - EXIT; echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit $?; }
start_engine() {
  local t=$SECONDS
  engine_start || { bad "engine_start"; done_; }
  trap engine_stop EXIT
  ok "engine_start ($((SECONDS - t)) s)"
}
