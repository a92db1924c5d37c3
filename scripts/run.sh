#!/usr/bin/env bash
# make run: the main job. Scans a real tree with treescan (falling back to the
# stat-everything example until treescan is built) and compares with GNU find.
set -euo pipefail
build=${1:-build/release}
tree=${2:-/usr}
if [[ -x $build/tools/treescan/treescan ]]; then
  echo "== treescan -q -p $tree"
  "$build/tools/treescan/treescan" -q -p "$tree"
else
  echo "== statall $tree (stat every file concurrently)"
  "$build/examples/statall" "$tree"
fi
echo "== GNU find $tree > /dev/null"
TIMEFORMAT='find: %R s elapsed'
time (find "$tree" >/dev/null 2>&1 || true)
