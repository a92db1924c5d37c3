# aio_readdir, aio_readdirx (flags, entry format), aio_scandir and
# aio_rmtree, checked against Perl's readdir and lstat.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;

my $dir = tmpdir();
mkdir "$dir/d$_" or die for 1 .. 3;
spew("$dir/f$_", "") for 1 .. 5;
spew("$dir/.hidden", "");
symlink "d1", "$dir/dirlink" or die;
symlink "f1", "$dir/filelink" or die;
symlink "nowhere", "$dir/dangling" or die;
mkfifo("$dir/fifo");

sub mkfifo { system("mkfifo", $_[0]) == 0 or die }

sub perl_readdir {
    my ($d) = @_;
    opendir my $dh, $d or die;
    sort grep { $_ ne "." && $_ ne ".." } readdir $dh;
}
my @all = perl_readdir($dir);

# ---- aio_readdir ------------------------------------------------------------------------------
{
    my ($n, $list);
    aio_readdir $dir, sub { $n = @_; $list = $_[0] };
    run_flush;
    is($n, 1, "aio_readdir passes one argument");
    is_deeply([sort @$list], \@all, "the entries of readdir, without . and ..");
    my ($u, $errno);
    aio_readdir "$dir/missing", sub { $n = @_; $u = $_[0]; $errno = $! + 0 };
    run_flush;
    ok($n == 1 && !defined $u, "error: undef");
    errno_is($errno, "ENOENT", "aio_readdir of a missing directory");
    aio_readdir "$dir/f1", sub { $errno = $! + 0 };
    run_flush;
    errno_is($errno, "ENOTDIR", "aio_readdir of a file");
    mkdir "$dir/empty";
    aio_readdir "$dir/empty", sub { $list = $_[0] };
    run_flush;
    is_deeply($list, [], "an empty directory: []");
    rmdir "$dir/empty";
}

