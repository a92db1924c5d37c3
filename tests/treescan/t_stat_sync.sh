# -s and --sync on a small tree: the listing is unchanged, and strace shows
# the calls they promise (an lstat per entry; an fsync per regular file and
# per directory, nothing opened through a symlink or a fifo). strace sees
# system calls only, so the traced runs use the worker pool: what io_uring
# runs never enters the kernel as a syscall (the listings above and the -p
# count below cover the default executor).
command -v strace >/dev/null || skip "strace not installed"
make_mixed s
"$TREESCAN" s | sorted >plain
"$TREESCAN" -s s | sorted >got.s
expect_same "-s listing" plain got.s
"$TREESCAN" --sync s | sorted >got.sync
expect_same "--sync listing" plain got.sync
entries=$(($(find s | wc -l) - 1))
regular=$(find s -type f | wc -l)
dirs=$(find s -type d | wc -l)

AIOPP_EXECUTOR=pool strace -f -qq -e trace=statx,newfstatat,lstat -o trace.s "$TREESCAN" -q -s s
# each entry below the root once, with AT_SYMLINK_NOFOLLOW
n=$(grep -c 'AT_SYMLINK_NOFOLLOW' trace.s)
((n >= entries)) || fail "-s: $n lstat calls for $entries entries"
AIOPP_EXECUTOR=pool strace -f -qq -e trace=statx,newfstatat,lstat -o trace.q "$TREESCAN" -q s
n=$(grep -c 'AT_SYMLINK_NOFOLLOW' trace.q)
((n == 0)) || fail "without -s: $n lstat calls (d_type should be enough)"

AIOPP_EXECUTOR=pool strace -f -qq -e trace=fsync,openat -o trace.sync "$TREESCAN" -q --sync s
n=$(grep -c '^[0-9]* *fsync(' trace.sync)
((n == regular + dirs)) || fail "--sync: $n fsync calls, want $regular files + $dirs dirs"
grep -E 'openat\(.*"(fifo|link_dir|link_file|dangling|loop)"' trace.sync &&
  fail "--sync opened a fifo or a symlink"

"$TREESCAN" -q -s -p s 2>progress.err
grep -q " $entries stats" progress.err || fail "-p should count $entries stats: $(cat progress.err)"
