#!/usr/bin/env bash
# Runner for treescan's snapshot and differential tests.
#   run_tests.sh CASE.sh      (ctest runs one case per test: treescan.t_*)
# Environment: TREESCAN (the binary under test), AIOPP_TESTFS (optional: the
# FUSE test filesystem), TMPDIR. A case is a bash script sourced here; it
# uses the helpers below and fails through `fail`. Exit 77 = skipped.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case_file=${1:?usage: run_tests.sh CASE.sh}
case_file=$(cd "$(dirname "$case_file")" && pwd)/$(basename "$case_file")
[[ -f $case_file ]] || { echo "no such case: $case_file" >&2; exit 2; }
TREESCAN=${TREESCAN:?set TREESCAN to the treescan binary}
[[ $TREESCAN == /* ]] || TREESCAN=$PWD/$TREESCAN
export LC_ALL=C

work=$(mktemp -d "${TMPDIR:-/tmp}/treescan-test.XXXXXX")
chmod 755 "$work"
failures=0
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  chmod -R u+rwx "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "-- $*"; }

# expect_same NAME FILE_A FILE_B: the files are byte-for-byte equal.
expect_same() {
  if ! cmp -s "$2" "$3"; then
    fail "$1: $2 and $3 differ"
    diff -a "$2" "$3" | head -20 >&2
  fi
}

# expect_status NAME WANT COMMAND...: exit status of COMMAND.
expect_status() {
  local name=$1 want=$2
  shift 2
  "$@"
  local got=$?
  [[ $got == "$want" ]] || fail "$name: exit status $got, want $want"
}

# find's listing in treescan's format: directories with a trailing '/',
# terminated by $2 ('\n' or '\0'), sorted.
find_listing() {
  local root=$1 sep=${2:-nl}
  if [[ $sep == nul ]]; then
    find "$root" \( -type d -printf '%p/\0' \) -o -printf '%p\0' | sort -z
  else
    find "$root" \( -type d -printf '%p/\n' \) -o -printf '%p\n' | sort
  fi
}

sorted() { sort; }
sorted0() { sort -z; }

have_perl_treescan() { [[ -x /usr/bin/treescan ]] && perl -MIO::AIO -e1 2>/dev/null; }

# The snapshot tree: every kind of entry, deterministic names.
make_mixed() {
  local r=$1
  mkdir -p "$r"/d1/sub/deeper "$r"/d2 "$r"/empty "$r"/.hiddendir "$r"/dir.with.dots
  : >"$r"/file.txt; : >"$r"/noext; : >"$r"/x; : >"$r"/.hid
  : >"$r"/d1/a.txt; : >"$r"/d1/.hidden; : >"$r"/d1/sub/deeper/leaf
  ln -s d1 "$r"/link_dir
  ln -s file.txt "$r"/link_file
  ln -s nowhere "$r"/dangling
  ln -s loop "$r"/loop
  ln -s ../d2 "$r"/d1/up
  mkfifo "$r"/fifo
  for i in $(seq 1 30); do : >"$r"/d2/f$i; done
  mkdir "$r"/d2/many
  for i in $(seq 1 12); do mkdir "$r"/d2/many/m$i; : >"$r"/d2/many/m$i/z; done
}

# Names find and treescan must carry through untouched: newlines, 0xff,
# spaces, a leading dash, backslashes.
make_odd_names() {
  local r=$1
  mkdir -p "$r"
  mkdir "$r"/$'new\nline'
  : >"$r"/$'new\nline'/$'in\nside'
  : >"$r"/$'bad\xff\xfe'
  mkdir "$r"/$'dir\xff'
  : >"$r"/$'dir\xff'/' spaced name '
  : >"$r"/'-dash'
  : >"$r"/'back\slash'
  : >"$r"/$'tab\there'
}

# Mount aiopp-testfs on $2 over the backing dir $1 with the remaining options;
# skips the case when FUSE is not usable.
mount_testfs() {
  local backing=$1 mnt=$2
  shift 2
  [[ -n ${AIOPP_TESTFS:-} && -x $AIOPP_TESTFS ]] || skip "aiopp-testfs not built"
  [[ -e /dev/fuse ]] || skip "no /dev/fuse"
  mkdir -p "$mnt"
  "$AIOPP_TESTFS" "$backing" "$mnt" "$@" >"$work/testfs.log" 2>&1 &
  local i
  for i in $(seq 100); do
    if grep -qF " $mnt " /proc/self/mountinfo; then
      mounts+=("$mnt")
      return 0
    fi
    sleep 0.1
  done
  cat "$work/testfs.log" >&2
  skip "aiopp-testfs did not mount"
}

cd "$work" || exit 1
# shellcheck source=/dev/null
source "$case_file"
if ((failures)); then
  echo "$(basename "$case_file"): $failures failure(s)"
  exit 1
fi
echo "$(basename "$case_file"): ok"
