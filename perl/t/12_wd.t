# IO::AIO::WD: aio_wd, IO::AIO::CWD, [$wd, $path] pairs and a bare $wd
# for every path argument, the [$wd, "."] special cases of rename/rmdir.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Cwd ();
use Fcntl qw(O_RDONLY O_WRONLY O_CREAT);

my $dir = tmpdir();
mkdir "$dir/w" or die;
spew("$dir/w/file", "in wd");

my ($wd, $n);
aio_wd "$dir/w", sub { $n = @_; $wd = $_[0] };
run_flush;
is($n, 1, "aio_wd passes one argument");
isa_ok($wd, "IO::AIO::WD");

{
    my ($bad, $errno);
    aio_wd "$dir/missing", sub { $bad = $_[0]; $errno = $! + 0 };
    run_flush;
    ok(!defined $bad, "aio_wd of a missing directory: undef");
    errno_is($errno, "ENOENT", "aio_wd missing");
    aio_wd "$dir/w/file", sub { $bad = $_[0]; $errno = $! + 0 };
    run_flush;
    ok(!defined $bad, "aio_wd of a file: undef");
    errno_is($errno, "ENOTDIR", "aio_wd of a file");
}

sub one(&) {
    my ($submit) = @_;
    my (@a, $e);
    $submit->(sub { @a = @_; $e = $! + 0 });
    run_flush;
    (\@a, $e);
}
my ($a, $e);

# the working directory is kept by descriptor: chdir does not matter
{
    my $cwd = Cwd::getcwd();
    chdir "/" or die;
    ($a) = one { aio_stat [$wd, "file"], shift };
    is_deeply($a, [0], "aio_stat [\$wd, file] after chdir");
    chdir $cwd or die;
}

# every path-taking request with a [$wd, $path] pair
($a) = one { aio_stat [$wd, "file"], shift };
is_deeply($a, [0], "aio_stat");
($a) = one { aio_lstat [$wd, "file"], shift };
is_deeply($a, [0], "aio_lstat");
{
    my ($rc, $isd);
    aio_stat $wd, sub { $rc = $_[0]; $isd = -d _ };
    run_flush;
    ok($rc == 0 && $isd, "a bare \$wd is [\$wd, '.']");
}
{
    my $fh;
    ($a) = one { aio_open [$wd, "file"], O_RDONLY, 0, shift };
    $fh = $a->[0];
    is(scalar <$fh>, "in wd", "aio_open");
}
($a) = one { aio_open [$wd, "new"], O_WRONLY | O_CREAT, 0644, shift };
ok(-e "$dir/w/new", "aio_open O_CREAT");
($a) = one { aio_unlink [$wd, "new"], shift };
ok(!-e "$dir/w/new" && $a->[0] == 0, "aio_unlink");
($a) = one { aio_mkdir [$wd, "sub"], 0755, shift };
ok(-d "$dir/w/sub", "aio_mkdir");
($a) = one { aio_readdir $wd, shift };
is_deeply([sort @{ $a->[0] }], [qw(file sub)], "aio_readdir \$wd");
($a) = one { aio_readdirx [$wd, "."], 0, shift };
is_deeply([sort @{ $a->[0] }], [qw(file sub)], "aio_readdirx [\$wd, '.']");
($a) = one { aio_rmdir [$wd, "sub"], shift };
ok(!-e "$dir/w/sub", "aio_rmdir");
SKIP: {
    # IO::AIO 4.80 creates the link relative to the process working directory
    skip "IO::AIO 4.80 bug: aio_symlink ignores the wd of the new path", 1 unless ours();
    ($a) = one { aio_symlink "file", [$wd, "sym"], shift };
    is(readlink "$dir/w/sym", "file", "aio_symlink to [\$wd, path]");
}
symlink "file", "$dir/w/sym" unless -l "$dir/w/sym";
($a) = one { aio_readlink [$wd, "sym"], shift };
is_deeply($a, ["file"], "aio_readlink");
($a) = one { aio_realpath [$wd, "sym"], shift };
is_deeply($a, ["$dir/w/file"], "aio_realpath");
($a) = one { aio_realpath $wd, shift };
is_deeply($a, ["$dir/w"], "aio_realpath of a wd is its path");
($a) = one { aio_link [$wd, "file"], [$wd, "hard"], shift };
ok(-e "$dir/w/hard", "aio_link with two pairs");
($a) = one { aio_rename [$wd, "hard"], [$wd, "hard2"], shift };
ok(-e "$dir/w/hard2" && !-e "$dir/w/hard", "aio_rename with two pairs");
($a) = one { aio_rename2 [$wd, "hard2"], [$wd, "hard3"], 0, shift };
ok(-e "$dir/w/hard3", "aio_rename2");
($a) = one { aio_mknod [$wd, "fifo"], IO::AIO::S_IFIFO | 0600, 0, shift };
ok(-p "$dir/w/fifo", "aio_mknod");
($a) = one { aio_chmod [$wd, "file"], 0600, shift };
is((stat "$dir/w/file")[2] & 07777, 0600, "aio_chmod");
($a) = one { aio_chown [$wd, "file"], -1, -1, shift };
is_deeply($a, [0], "aio_chown");
($a) = one { aio_utime [$wd, "file"], 100, 200, shift };
is((stat "$dir/w/file")[9], 200, "aio_utime");
($a) = one { aio_truncate [$wd, "file"], 2, shift };
is(-s "$dir/w/file", 2, "aio_truncate");
($a) = one { aio_statvfs [$wd, "file"], shift };
is(ref $a->[0], "HASH", "aio_statvfs");
{
    my $d;
    ($a) = one { aio_load [$wd, "file"], $d, shift };
    is($d, "in", "aio_load");
    my $s;
    ($a) = one { aio_slurp [$wd, "file"], 0, 0, $s, shift };
    is($s, "in", "aio_slurp");
}
($a) = one { aio_copy [$wd, "file"], [$wd, "copy"], shift };
is(slurp("$dir/w/copy"), "in", "aio_copy");
($a) = one { aio_move [$wd, "copy"], [$wd, "moved"], shift };
ok(-e "$dir/w/moved" && !-e "$dir/w/copy", "aio_move");
($a) = one { aio_pathsync [$wd, "moved"], shift };
is_deeply($a, [0], "aio_pathsync");
($a) = one { aio_scandir $wd, 0, shift };
is_deeply([sort @{ $a->[1] }], [sort qw(file sym hard3 fifo moved)], "aio_scandir");
($a) = one { aio_wd [$wd, "."], shift };
isa_ok($a->[0], "IO::AIO::WD", "aio_wd of [\$wd, '.']");

