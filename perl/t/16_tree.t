# aiopp's tree operations, which IO::AIO 4.80 lacks: aio_cptree and
# aio_mvtree (skipped when the module under test does not have them).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;

plan skip_all => "aio_cptree/aio_mvtree are aiopp additions (not in IO::AIO 4.80)"
    unless defined &IO::AIO::aio_cptree;

my $dir = tmpdir();
my $src = "$dir/src";

sub mktree {
    my ($d) = @_;
    mkdir $d or die;
    mkdir "$d/sub" or die;
    mkdir "$d/sub/deep" or die;
    spew("$d/a", "alpha");
    spew("$d/sub/b", "b" x 100000);
    spew("$d/sub/deep/c", "");
    symlink "a", "$d/link" or die;
    link "$d/a", "$d/hard" or die;
    system("mkfifo", "$d/fifo") == 0 or die;
    chmod 0751, "$d/sub";
    utime 1000, 2000, "$d/a";
}

# a listing of a tree: relative name, type, mode, size, mtime, link target, content
sub listing {
    my ($root) = @_;
    my @out;
    my $walk;
    $walk = sub {
        my ($rel) = @_;
        my $p = length $rel ? "$root/$rel" : $root;
        my @st = lstat $p or die "$p: $!";
        my $type = -l _ ? "l" : -d _ ? "d" : -p _ ? "p" : "f";
        my $what = $type eq "l" ? readlink $p : $type eq "f" ? slurp($p) : "";
        push @out, sprintf "%s %s %o %d %s", $rel, $type, $st[2] & 07777, $type eq "d" ? 0 : $st[9], $what;
        if ($type eq "d") {
            opendir my $dh, $p or die;
            $walk->(length $rel ? "$rel/$_" : $_) for sort grep { !/^\.\.?$/ } readdir $dh;
        }
    };
    $walk->("");
    \@out;
}

mktree($src);
my $want = listing($src);

{
    my (@args, $progress);
    IO::AIO::aio_cptree($src, "$dir/copy", { progress => sub { $progress = $_[0] } }, sub { @args = @_ });
    run_flush;
    is($args[0], 0, "aio_cptree: status 0");
    is_deeply(listing("$dir/copy"), $want, "the copy equals the source (types, modes, mtimes, contents)");
    is((stat "$dir/copy/a")[1], (stat "$dir/copy/hard")[1], "hard links stay hard links");
    my $s = $args[1];
    is(ref $s, "HASH", "statistics");
    is($s->{files}, 3, "three regular files (the hard link made as a link)");
    is($s->{dirs}, 3, "three directories");
    is($s->{symlinks}, 1, "one symlink");
    is($s->{hardlinks}, 1, "one hard link");
    ok($progress && $progress->{totals_final}, "progress was reported");
    is_deeply(listing($src), $want, "the source is unchanged");
}
{
    my (@args, $errno);
    IO::AIO::aio_cptree($src, "$dir/copy", sub { @args = @_; $errno = $! + 0 });
    run_flush;
    is($args[0], -1, "aio_cptree onto an existing destination: -1");
    errno_is($errno, "EEXIST", "existing destination");
    IO::AIO::aio_cptree("$dir/missing", "$dir/copy2", sub { @args = @_; $errno = $! + 0 });
    run_flush;
    errno_is($errno, "ENOENT", "missing source");
    ok(defined $args[1]{path}, "the failing path is reported");
}
{
    my @args;
    IO::AIO::aio_mvtree("$dir/copy", "$dir/moved", sub { @args = @_ });
    run_flush;
    is($args[0], 0, "aio_mvtree: status 0");
    ok($args[1]{renamed}, "moved by rename");
    ok(!-e "$dir/copy", "source gone");
    is_deeply(listing("$dir/moved"), $want, "destination complete");
}
SKIP: {
    my $other = "/dev/shm";
    skip "no second file system", 3 unless -d $other && -w $other && (stat $other)[0] != (stat $dir)[0];
    my $t = "$other/aiotest-mvtree-$$";
    my @args;
    IO::AIO::aio_mvtree("$dir/moved", $t, sub { @args = @_ });
    run_flush;
    is($args[0], 0, "aio_mvtree across file systems");
    ok(!$args[1]{renamed} && !-e "$dir/moved", "copied, then the source removed");
    is_deeply(listing($t), $want, "complete at the destination");
    system "rm", "-rf", $t;
}
{
    # cancelled: no callback
    my $called = 0;
    my $req = IO::AIO::aio_cptree($src, "$dir/cancelled", sub { $called++ });
    $req->cancel;
    run_flush;
    is($called, 0, "a cancelled aio_cptree does not call back");
    isa_ok($req, "IO::AIO::GRP");
}

done_testing;
