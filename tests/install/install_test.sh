#!/usr/bin/env bash
# Install aiopp from a build tree into a temporary prefix, then build a tiny
# consumer against it three ways (CMake package: shared and static; pkg-config)
# and check that each prints the size of a known file.
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
expect=$(stat -c %s /etc/passwd)

cmake -S "$src/consumer" -B "$tmp/cb" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cb" >/dev/null
for exe in consumer_cmake consumer_cmake_static; do
  got=$(LD_LIBRARY_PATH="$tmp/prefix/lib:${LD_LIBRARY_PATH:-}" "$tmp/cb/$exe" /etc/passwd)
  [[ $got == "$expect" ]] || { echo "$exe printed '$got', expected $expect"; exit 1; }
done

pcdir=$(dirname "$(find "$tmp/prefix" -name aiopp.pc | head -1)")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs aiopp)
${CXX:-c++} -o "$tmp/consumer_pc" "$src/consumer.cpp" $flags -pthread
got=$(LD_LIBRARY_PATH="$tmp/prefix/lib:${LD_LIBRARY_PATH:-}" "$tmp/consumer_pc" /etc/passwd)
[[ $got == "$expect" ]] || { echo "pkg-config consumer printed '$got', expected $expect"; exit 1; }
echo "install: CMake package (shared, static) and pkg-config consumers work"