# absolute paths ignore the wd
($a) = one { aio_stat [$wd, "$dir/w/file"], shift };
is_deeply($a, [0], "an absolute path ignores the wd");

# IO::AIO::CWD: as if no wd were given
isa_ok(IO::AIO::CWD, "IO::AIO::WD", "IO::AIO::CWD");
{
    my $cwd = Cwd::getcwd();
    chdir "$dir/w" or die;
    ($a) = one { aio_stat [IO::AIO::CWD, "file"], shift };
    is_deeply($a, [0], "[IO::AIO::CWD, path] is relative to the process working directory");
    ($a) = one { aio_realpath IO::AIO::CWD, shift };
    is_deeply($a, ["$dir/w"], "realpath of CWD");
    chdir $cwd or die;
}

# an undef wd (e.g. from a failed aio_wd) fails with ENOENT
($a, $e) = one { aio_stat [undef, "file"], shift };
is($a->[0], -1, "[undef, path]: -1");
errno_is($e, "ENOENT", "[undef, path]");
($a, $e) = one { aio_stat [undef, "/"], shift };
errno_is($e, "ENOENT", "[undef, absolute path] fails too");

# the path string is copied at submission
{
    my $p = [$wd, "file"];
    my @r;
    aio_stat $p, sub { $r[0] = $_[0] };
    $p->[1] = "missing";
    aio_stat $p, sub { $r[1] = $_[0] };
    run_flush;
    is_deeply(\@r, [0, -1], "the path array may be reused at once");
}

# rename and rmdir of [$wd, "."] act on the wd's directory itself
{
    mkdir "$dir/gone" or die;
    mkdir "$dir/renamed_from" or die;
    my ($w1, $w2);
    aio_wd "$dir/gone", sub { $w1 = $_[0] };
    aio_wd "$dir/renamed_from", sub { $w2 = $_[0] };
    run_flush;
    ($a) = one { aio_rmdir [$w1, "."], shift };
    is_deeply($a, [0], "aio_rmdir [\$wd, '.']");
    ok(!-e "$dir/gone", "removed the wd's directory");
    ($a) = one { aio_rename [$w2, "."], "$dir/renamed_to", shift };
    is_deeply($a, [0], "aio_rename [\$wd, '.']");
    ok(-d "$dir/renamed_to" && !-e "$dir/renamed_from", "renamed the wd's directory");
}

# argument checking
eval { aio_stat ["not a wd", "x"], sub {} };
like($@, qr/expected a working directory object/, "a string where a wd belongs croaks");
eval { aio_stat [1, 2, 3], sub {} };
like($@, qr/pathname arguments must be specified as a string, an IO::AIO::WD object or a \[IO::AIO::WD, path\] pair/,
     "an array of three croaks");
eval { aio_stat {}, sub {} };
like($@, qr/pathname arguments must be/, "a hash croaks");

done_testing;
