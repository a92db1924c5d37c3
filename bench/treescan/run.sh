#!/usr/bin/env bash
# treescan vs GNU find, fdfind, bfs and the Perl treescan on T1 and /usr:
# warm cache, cold cache (needs root), and aiopp-testfs with 1 ms lookups.
# Writes the "treescan" section of docs/PERFORMANCE.md and
# docs/img/treescan.png (see bench.py --help).
#   bench/treescan/run.sh [BUILD_DIR] [bench.py options...]
# Takes a few minutes; waits for the machine to be quiet before each
# scenario (--min-idle, --max-wait). Quick look: --scenarios warm --runs 3 --no-doc
set -euo pipefail
export TREESCAN_BENCH_CMD="bench/treescan/run.sh $*"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build/release}
[[ $# -gt 0 ]] && shift
[[ $build == /* ]] || build=$root/$build
ts=$build/tools/treescan/treescan
[[ -x $ts ]] || { echo "treescan not built: $ts (cmake --build $build --target treescan)" >&2; exit 1; }
testfs=$build/tests/fixtures/aiopp-testfs
args=(--treescan "$ts" --t1 "${AIOPP_T1:-$("$root/scripts/t1.sh")}")
[[ -x $testfs ]] && args+=(--testfs "$testfs")
echo "treescan bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
cd "$root"
exec python3 "$here/bench.py" "${args[@]}" "$@"
