#!/usr/bin/env bash
# Print the path of tree T1 (../shared/bench/gen_tree.pl with its defaults:
# 196 360 entries), generating it first if needed. Location: $AIOPP_T1, or
# /var/tmp/aiopp-t1. Benchmarks share it; generating takes about a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gen=${AIOPP_GEN_TREE:-$here/../shared/bench/gen_tree.pl}
root=${AIOPP_T1:-/var/tmp/aiopp-t1}
if [[ ! -f $root.done ]]; then
  [[ -f $gen ]] || { echo "t1: generator not found: $gen (set AIOPP_GEN_TREE)" >&2; exit 1; }
  rm -rf "$root" "$root.done"
  echo "t1: generating $root (about a minute)" >&2
  perl "$gen" "$root" >&2
  touch "$root.done"
fi
echo "$root"
