#!/usr/bin/env bash
# bench/copy/run.sh [BUILD_DIR]: copy benchmarks, peers in the same run.
#   1. one 1 GiB file: aio::copy vs a plain copy_file_range loop vs cp
#   2. tree T1 (scripts/t1.sh): aio::cptree vs cp -a, results verified identical
# Each variant runs $RUNS times (default 7 / 3 for trees), interleaved, after
# `sync` and a short pause; the medians are printed. Destinations are never
# deleted between runs (ext4 makes new inodes slow while recently deleted
# ones are around); everything is removed at the end.
# Environment: AIOPP_COPY_WORK (default /var/tmp/aiopp-copy-bench, on the same
# filesystem as T1), RUNS, TREE_RUNS, ACTIVE (cptree's max_active, default 16).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build/release}
runs=${RUNS:-7}
tree_runs=${TREE_RUNS:-3}
active=${ACTIVE:-16}
work=${AIOPP_COPY_WORK:-/var/tmp/aiopp-copy-bench}

bin=$build/bench/copy/copy_bench
if [[ ! -x $bin ]]; then  # not wired into the CMake build: build it here
  bin=$build/copy_bench
  ${CXX:-g++} -std=c++20 -O2 -I"$here/include" "$here/bench/copy/copy_bench.cpp" \
    "$build/libaiopp.a" $(pkg-config --libs liburing 2>/dev/null) -lpthread -o "$bin"
fi

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
settle() { sync; sleep 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

rm -rf "$work"
mkdir -p "$work/file" "$work/tree"
trap 'rm -rf "$work"' EXIT
echo "copy bench: $(nproc) cores, load $(load), $(uname -r), work dir $work ($(df --output=fstype "$work" | tail -1))"

# ---- 1 GiB file -----------------------------------------------------------------------
src=$work/file/src.bin
head -c 1G /dev/urandom > "$src"
settle
"$bin" cfr "$src" "$work/file/warmup" > /dev/null  # not measured: the first copy after
rm -f "$work/file/warmup"                          # writing src competes with its writeback
declare -A t
order=(cfr aio cp)
for i in $(seq "$runs"); do
  for k in 0 1 2; do  # the order rotates each round
    v=${order[$(( (i + k) % 3 ))]}
    dst=$work/file/$v.$i
    settle
    case $v in
      cfr) t[$v]+="$("$bin" cfr "$src" "$dst") " ;;
      aio) t[$v]+="$("$bin" copy "$src" "$dst") " ;;
      cp) s=$(now); cp "$src" "$dst"; t[$v]+="$(echo "$(now) - $s" | bc) " ;;
    esac
    cmp -s "$src" "$dst" || { echo "copy bench: $v copy $i differs" >&2; exit 1; }
    rm -f "$dst"
  done
done
for v in cfr aio cp; do
  m=$(tr ' ' '\n' <<< "${t[$v]}" | grep . | median)
  printf '1GiB %-4s median %.3f s (%.0f MiB/s)   runs: %s\n' "$v" "$m" "$(echo "1024 / $m" | bc -l)" "${t[$v]}"
done
cfr=$(tr ' ' '\n' <<< "${t[cfr]}" | grep . | median)
aio=$(tr ' ' '\n' <<< "${t[aio]}" | grep . | median)
printf '1GiB aio::copy throughput / copy_file_range loop: %.2f (goal >= 0.95)\n' "$(echo "$cfr / $aio" | bc -l)"
rm -f "$src"

# ---- tree T1 ----------------------------------------------------------------------------
t1=$("$here/scripts/t1.sh")
echo "tree: $t1 ($(find "$t1" | wc -l) entries), load $(load)"
tar -cf - -C "$t1" . | cat > /dev/null  # warm the cache: the first copy must not pay for it
ours="" cpa=""
for i in $(seq "$tree_runs"); do
  for v in $( ((i % 2)) && echo "cpa ours" || echo "ours cpa"); do
    settle
    if [[ $v == cpa ]]; then
      s=$(now); cp -a "$t1" "$work/tree/cpa.$i"; cpa+="$(echo "$(now) - $s" | bc) "
    else
      ours+="$("$bin" tree "$t1" "$work/tree/ours.$i" "$active" 2>/dev/null) "
    fi
  done
done
list() { (cd "$1" && find . -printf '%P %M %U %G %s %T@ %A@ %l %n\n' | sort); }
same=yes
for i in $(seq "$tree_runs"); do
  cmp -s <(list "$work/tree/cpa.$i") <(list "$work/tree/ours.$i") || same=no
  diff -r --no-dereference "$work/tree/cpa.$i" "$work/tree/ours.$i" >/dev/null || same=no
done
mc=$(tr ' ' '\n' <<< "$cpa" | grep . | median)
mo=$(tr ' ' '\n' <<< "$ours" | grep . | median)
printf 'T1 cp -a      median %.3f s   runs: %s\n' "$mc" "$cpa"
printf 'T1 aio::cptree median %.3f s   runs: %s (max_active %s)\n' "$mo" "$ours" "$active"
printf 'T1 cptree time / cp -a time: %.2f (goal <= 0.70); results identical (names, modes, owners, sizes, ns times, link targets, link counts, contents): %s\n' \
  "$(echo "$mo / $mc" | bc -l)" "$same"
echo "copy bench: load $(load) at the end; removing $work"