# ---- aio_readdirx -------------------------------------------------------------------------------
sub rdx {
    my ($flags) = @_;
    my @a;
    aio_readdirx $dir, $flags, sub { @a = @_ };
    run_flush;
    @a;
}
{
    my ($names, $flags) = rdx(0);
    is_deeply([sort @$names], \@all, "readdirx 0: names");
    ok($flags & IO::AIO::READDIR_DENTS, "returned flags include READDIR_DENTS (IO::AIO 4.80)");
}
{
    my ($ents, $flags) = rdx(IO::AIO::READDIR_DENTS);
    is(scalar @$ents, scalar @all, "READDIR_DENTS: one entry per name");
    my %type = (S_IFDIR => IO::AIO::DT_DIR, S_IFREG => IO::AIO::DT_REG, S_IFLNK => IO::AIO::DT_LNK,
                S_IFIFO => IO::AIO::DT_FIFO);
    my $ok = 1;
    for my $e (@$ents) {
        my ($name, $type, $ino) = @$e;
        my @st = lstat "$dir/$name";
        $ok = 0, diag "ino of $name" unless $ino == $st[1];
        my $want = -l _ ? IO::AIO::DT_LNK : -d _ ? IO::AIO::DT_DIR : -p _ ? IO::AIO::DT_FIFO : IO::AIO::DT_REG;
        $ok = 0, diag "type of $name: $type" unless $type == $want || $type == IO::AIO::DT_UNKNOWN;
    }
    ok($ok, "each entry is [name, DT_ type, inode] as lstat says");
    is_deeply([sort map $_->[0], @$ents], \@all, "all names");
    my $unknown = grep { $_->[1] == IO::AIO::DT_UNKNOWN } @$ents;
    is(!!($flags & IO::AIO::READDIR_FOUND_UNKNOWN), !!$unknown, "READDIR_FOUND_UNKNOWN iff a type was unknown");
    eval { $ents->[0][1] = 99 };
    like($@, qr/read-only/, "the type scalars are read-only");
}
{
    my ($ents, $flags) = rdx(IO::AIO::READDIR_DENTS | IO::AIO::READDIR_DIRS_FIRST);
    ok($flags & IO::AIO::READDIR_DIRS_FIRST, "flags passed back");
    my @types = map $_->[1], @$ents;
    my $first_other = (grep { $types[$_] != IO::AIO::DT_DIR } 0 .. $#types)[0] // scalar @types;
    my $dirs_after = grep { $types[$_] == IO::AIO::DT_DIR } $first_other .. $#types;
    SKIP: {
        skip "this file system does not report types", 1 if $flags & IO::AIO::READDIR_FOUND_UNKNOWN;
        is($dirs_after, 0, "READDIR_DIRS_FIRST: directories come first");
        is($first_other, 3, "all three directories");
    }
}
{
    my ($names) = rdx(IO::AIO::READDIR_STAT_ORDER);
    is_deeply([sort @$names], \@all, "READDIR_STAT_ORDER: the same names");
    my ($n2) = rdx(IO::AIO::READDIR_DIRS_FIRST);
    is(ref $n2->[0], "", "without READDIR_DENTS: plain names");
}
{
    my ($u, $flags, $n, $errno);
    aio_readdirx "$dir/missing", IO::AIO::READDIR_DIRS_FIRST, sub { $n = @_; ($u, $flags) = @_; $errno = $! + 0 };
    run_flush;
    ok(!defined $u, "aio_readdirx error: undef entries");
    is($n, 2, "still two arguments");
    ok($flags & IO::AIO::READDIR_DIRS_FIRST, "flags passed");
    errno_is($errno, "ENOENT", "aio_readdirx of a missing directory");
}

# ---- aio_scandir ------------------------------------------------------------------------------------
{
    my @want_dirs = sort grep { -d "$dir/$_" && !-l "$dir/$_" } @all;
    my @want_non = sort grep { !(-d "$dir/$_" && !-l "$dir/$_") } @all;
    for my $maxreq (0, 1, 8) {
        my ($n, $dirs, $non);
        aio_scandir $dir, $maxreq, sub { $n = @_; ($dirs, $non) = @_ };
        run_flush;
        is($n, 2, "aio_scandir maxreq $maxreq: two array refs");
        is_deeply([sort @$dirs], \@want_dirs, "real directories (not symlinks to them)");
        is_deeply([sort @$non], \@want_non, "everything else");
    }
    my ($n, $errno) = (-1);
    aio_scandir "$dir/missing", 0, sub { $n = @_; $errno = $! + 0 };
    run_flush;
    is($n, 0, "aio_scandir error: no arguments");
    errno_is($errno, "ENOENT", "aio_scandir of a missing directory");

    # a directory whose link count says nothing about subdirectories
    mkdir "$dir/only_files" or die;
    spew("$dir/only_files/$_", "") for qw(a b c);
    my ($d2, $n2);
    aio_scandir "$dir/only_files", 0, sub { ($d2, $n2) = @_ };
    run_flush;
    is_deeply([$d2, [sort @$n2]], [[], [qw(a b c)]], "no subdirectories");
    my $wd_result;
    aio_wd $dir, sub {
        aio_scandir [$_[0], "d1"], 0, sub { $wd_result = \@_ };
    };
    run_flush;
    is_deeply($wd_result, [[], []], "aio_scandir with a [wd, path] pair");
}

# the Perl version of aio_scandir (used when the C++ library has none), on
# the path for file systems without d_type (link counts and stat)
SKIP: {
    skip "no Perl aio_scandir here", 6 unless defined &IO::AIO::_pl_scandir;
    local $IO::AIO::_SCANDIR_NO_TYPES = 1;
    my @now = perl_readdir($dir);
    my @want_dirs = sort grep { -d "$dir/$_" && !-l "$dir/$_" } @now;
    my @want_non = sort grep { !(-d "$dir/$_" && !-l "$dir/$_") } @now;
    for my $maxreq (1, 4) {
        my ($dirs, $non);
        IO::AIO::_pl_scandir($dir, $maxreq, sub { ($dirs, $non) = @_ });
        run_flush;
        is_deeply([sort @$dirs], \@want_dirs, "Perl scandir by stat (maxreq $maxreq): directories");
        is_deeply([sort @$non], \@want_non, "... and the rest");
    }
    my ($d, $n);
    IO::AIO::_pl_scandir("$dir/only_files", 0, sub { ($d, $n) = @_ });
    run_flush;
    is_deeply([$d, [sort @$n]], [[], [qw(a b c)]], "link count 2: no stat needed");
    my $cnt = -1;
    IO::AIO::_pl_scandir("$dir/missing", 0, sub { $cnt = @_ });
    run_flush;
    is($cnt, 0, "error: no arguments");
}

# ---- aio_rmtree --------------------------------------------------------------------------------------
{
    my $t = "$dir/tree";
    mkdir $t;
    mkdir "$t/a";
    mkdir "$t/a/b";
    spew("$t/a/b/file", "x");
    spew("$t/top", "x");
    symlink "$dir/d1", "$t/link_to_dir" or die;
    my $rc;
    aio_rmtree $t, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_rmtree: 0");
    ok(!-e $t && !-l $t, "the tree is gone");
    ok(-d "$dir/d1", "a symlinked directory outside is untouched");
    my $errno;
    aio_rmtree "$dir/missing", sub { $rc = $_[0]; $errno = $! + 0 };
    run_flush;
    is($rc, -1, "aio_rmtree of a missing directory: -1");
    errno_is($errno, "ENOENT", "aio_rmtree missing");
}

done_testing;
