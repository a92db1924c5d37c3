# aio_open (new Perl handles with the right mode) and aio_close (the
# descriptor is closed by dup2'ing a dead pipe over it; its number stays
# taken until Perl closes the handle).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Fcntl qw(O_RDONLY O_WRONLY O_RDWR O_CREAT O_EXCL O_TRUNC O_APPEND SEEK_SET);

my $dir = tmpdir();
spew("$dir/f", "line one\nline two\n");

sub open_ {
    my ($path, $flags, $mode) = @_;
    my ($fh, $errno, $n);
    aio_open $path, $flags, $mode, sub { $n = @_; $fh = $_[0]; $errno = $! + 0 };
    run_flush;
    ($fh, $errno, $n);
}

{
    my ($fh, undef, $n) = open_("$dir/f", O_RDONLY, 0);
    is($n, 1, "aio_open passes one argument");
    ok($fh, "aio_open O_RDONLY gives a handle");
    is(ref(\$fh), "GLOB", "a glob");
    ok(defined fileno $fh, "with a descriptor");
    is(scalar <$fh>, "line one\n", "readable with Perl's I/O");
    my $w = do { local $SIG{__WARN__} = sub {}; print $fh "x" };
    ok(!$w, "not writable");
    is((stat $fh)[1], (stat "$dir/f")[1], "it is the file");
    close $fh;
}
{
    my $old = umask 022;
    my ($fh) = open_("$dir/new", O_WRONLY | O_CREAT | O_TRUNC, 0666);
    umask $old;
    ok($fh, "O_CREAT creates");
    ok((print $fh "written"), "writable");
    close $fh;
    is(slurp("$dir/new"), "written", "the data arrived");
    is((stat "$dir/new")[2] & 07777, 0644, "mode is modified by the umask");
}
{
    my ($fh) = open_("$dir/f", O_RDWR, 0);
    ok($fh, "O_RDWR");
    is(scalar <$fh>, "line one\n", "readable");
    seek $fh, 0, SEEK_SET;
    ok((print $fh "LINE"), "and writable");
    close $fh;
    like(slurp("$dir/f"), qr/^LINE one/, "wrote");
}
{
    my ($fh) = open_("$dir/f", O_WRONLY | O_APPEND, 0);
    print $fh "tail\n";
    close $fh;
    like(slurp("$dir/f"), qr/tail\n\z/, "O_APPEND");
}
{
    my ($fh, $errno, $n) = open_("$dir/f", O_WRONLY | O_CREAT | O_EXCL, 0600);
    ok(!defined $fh && $n == 1, "O_EXCL on an existing file: undef");
    errno_is($errno, "EEXIST", "O_EXCL");
    ($fh, $errno) = open_("$dir/missing", O_RDONLY, 0);
    ok(!defined $fh, "a missing file: undef");
    errno_is($errno, "ENOENT", "missing file");
    ($fh, $errno) = open_("$dir/f/x", O_RDONLY, 0);
    errno_is($errno, "ENOTDIR", "through a file");
}

# ---- aio_close -------------------------------------------------------------------------------
{
    open my $fh, "<", "$dir/f" or die;
    my $fd = fileno $fh;
    my ($rc, $n);
    aio_close $fh, sub { $n = @_; $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_close: 0");
    is($n, 1, "one argument");
    is(fileno $fh, $fd, "the handle keeps its descriptor number");
    ok(-p $fh, "which now refers to a pipe");
    isnt((stat $fh)[1], (stat "$dir/f")[1], "not to the file any more");
    my $got = sysread $fh, my $buf, 10;
    is($got, 0, "reading it gives end of file (the pipe's writer is closed)");
    open my $other, "<", "$dir/f" or die;
    isnt(fileno $other, $fd, "the number is not reused while the handle is open");
    ok(close($fh), "Perl can still close the handle");
}
{
    # the file is really closed: an exclusive lease/lock is gone
    open my $fh, ">>", "$dir/locked" or die;
    flock $fh, 2 or die;
    aio_close $fh, sub {};
    run_flush;
    open my $fh2, ">>", "$dir/locked" or die;
    ok(flock($fh2, 6), "a lock held through the descriptor is released (the file was closed)");
}
{
    eval { no warnings; aio_close undef, sub {} };
    like($@, qr/illegal fh argument/, "aio_close undef croaks");
}

done_testing;
