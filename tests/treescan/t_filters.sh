# -d, -f, -g: the filters against find's -type d / ! -type d / -regex and
# against the Perl script.
make_mixed m
make_odd_names m/odd
find_listing m nul >all
"$TREESCAN" -0 -d m | sorted0 >got.d
find m -type d -printf '%p/\0' | sorted0 >want.d
expect_same "-d" want.d got.d
"$TREESCAN" -0 -f m | sorted0 >got.f
find m ! -type d -printf '%p\0' | sorted0 >want.f
expect_same "-f" want.f got.f
# -d and -f together list nothing (as in the Perl script)
[[ -z $("$TREESCAN" -d -f m) ]] || fail "-d -f listed something"

# -g is applied to the printed path, trailing '/' included, with /s
"$TREESCAN" -g 'd1/$' m | sorted >got.g1
printf 'm/d1/\n' >want.g1
expect_same "-g 'd1/\$'" want.g1 got.g1
"$TREESCAN" -0 -g '^m/odd/new.line' m | sorted0 >got.g2   # '.' matches the newline
printf 'm/odd/new\nline/\0m/odd/new\nline/in\nside\0' | sorted0 >want.g2
expect_same "-g with a newline matched by ." want.g2 got.g2
"$TREESCAN" -0 -g '\xff' m | sorted0 >got.g3                # raw bytes, no UTF-8 decoding
grep -zaP '\xff' all | sorted0 >want.g3
[[ -s want.g3 ]] || fail "no 0xff names in the tree?"
expect_same "-g on a non-UTF-8 byte" want.g3 got.g3
"$TREESCAN" -g '(?i)FILE\.TXT$' m | sorted >got.g4       # Perl syntax: inline flags
printf 'm/file.txt\n' >want.g4
expect_same "-g (?i)" want.g4 got.g4
"$TREESCAN" -f -g 'f1\d$' m | sorted >got.g5             # combined with -f
find m ! -type d -regextype posix-extended -regex '.*f1[0-9]' | sorted >want.g5
expect_same "-f -g" want.g5 got.g5
expect_status "bad regex" 2 "$TREESCAN" -g '(' m 2>/dev/null

if have_perl_treescan; then
  for args in "-d" "-f" "-g d1/\$" "-f -g f1\\d\$" "-d -g ^m/d"; do
    # shellcheck disable=SC2086
    /usr/bin/treescan -0 $args m | sorted0 >perl.out
    # shellcheck disable=SC2086
    "$TREESCAN" -0 $args m | sorted0 >ours.out
    expect_same "Perl treescan $args" perl.out ours.out
  done
fi
