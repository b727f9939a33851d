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
# push_frontend BUILD_DIR: the frontend image made from BUILD_DIR's programs (bin/, and
# frontend-image/ for its own build unless XBUILD_FRONTEND_BUILD says otherwise), pushed as
# $ENGINE_REGISTRY/xbuild/frontend:dev, which $frontend then names; ends the script on failure.
push_frontend() {
  frontend=$ENGINE_REGISTRY/xbuild/frontend:dev
  local t=$SECONDS top
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if XBUILD_FRONTEND_BUILD=${XBUILD_FRONTEND_BUILD:-$1/frontend-image} \
     "$top/frontend/build-image.sh" --push --bin "$1/bin" --tag "$frontend" 2>"$ENGINE_DIR/image.log" >/dev/null; then
    ok "frontend image $frontend ($((SECONDS - t)) s): $(grep '^build-image: image ' "$ENGINE_DIR/image.log" | tail -n 1 | sed 's/^build-image: //')"
  else
    bad "frontend/build-image.sh"; show "$ENGINE_DIR/image.log" 30; done_
  fi
}
