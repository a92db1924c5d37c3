# -0: names with newlines, non-UTF-8 bytes, spaces, tabs, a leading dash,
# backslashes — the NUL-separated listing equals find -print0's (mapped).
make_odd_names odd
make_mixed odd/mixed
"$TREESCAN" -0 odd | sorted0 >got
find_listing odd nul >want
expect_same "-0 vs find" want got
# every record ends in NUL, none in newline
[[ $(tail -c1 got | od -An -c | tr -d ' ') == '\0' ]] || fail "-0: last record not NUL-terminated"
n_nul=$(tr -cd '\0' <got | wc -c)
n_entries=$(find odd | wc -l)  # counts lines, inflated by newline names
n_find=$(find odd -printf '.' | wc -c)
[[ $n_nul == "$n_find" ]] || fail "-0: $n_nul records, find has $n_find entries"
[[ $n_entries -gt $n_find ]] || fail "the tree should contain names with newlines"
# without -0 the same bytes, newline-terminated
"$TREESCAN" odd | cmp -s - <(tr '\0' '\n' <got) && note "(order happened to match)"
"$TREESCAN" odd | wc -c >bytes.nl
[[ $(cat bytes.nl) == "$(wc -c <got)" ]] || fail "-0 and newline listings differ in size"
# -q wins over -0 (the manual: -q disables printing completely)
[[ -z $("$TREESCAN" -q -0 odd | head -c1 | od -An -c) ]] || fail "-q -0 printed something"
if have_perl_treescan; then
  /usr/bin/treescan -0 odd | sorted0 >perl.out
  expect_same "-0 vs Perl treescan" perl.out got
fi
