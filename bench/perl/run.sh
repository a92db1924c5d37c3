#!/usr/bin/env bash
# make bench (scripts/bench.sh) runs this: build perl/ against the release
# build, then compare it with Debian's IO::AIO 4.80 (bench/perl/compare.pl),
# writing the "Perl" section of docs/PERFORMANCE.md.
#   bench/perl/run.sh [build-dir] [compare.pl options]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$here/build/release}" && pwd)
shift || true
if ! perl -e 'use Config; exit !-f "$Config{vendorarch}/IO/AIO.pm"'; then
  echo "bench/perl: IO::AIO 4.80 (libio-aio-perl) not installed: skipped"
  exit 0
fi
(cd "$here/perl" && perl Makefile.PL AIOPP_BUILD="$build" >/dev/null && make >/dev/null)
exec perl "$here/bench/perl/compare.pl" --blib "$here/perl/blib" --doc "$here/docs/PERFORMANCE.md" "$@"
