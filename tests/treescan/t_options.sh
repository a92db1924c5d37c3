# The command line, as Getopt::Long with bundling / require_order parses it.
make_mixed o
"$TREESCAN" o | sorted >plain
"$TREESCAN" -qp o >out 2>err
[[ ! -s out ]] || fail "-qp printed a listing"
grep -q '^treescan: 76 entries' err || fail "-qp summary: $(tr '\r' '\n' <err | tail -1)"
for args in "-j8" "-j 8" "--jobs=8" "--jobs 8" "--jo=3" "--threads=2" "-j1 --threads 1"; do
  # shellcheck disable=SC2086
  "$TREESCAN" $args o | sorted >got
  expect_same "$args" plain got
done
"$TREESCAN" -gd1/\$ o >got.g && [[ $(cat got.g) == "o/d1/" ]] || fail "-gRE bundled"
"$TREESCAN" --grep=d1/\$ o >got.g2 && [[ $(cat got.g2) == "o/d1/" ]] || fail "--grep=RE"
"$TREESCAN" --gr d1/\$ o >got.g3 && [[ $(cat got.g3) == "o/d1/" ]] || fail "--gr RE (abbreviated)"
"$TREESCAN" -fd0q o >got.b && [[ ! -s got.b ]] || fail "-fd0q bundle"
# require_order: options after the first path are paths
"$TREESCAN" o/d1 -q >got.r 2>err.r
[[ $? == 1 ]] || fail "require_order: status"
grep -qxF -- '-q: No such file or directory' err.r || fail "require_order: $(cat err.r)"
# "--" ends the options
mkdir -- -x
"$TREESCAN" -- -x >got.dd && [[ $(cat got.dd) == "-x/" ]] || fail "--: $(cat got.dd)"
# usage errors: status 2 and a hint
expect_status "unknown option" 2 "$TREESCAN" --nope o 2>/dev/null
expect_status "unknown short option" 2 "$TREESCAN" -z o 2>/dev/null
expect_status "missing value" 2 "$TREESCAN" -g 2>/dev/null
expect_status "bad -j" 2 "$TREESCAN" -j 0 o 2>/dev/null
expect_status "bad --jobs" 2 "$TREESCAN" --jobs=x o 2>/dev/null
expect_status "ambiguous" 2 "$TREESCAN" --s o 2>/dev/null   # --stat or --sync
expect_status "value on a flag" 2 "$TREESCAN" --quiet=1 o 2>/dev/null
"$TREESCAN" --nope 2>usage.err
grep -q 'Usage: try treescan --help' usage.err || fail "usage hint: $(cat usage.err)"
# --help and --version
"$TREESCAN" --help >help && grep -q -- '--print0' help || fail "--help"
expect_status "--help" 0 "$TREESCAN" --help >/dev/null
"$TREESCAN" --version | grep -q '^treescan (aiopp) ' || fail "--version"
