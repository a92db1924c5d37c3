# Names and attributes: unlink, mkdir, rmdir, link, symlink, readlink,
# realpath, rename, rename2, mknod, truncate, chmod, chown, utime — each
# checked on the file system with Perl's own calls.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Fcntl qw(:mode);

my $dir = tmpdir();

# run one request, return (callback args, errno)
sub req(&) {
    my ($submit) = @_;
    my (@args, $errno);
    $submit->(sub { @args = @_; $errno = $! + 0 });
    run_flush;
    (\@args, $errno);
}

# ---- unlink ------------------------------------------------------------------------------------
spew("$dir/u", "x");
my ($a, $e) = req { aio_unlink "$dir/u", shift };
is_deeply($a, [0], "aio_unlink: 0");
ok(!-e "$dir/u", "the file is gone");
($a, $e) = req { aio_unlink "$dir/u", shift };
is_deeply($a, [-1], "again: -1");
errno_is($e, "ENOENT", "aio_unlink of a missing file");

# ---- mkdir / rmdir --------------------------------------------------------------------------------
{
    my $old = umask 022;
    ($a) = req { aio_mkdir "$dir/d", 0777, shift };
    umask $old;
    is_deeply($a, [0], "aio_mkdir: 0");
    ok(-d "$dir/d", "the directory exists");
    is((stat "$dir/d")[2] & 07777, 0755, "mode modified by the umask");
    ($a, $e) = req { aio_mkdir "$dir/d", 0777, shift };
    is($a->[0], -1, "aio_mkdir of an existing directory: -1");
    errno_is($e, "EEXIST", "aio_mkdir exists");
    spew("$dir/d/f", "");
    ($a, $e) = req { aio_rmdir "$dir/d", shift };
    errno_is($e, "ENOTEMPTY", "aio_rmdir of a non-empty directory");
    unlink "$dir/d/f";
    ($a) = req { aio_rmdir "$dir/d", shift };
    is_deeply($a, [0], "aio_rmdir: 0");
    ok(!-e "$dir/d", "gone");
}

# ---- link / symlink / readlink ------------------------------------------------------------------------
spew("$dir/orig", "data");
($a) = req { aio_link "$dir/orig", "$dir/hard", shift };
is_deeply($a, [0], "aio_link: 0");
is((stat "$dir/hard")[1], (stat "$dir/orig")[1], "same inode");
is((stat "$dir/orig")[3], 2, "link count 2");
($a, $e) = req { aio_link "$dir/orig", "$dir/hard", shift };
errno_is($e, "EEXIST", "aio_link onto an existing name");

($a) = req { aio_symlink "orig", "$dir/sym", shift };
is_deeply($a, [0], "aio_symlink: 0");
is(readlink "$dir/sym", "orig", "the link holds the target verbatim");
($a) = req { aio_readlink "$dir/sym", shift };
is_deeply($a, ["orig"], "aio_readlink passes the target");
my $long = "x" x 3000;
symlink $long, "$dir/longsym" or die;
($a) = req { aio_readlink "$dir/longsym", shift };
is($a->[0], $long, "a long target");
($a, $e) = req { aio_readlink "$dir/orig", shift };
is(scalar @$a, 0, "aio_readlink of a non-symlink passes nothing");
errno_is($e, "EINVAL", "aio_readlink of a non-symlink");

# ---- realpath ------------------------------------------------------------------------------------------
mkdir "$dir/rp" or die;
symlink "$dir/rp", "$dir/rplink" or die;
($a) = req { aio_realpath "$dir/rplink/../rplink/./", shift };
is_deeply($a, ["$dir/rp"], "aio_realpath resolves symlinks, . and ..");
($a) = req { aio_realpath ".", shift };
is_deeply($a, [real_path(".")], "aio_realpath of . is the working directory");
($a) = req { aio_realpath "$dir/orig/", shift };
is_deeply($a, ["$dir/orig"], "a trailing slash after a file: the file's path (as IO::AIO 4.80)");
($a, $e) = req { aio_realpath "$dir/missing", shift };
is(scalar @$a, 0, "aio_realpath error: no arguments");
errno_is($e, "ENOENT", "aio_realpath of a missing path");

# ---- rename / rename2 -----------------------------------------------------------------------------------
spew("$dir/r1", "one");
($a) = req { aio_rename "$dir/r1", "$dir/r2", shift };
is_deeply($a, [0], "aio_rename: 0");
ok(!-e "$dir/r1" && slurp("$dir/r2") eq "one", "renamed");
($a, $e) = req { aio_rename "$dir/r1", "$dir/r3", shift };
errno_is($e, "ENOENT", "aio_rename of a missing file");
spew("$dir/r3", "three");
($a, $e) = req { aio_rename2 "$dir/r2", "$dir/r3", IO::AIO::RENAME_NOREPLACE, shift };
is($a->[0], -1, "RENAME_NOREPLACE onto an existing file: -1");
errno_is($e, "EEXIST", "RENAME_NOREPLACE");
($a) = req { aio_rename2 "$dir/r2", "$dir/r3", IO::AIO::RENAME_EXCHANGE, shift };
is_deeply($a, [0], "RENAME_EXCHANGE");
is(slurp("$dir/r3") . slurp("$dir/r2"), "onethree", "contents exchanged");
($a) = req { aio_rename2 "$dir/r2", "$dir/r4", 0, shift };
is_deeply($a, [0], "aio_rename2 with flags 0 is aio_rename");
ok(-e "$dir/r4" && !-e "$dir/r2", "renamed");

