#!/usr/bin/env bash
# Alternating A/B runs of two builds of one Google Benchmark binary: on this
# shared 2-vCPU machine figures drift 10-25 % between minutes, so the two
# builds run in turns (old, new, old, new, ...) and the medians of each
# counter are compared. docs/PERFORMANCE.md quotes such runs.
#   bench/ab.sh OLD_BINARY NEW_BINARY FILTER RUNS [benchmark options...]
# e.g. (the old build from a worktree of an earlier commit):
#   bench/ab.sh /tmp/old/build/release/bench/engine_bench build/release/bench/engine_bench nop 6
# With AB_EACH=1 it also prints every run, with the cache-line round trip
# between the two vCPUs (bench/line_pingpong) measured before and after it:
# the host moves them between ~55 ns and ~320 ns from minute to minute.
set -euo pipefail
(($# >= 4)) || { sed -n '2,8p' "$0" >&2; exit 2; }
old=$1 new=$2 filter=$3 runs=$4
shift 4
export AIOPP_T1=${AIOPP_T1:-$("$(dirname "$0")/../scripts/t1.sh")}
pingpong=$(dirname "$0")/../build/release/bench/line_pingpong
line() { if [[ ${AB_EACH:-0} = 1 && -x $pingpong ]]; then "$pingpong" 1 | awk '{print $6}'; else echo -; fi; }
for ((i = 0; i < runs; ++i)); do
  for which in old new; do
    before=$(line)
    out=$("${!which}" --benchmark_filter="$filter" "$@" 2>/dev/null | grep '^BM_')
    after=$(line)
    sed "s/^/$which $before $after /" <<<"$out"
  done
done | AB_EACH=${AB_EACH:-0} python3 -c '
import os, re, statistics, sys, collections
runs = collections.defaultdict(list)
each = os.environ.get("AB_EACH") == "1"
if each:
    print("run  build  line before | after  benchmark  ns")
for n, line in enumerate(sys.stdin):
    which, before, after, name = line.split()[:4]
    m = re.search(r"ns_per_\w+=([\d.]+)(\w*s)", line)
    if not m:
        continue
    scale = {"ns": 1, "us": 1e3, "ms": 1e6}.get(m.group(2), 1)
    name = name.split("/min_time")[0]
    runs[(name, which)].append(float(m.group(1)) * scale)
    if each:
        print(f"{n:3d}  {which:3s}  {before:>5s} | {after:<5s}  {name}  {float(m.group(1)) * scale:.1f}")
for (name, which), v in sorted(runs.items()):
    print(f"{name:36s} {which:3s} median {statistics.median(v):9.1f} ns  runs " +
          " ".join("%.0f" % x for x in v))
'
