# Snapshot: the generated tree "mixed" and its expected listing
# (mixed.expected, sorted). The snapshot itself is checked against GNU find
# (mapped: directories get a '/') and, when installed, IO::AIO's Perl
# treescan, so it cannot drift from what those say.
make_mixed mixed
expected=$here/mixed.expected

"$TREESCAN" mixed | sorted >got
expect_same "treescan mixed vs snapshot" "$expected" got
find_listing mixed >find.out
expect_same "snapshot vs find" "$expected" find.out

# the same with jobs and threads at their extremes (order must not matter)
for opts in "-j1 --threads=1" "-j2 --threads=2" "-j64 --threads=32"; do
  # shellcheck disable=SC2086
  "$TREESCAN" $opts mixed | sorted >got.j
  expect_same "treescan $opts" "$expected" got.j
done

# path spellings: trailing slashes are dropped, "." and ./x are kept
"$TREESCAN" mixed/// | sorted >got.slash
expect_same "trailing slashes" "$expected" got.slash
(cd mixed && "$TREESCAN") | sorted >got.dot
(cd mixed && find_listing .) >find.dot
expect_same "default path ." find.dot got.dot
"$TREESCAN" ./mixed/d1 | sorted >got.rel
find_listing ./mixed/d1 >find.rel
expect_same "./mixed/d1" find.rel got.rel
# several roots: each listed in full
"$TREESCAN" mixed/d1 mixed/d2 | sorted >got.two
{ find_listing mixed/d1; find_listing mixed/d2; } | sorted >find.two
expect_same "two roots" find.two got.two
# a symlink to a directory as root is followed (as the Perl script does)
"$TREESCAN" mixed/link_dir | sorted >got.link
find_listing mixed/d1 | sed 's|^mixed/d1|mixed/link_dir|' | sorted >want.link
expect_same "symlink root" want.link got.link

if have_perl_treescan; then
  /usr/bin/treescan mixed | sorted >perl.out
  expect_same "snapshot vs Perl treescan" "$expected" perl.out
else
  note "Perl treescan not installed: not compared"
fi
