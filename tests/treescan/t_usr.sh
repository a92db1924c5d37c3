# The same set of paths as GNU find on /usr (a real tree, ~150 000 entries),
# NUL-separated so that any name survives; and the -p summary counts them.
[[ -d /usr ]] || skip "no /usr"
"$TREESCAN" -0 /usr 2>err | sorted0 >got
find /usr \( -type d -printf '%p/\0' \) -o -printf '%p\0' 2>/dev/null | sorted0 >want
expect_same "/usr vs find" want got
[[ ! -s err ]] || fail "stderr: $(head -5 err)"
n=$(tr -cd '\0' <want | wc -c)
"$TREESCAN" -q -p /usr 2>summary
grep -q "treescan: $n entries" summary || fail "-p summary should say $n entries: $(tr '\r' '\n' <summary | tail -1)"
