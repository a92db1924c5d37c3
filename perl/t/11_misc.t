# The remaining requests and the synchronous helpers: sync family,
# allocate, fiemap, fcntl/ioctl, busy, and IO::AIO::sendfile, fadvise,
# splice, tee, pipesize, pipe2, eventfd, memfd_create, fd limits, timerfd.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Fcntl qw(F_GETFL F_GETFD FD_CLOEXEC O_NONBLOCK SEEK_SET);

my $dir = tmpdir();
spew("$dir/f", "0123456789" x 1000);
open my $fh, "+<", "$dir/f" or die;

sub one(&) {
    my ($submit) = @_;
    my (@a, $e);
    $submit->(sub { @a = @_; $e = $! + 0 });
    run_flush;
    (\@a, $e);
}

# ---- sync family ------------------------------------------------------------------------
my ($a, $e);
($a) = one { aio_sync shift };
is_deeply($a, [0], "aio_sync");
($a) = one { aio_fsync $fh, shift };
is_deeply($a, [0], "aio_fsync");
($a) = one { aio_fdatasync $fh, shift };
is_deeply($a, [0], "aio_fdatasync");
($a) = one { aio_syncfs $fh, shift };
is_deeply($a, [0], "aio_syncfs");
($a) = one { aio_sync_file_range $fh, 0, 100, IO::AIO::SYNC_FILE_RANGE_WRITE, shift };
is_deeply($a, [0], "aio_sync_file_range");
{
    pipe my $r, my $w or die;
    ($a, $e) = one { aio_fsync $r, shift };
    is($a->[0], -1, "aio_fsync of a pipe: -1");
    errno_is($e, "EINVAL", "aio_fsync of a pipe");
}

# ---- allocate ----------------------------------------------------------------------------
SKIP: {
    spew("$dir/alloc", "");
    open my $al, "+<", "$dir/alloc" or die;
    ($a, $e) = one { aio_allocate $al, 0, 0, 65536, shift };
    skip "fallocate not supported here", 3 if $a->[0] == -1 && ($e == Errno::EOPNOTSUPP() || $e == Errno::ENOSYS());
    is_deeply($a, [0], "aio_allocate");
    is(-s "$dir/alloc", 65536, "the file grew");
    ($a) = one { aio_allocate $al, IO::AIO::FALLOC_FL_KEEP_SIZE, 65536, 65536, shift };
    is(-s "$dir/alloc", 65536, "FALLOC_FL_KEEP_SIZE keeps the size");
}

# ---- fiemap ----------------------------------------------------------------------------------------
SKIP: {
    IO::AIO::fadvise($fh, 0, 0, IO::AIO::FADV_NORMAL);
    ($a, $e) = one { aio_fiemap $fh, 0, undef, IO::AIO::FIEMAP_FLAG_SYNC, undef, shift };
    skip "FIEMAP not supported here", 4 if !@$a && ($e == Errno::EOPNOTSUPP() || $e == Errno::ENOTTY());
    is(ref $a->[0], "ARRAY", "aio_fiemap: an array of extents");
    my $total = 0;
    $total += $_->[2] for @{ $a->[0] };
    ok($total >= 10000, "extents cover the file ($total bytes)");
    ok((grep { @$_ == 4 } @{ $a->[0] }) == @{ $a->[0] }, "each [logical, physical, length, flags]");
    ($a) = one { aio_fiemap $fh, 0, undef, 0, 0, shift };
    like($a->[0], qr/^\d+$/, "count 0: the number of extents");
}
{
    pipe my $r, my $w or die;
    ($a, $e) = one { aio_fiemap $r, 0, undef, 0, undef, shift };
    is(scalar @$a, 0, "aio_fiemap error: no arguments");
}

# ---- fcntl / ioctl ---------------------------------------------------------------------------------
{
    ($a) = one { aio_fcntl $fh, F_GETFD, 0, shift };
    is($a->[0] & FD_CLOEXEC, FD_CLOEXEC, "aio_fcntl F_GETFD (Perl sets close-on-exec)");
    ($a) = one { aio_fcntl $fh, F_GETFL, 0, shift };
    is($a->[0] & 3, 2, "aio_fcntl F_GETFL: O_RDWR");
    ($a, $e) = one { aio_fcntl $fh, 0x7fff, 0, shift };
    is($a->[0], -1, "aio_fcntl with a bad command: -1");
    errno_is($e, "EINVAL", "bad fcntl command");
    # ioctl with a buffer: FIONREAD on a pipe
    pipe my $r, my $w or die;
    syswrite $w, "hello";
    my $buf = "\0" x 4;
    ($a) = one { aio_ioctl $r, 0x541B, $buf, shift };    # FIONREAD
    is($a->[0], 0, "aio_ioctl");
    is(unpack("i", $buf), 5, "the buffer receives the result");
}

