#!/usr/bin/env bash
# Build the IO::AIO Perl module (perl/) against an aiopp build directory and
# run its tests twice with prove: first against the module just built (blib
# first in @INC), then against Debian's IO::AIO 4.80 (libio-aio-perl) when it
# is installed. The tests are written to pass on both; t/00_load.t checks
# that each run really loaded the module it should.
#
#   scripts/perl-test.sh [build-dir]     (default: build/release)
#   PERL_TEST_JOBS=2 ...                 (prove -j, default 2)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
[[ -d $build ]] || { echo "perl-test: build directory $build not found" >&2; exit 1; }
build=$(cd "$build" && pwd)
[[ -f $build/libaiopp.a ]] || { echo "perl-test: $build/libaiopp.a not found (build aiopp first)" >&2; exit 1; }
jobs=${PERL_TEST_JOBS:-2}

cd "$here/perl"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { perl Makefile.PL AIOPP_BUILD="$build" && make; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "perl-test: building perl/ failed" >&2
  exit 1
fi

# Keep a PERL5LIB from the environment from choosing the module for us.
unset PERL5LIB PERLLIB

echo "== perl: IO::AIO on aiopp (perl/blib)"
AIOPP_PERL_EXPECT=aiopp prove -b -j"$jobs" t/

vendor=$(perl -MConfig -e 'print $Config{vendorarch}')
if [[ -f $vendor/IO/AIO.pm ]]; then
  echo "== perl: the same tests on Debian's IO::AIO ($vendor/IO/AIO.pm)"
  # vendorarch first, so that a site-installed copy of ours is not picked up
  AIOPP_PERL_EXPECT=system prove -I"$vendor" -j"$jobs" t/
else
  echo "== perl: Debian's IO::AIO (libio-aio-perl) not installed: second run skipped"
fi
