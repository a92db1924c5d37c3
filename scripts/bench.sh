#!/usr/bin/env bash
# make bench: run every benchmark (peers in the same run) and keep the raw
# output under $build/bench-results/. docs/PERFORMANCE.md quotes these runs.
# Benchmarks are sensitive to other load: run on a quiet machine.
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$build/bench-results
mkdir -p "$out"
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; results in $out"

run() {  # name command...
  local name=$1; shift
  echo "== $name: $*"
  "$@" 2>&1 | tee "$out/$name.txt"
}

export AIOPP_T1=${AIOPP_T1:-$("$here/scripts/t1.sh")}
gb=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)

# The cost of moving a cache line between two CPUs, before and after: on a
# virtual machine it changes with the host's placement of the vCPUs, and
# every cross-thread figure with it (docs/PERFORMANCE.md, stat storm).
run line-before "$build/bench/line_pingpong" 3
run engine "$build/bench/engine_bench" "${gb[@]}"
# The ratio issue 2 asks for, from the medians just printed.
awk '/_median/ {
       for (i = 1; i <= NF; ++i) if ($i ~ /^ns_per_req=/) {
         v = substr($i, 12); s = 1
         if (v ~ /us$/) s = 1000; else if (v ~ /ms$/) s = 1e6
         sub(/[num]?s$/, "", v); v *= s
         if ($1 ~ /^BM_aiopp_nop\/2\//) a2 = v
         else if ($1 ~ /^BM_aiopp_nop\/8\//) a8 = v
         else if ($1 ~ /^BM_libuv/) u = v
       } }
     END { if (u > 0) printf "== nop round trip / libuv uv_queue_work (medians): 2 threads %.2fx, 8 threads %.2fx\n", a2 / u, a8 / u }' \
  "$out/engine.txt" | tee "$out/engine-ratio.txt"
run stat "$build/bench/stat_bench" "${gb[@]}"
[[ -x $build/bench/uring_bench ]] && run uring "$build/bench/uring_bench" "${gb[@]}"
for script in "$here"/bench/*/run.sh; do
  [[ -x $script ]] || continue
  name=$(basename "$(dirname "$script")")
  run "$name" "$script" "$build"
done
run line-after "$build/bench/line_pingpong" 3
echo "bench: done"
