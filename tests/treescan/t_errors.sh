# Errors: a message per unreadable directory, the scan goes on, exit status 1.
# Tests run as root (which reads anything), so the unreadable case runs as
# nobody; the FUSE test filesystem injects EACCES into one READDIR as well.
make_mixed e
mkdir -p e/locked/inner e/d2/closed
: >e/locked/inner/secret
chmod 700 e/locked e/d2/closed
mkdir -p e/open && chmod 755 e/open

if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
  nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  nobody "$TREESCAN" e >got 2>err
  status=$?
  [[ $status == 1 ]] || fail "unreadable directories: exit status $status, want 1"
  grep -qxF 'e/locked/: Permission denied' err || fail "no message for e/locked: $(cat err)"
  grep -qxF 'e/d2/closed/: Permission denied' err || fail "no message for e/d2/closed: $(cat err)"
  [[ $(wc -l <err) == 2 ]] || fail "expected exactly 2 messages: $(cat err)"
  # the listing is what find lists as the same user (find lists the
  # unreadable directories themselves, and so do we)
  sorted <got >got.sorted
  nobody find e \( -type d -printf '%p/\n' \) -o -printf '%p\n' 2>/dev/null | sorted >want
  expect_same "listing as nobody vs find" want got.sorted
  # an unreadable root: listed, reported, status 1
  nobody "$TREESCAN" e/locked >got.root 2>err.root
  [[ $? == 1 ]] || fail "unreadable root: status"
  [[ $(cat got.root) == "e/locked/" ]] || fail "unreadable root listing: $(cat got.root)"
  grep -qxF 'e/locked/: Permission denied' err.root || fail "unreadable root: $(cat err.root)"
else
  note "not root: unprivileged case skipped"
fi

# missing paths and files as roots: a message each (the Perl script's
# format), the other roots are still scanned, status 1
"$TREESCAN" e/missing e/d1 e/file.txt >got.mixed 2>err.mixed
[[ $? == 1 ]] || fail "missing root: status"
grep -qxF 'e/missing: No such file or directory' err.mixed || fail "missing: $(cat err.mixed)"
grep -qxF 'e/file.txt: Not a directory' err.mixed || fail "file root: $(cat err.mixed)"
find_listing e/d1 >want.d1
sorted <got.mixed >got.d1
expect_same "scan goes on after a bad root" want.d1 got.d1
if have_perl_treescan; then
  /usr/bin/treescan e/missing e/file.txt 2>perl.err >/dev/null
  sorted <perl.err >perl.err.s
  grep -v '^e/d1' err.mixed | sorted >ours.err.s
  expect_same "messages as the Perl script's" perl.err.s ours.err.s
fi

# a clean scan exits 0 with nothing on stderr
"$TREESCAN" e/d1 >/dev/null 2>err.clean
[[ $? == 0 && ! -s err.clean ]] || fail "clean scan: status or stderr: $(cat err.clean)"

# EACCES injected into one directory's READDIR by aiopp-testfs
if [[ -n ${AIOPP_TESTFS:-} ]]; then
  mkdir -p fsb && cp -a e/d1 e/d2 fsb/ 2>/dev/null
  chmod 755 fsb/d2/closed
  mount_testfs "$work/fsb" "$work/mnt" --fail=readdir:/d2/many/m3:EACCES
  "$TREESCAN" mnt >got.fs 2>err.fs
  [[ $? == 1 ]] || fail "injected EACCES: status"
  [[ $(cat err.fs) == "mnt/d2/many/m3/: Permission denied" ]] || fail "injected: $(cat err.fs)"
  find_listing mnt 2>/dev/null | grep -v '^mnt/d2/many/m3/z$' >want.fs
  sorted <got.fs >got.fs.s
  expect_same "listing with one unreadable directory (FUSE)" want.fs got.fs.s
fi