# ---- busy ----------------------------------------------------------------------------------------------
{
    my @a;
    IO::AIO::aio_busy 0.01, sub { @a = @_ };
    run_flush;
    is(scalar @a, 0, "aio_busy passes no arguments");
    IO::AIO::aio_busy -1;
    run_flush;
    ok(1, "a negative delay is 0");
}

# ---- synchronous helpers -----------------------------------------------------------------------------------
{
    open my $out, "+>", "$dir/sf" or die;
    syswrite $out, "x";
    is(IO::AIO::sendfile($out, $fh, 5, 10), 10, "IO::AIO::sendfile");
    is(slurp("$dir/sf"), "x5678901234", "copied to the output position");
    is(IO::AIO::fadvise($fh, 0, 0, IO::AIO::FADV_SEQUENTIAL), 0, "fadvise: 0");
    ok(IO::AIO::fadvise($fh, 0, 0, 999) > 0, "fadvise with bad advice: an error number");
}
{
    pipe my $r, my $w or die;
    my $n = IO::AIO::splice($fh, 3, $w, undef, 4, 0);
    is($n, 4, "splice file -> pipe");
    sysread $r, my $got, 4;
    is($got, "3456", "spliced bytes");
    is(IO::AIO::splice($fh, 0, $fh, 0, 4, 0), -1, "splice between two files fails");
    pipe my $r2, my $w2 or die;
    syswrite $w, "abc";
    is(IO::AIO::tee($r, $w2, 3, 0), 3, "tee");
    sysread $r2, my $t, 3;
    sysread $r, my $t2, 3;
    is("$t $t2", "abc abc", "tee copies without consuming");

    my $size = IO::AIO::pipesize($r);
    ok($size >= 4096, "pipesize: $size");
    my $new = IO::AIO::pipesize($r, 2 * $size);
    ok($new >= 2 * $size, "pipesize sets: $new");
    is(IO::AIO::pipesize($r), $new, "and reads it back");
    is(IO::AIO::pipesize($fh), -1, "pipesize of a file: -1");
}
{
    my ($r, $w) = IO::AIO::pipe2;
    ok(defined fileno $r && defined fileno $w, "pipe2: two handles");
    syswrite $w, "through";
    sysread $r, my $got, 7;
    is($got, "through", "connected");
    my ($r2, $w2) = IO::AIO::pipe2(IO::AIO::O_NONBLOCK);
    ok(fcntl($r2, F_GETFL, 0) & O_NONBLOCK, "pipe2 with O_NONBLOCK");
    my @none = IO::AIO::pipe2(0x7fffffff);
    is(scalar @none, 0, "pipe2 with bad flags: nothing");
}
{
    my $ev = IO::AIO::eventfd(3, 0);
    ok(defined fileno $ev, "eventfd");
    sysread $ev, my $buf, 8;
    is(unpack("Q", $buf), 3, "initial value");
    my $mf = IO::AIO::memfd_create("aiotest", IO::AIO::MFD_CLOEXEC);
    ok(defined fileno $mf, "memfd_create");
    syswrite $mf, "in memory";
    sysseek $mf, 0, SEEK_SET;
    sysread $mf, my $m, 9;
    is($m, "in memory", "a file in memory");
    ok(!defined IO::AIO::memfd_create("x", 0x7fff), "memfd_create with bad flags: undef");
}
{
    my $lim = IO::AIO::get_fdlimit;
    ok($lim > 0, "get_fdlimit: $lim");
    chomp(my $n = `sh -c 'ulimit -n'`);
    is($lim, $n eq "unlimited" ? ~0 : $n, "the soft limit");
    ok(IO::AIO::min_fdlimit($lim), "min_fdlimit at the current limit");
}
{
    my $t = IO::AIO::timerfd_create(IO::AIO::CLOCK_MONOTONIC, 0);
    ok(defined fileno $t, "timerfd_create");
    my @old = IO::AIO::timerfd_settime($t, 0, 0, 0.01);
    is(scalar @old, 2, "timerfd_settime returns two values");
    sysread $t, my $buf, 8;
    is(unpack("Q", $buf), 1, "the timer expired once");
    my @cur = IO::AIO::timerfd_gettime($t);
    is(scalar @cur, 2, "timerfd_gettime");
}

done_testing;
