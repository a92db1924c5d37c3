# A filesystem without d_type (aiopp-testfs --no-dtype): treescan falls back to
# scandir's stat heuristics and still lists exactly what find lists in the
# backing directory; and with 1 ms per lookup it still finishes (overlapping
# requests; time printed, not asserted).
make_mixed b/m
make_odd_names b/odd
mount_testfs "$work/b" "$work/mnt" --no-dtype
"$TREESCAN" -0 mnt | sorted0 >got
(cd b && find . \( -type d -printf '%p/\0' \) -o -printf '%p\0') | sed -z 's|^\.|mnt|' | sorted0 >want
expect_same "--no-dtype vs find on the backing dir" want got
umount "$work/mnt"
mount_testfs "$work/b" "$work/mnt2" --no-dtype --latency-lookup=1000
start=$(date +%s.%N)
"$TREESCAN" -0 mnt2 | sorted0 >got2
end=$(date +%s.%N)
sed -z 's|^mnt|mnt2|' want | sorted0 >want2
expect_same "--no-dtype with 1 ms lookups" want2 got2
note "no d_type, 1 ms per lookup: $(echo "$end - $start" | bc) s for $(tr -cd '\0' <got2 | wc -c) entries"