# ---- mknod --------------------------------------------------------------------------------------------------
($a) = req { aio_mknod "$dir/fifo", IO::AIO::S_IFIFO | 0600, 0, shift };
is_deeply($a, [0], "aio_mknod S_IFIFO: 0");
ok(-p "$dir/fifo", "a FIFO was made");
is((stat "$dir/fifo")[2] & 07777, 0600, "with the mode");

# ---- truncate -------------------------------------------------------------------------------------------------
spew("$dir/t", "0123456789");
($a) = req { aio_truncate "$dir/t", 4, shift };
is_deeply($a, [0], "aio_truncate: 0");
is(slurp("$dir/t"), "0123", "truncated");
{
    open my $fh, "+<", "$dir/t" or die;
    ($a) = req { aio_truncate $fh, 8, shift };
    is_deeply($a, [0], "aio_truncate on a handle");
    is(-s "$dir/t", 8, "extended");
    ($a, $e) = req { no warnings; aio_truncate $fh, undef, shift };
    is($a->[0], -1, "an undef length fails");
    errno_is($e, "EINVAL", "undef length");
}
($a, $e) = req { aio_truncate "$dir/missing", 0, shift };
errno_is($e, "ENOENT", "aio_truncate of a missing file");

# ---- chmod ---------------------------------------------------------------------------------------------------
($a) = req { aio_chmod "$dir/t", 0640, shift };
is_deeply($a, [0], "aio_chmod: 0");
is((stat "$dir/t")[2] & 07777, 0640, "mode set");
{
    open my $fh, "<", "$dir/t" or die;
    ($a) = req { aio_chmod $fh, 0604, shift };
    is((stat "$dir/t")[2] & 07777, 0604, "aio_chmod on a handle");
}
($a, $e) = req { aio_chmod "$dir/missing", 0600, shift };
errno_is($e, "ENOENT", "aio_chmod of a missing file");

# ---- chown (as root: any owner; otherwise only the no-change case) ------------------------------------------
SKIP: {
    skip "aio_chown to other owners needs root", 4 if $> != 0;
    ($a) = req { aio_chown "$dir/t", 1234, 5678, shift };
    is_deeply($a, [0], "aio_chown: 0");
    is(join(":", (stat "$dir/t")[4, 5]), "1234:5678", "owner and group set");
    ($a) = req { aio_chown "$dir/t", undef, 4321, shift };
    is(join(":", (stat "$dir/t")[4, 5]), "1234:4321", "undef uid: unchanged");
    open my $fh, "<", "$dir/t" or die;
    ($a) = req { aio_chown $fh, 42, -1, shift };
    is(join(":", (stat "$dir/t")[4, 5]), "42:4321", "on a handle; -1 gid: unchanged");
}
{
    my @before = (stat "$dir/t")[4, 5];
    ($a) = req { aio_chown "$dir/t", undef, undef, shift };
    is_deeply($a, [0], "aio_chown undef, undef: 0");
    is_deeply([(stat "$dir/t")[4, 5]], \@before, "nothing changed");
}

# ---- utime ----------------------------------------------------------------------------------------------------
spew("$dir/ut", "");
($a) = req { aio_utime "$dir/ut", 1000, 2000, shift };
is_deeply($a, [0], "aio_utime: 0");
is(join(" ", (stat "$dir/ut")[8, 9]), "1000 2000", "atime and mtime set");
{
    my $t0 = time;
    ($a) = req { aio_utime "$dir/ut", undef, undef, shift };
    my ($at, $mt) = (stat "$dir/ut")[8, 9];
    ok($at >= $t0 - 1 && $at <= time + 1 && $mt >= $t0 - 1, "undef, undef: now (like Perl's utime)");
}
{
    # IO::AIO 4.80 passes a single undef as the time -1
    ($a) = req { aio_utime "$dir/ut", 3000, undef, shift };
    is(join(" ", (stat "$dir/ut")[8, 9]), "3000 -1", "one undef: that time becomes -1");
}
{
    ($a) = req { aio_utime "$dir/ut", 1.5, 2.25, shift };
    my ($an, $mn);
    aio_stat "$dir/ut", sub { $an = IO::AIO::st_atimensec; $mn = IO::AIO::st_mtimensec };
    run_flush;
    is("$an $mn", "500000000 250000000", "fractional times");
    open my $fh, "<", "$dir/ut" or die;
    ($a) = req { aio_utime $fh, 5000, 6000, shift };
    is(join(" ", (stat "$dir/ut")[8, 9]), "5000 6000", "aio_utime on a handle");
}
($a, $e) = req { aio_utime "$dir/missing", 1, 1, shift };
errno_is($e, "ENOENT", "aio_utime of a missing file");

done_testing;
