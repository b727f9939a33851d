#!/usr/bin/env bash
# The C++ sources follow .clang-format: lists every file that does not (fix: clang-format -i FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'include/*' 'src/*' 'frontend/*' 'tests/*' | grep -E '\.(cpp|hpp|inl|h)$')
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then echo "not formatted: $f"; bad=1; fi
done
[ "$bad" = 0 ] && echo "ok: ${#files[@]} files follow .clang-format"
exit "$bad"
