# aio_read / aio_write with the manual's $data conventions, aio_seek,
# aio_sendfile and aio_readahead, checked against the file's bytes.
use strict;
use warnings;
no warnings "uninitialized";    # IO::AIO 4.80 warns about undef buffers
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Fcntl qw(SEEK_SET SEEK_CUR SEEK_END O_RDONLY);

my $dir = tmpdir();
my $file = "$dir/data";
my $content = join "", map chr(65 + $_ % 26), 0 .. 99;    # ABC...
spew($file, $content);
open my $fh, "<", $file or die;

sub read_into {
    my ($off, $len, $dataoff) = (shift, shift, pop);
    my ($rc, $errno);
    aio_read $fh, $off, $len, $_[0], $dataoff, sub { $rc = $_[0]; $errno = $! + 0 };
    run_flush;
    ($rc, $errno);
}

# a new scalar grows to the bytes read
{
    my $buf;
    my ($rc) = read_into(7, 15, $buf, 0);
    is($rc, 15, "aio_read returns the byte count");
    is($buf, substr($content, 7, 15), "bytes at offset 7");
}

# data is shrunk or grown to dataoffset + bytes read (like sysread)
{
    my $buf = "0123456789";
    my ($rc) = read_into(0, 3, $buf, 2);
    is($rc, 3, "read 3");
    is($buf, "01ABC", "shrunk to dataoffset + bytes read");
    my $buf2 = "xy";
    read_into(10, 5, $buf2, 2);
    is($buf2, "xyKLMNO", "grown");
    my $buf3 = "abcdef";
    read_into(0, 2, $buf3, -2);
    is($buf3, "abcdAB", "negative dataoffset counts from the end");
}

# reading at and past the end of the file
{
    my $buf = "keep";
    my ($rc) = read_into(95, 10, $buf, 1);
    is($rc, 5, "short read at the end");
    is($buf, "k" . substr($content, 95), "data holds what was read");
    my $buf2 = "abc";
    ($rc) = read_into(1000, 10, $buf2, 1);
    is($rc, 0, "read past the end returns 0");
    is($buf2, "a", "data truncated to dataoffset");
}

# undef offset: the descriptor's position is used and advanced
{
    sysseek $fh, 20, SEEK_SET or die;
    my $buf;
    my ($rc) = read_into(undef, 4, $buf, 0);
    is($buf, substr($content, 20, 4), "undef offset reads at the file position");
    is(sysseek($fh, 0, SEEK_CUR), 24, "and advances it");
    my $b2;
    read_into(50, 4, $b2, 0);
    is(sysseek($fh, 0, SEEK_CUR), 24, "a defined offset leaves the position alone");
}

# dataoffset outside the scalar croaks
{
    my $buf = "abc";
    eval { aio_read $fh, 0, 1, $buf, 4, sub {} };
    like($@, qr/^dataoffset outside of data scalar/, "dataoffset beyond the end");
    eval { aio_read $fh, 0, 1, $buf, -4, sub {} };
    like($@, qr/^dataoffset outside of data scalar/, "negative dataoffset beyond the start");
}

# the scalar is read-only while the request is outstanding
{
    my $buf = "x";
    my ($during, $ok);
    aio_read $fh, 0, 5, $buf, 0, sub { $during = Internals::SvREADONLY($buf); $ok = $_[0] };
    ok(Internals::SvREADONLY($buf), "data is read-only while the request runs");
    run_flush;
    ok(!$during, "and writable again in the callback");
    ok(!Internals::SvREADONLY($buf), "and after");
}

# errors: -1 and $!; the mode mismatch croak; a descriptor number works
{
    my ($rc, $errno) = do {
        open my $wo, ">>", "$dir/wo" or die;
        my $buf = "zz";
        my ($r, $e);
        aio_read $wo, 0, 2, $buf, 0, sub { $r = $_[0]; $e = $! + 0 };
        run_flush;
        ($r, $e);
    };
    is($rc, -1, "reading a write-only handle: -1");
    errno_is($errno, "EBADF", "reading a write-only handle");

    eval { aio_write $fh, 0, 1, "x", 0, sub {} };
    like($@, qr/illegal fh argument, either not an OS file or read\/write mode mismatch/,
         "writing through a read-only handle croaks");
    eval { aio_read -1, 0, 1, my $b, 0, sub {} };
    like($@, qr/illegal fh argument/, "a negative descriptor croaks");

    my $buf;
    my $r;
    aio_read fileno($fh), 1, 3, $buf, 0, sub { $r = $_[0] };
    run_flush;
    is($buf, "BCD", "a descriptor number instead of a handle");
}

# ---- writes ------------------------------------------------------------------------------------
my $out = "$dir/out";
open my $wfh, "+>", $out or die;
sub write_from {
    my ($off, $len, $data, $dataoff) = @_;
    my ($rc, $errno);
    aio_write $wfh, $off, $len, $data, $dataoff, sub { $rc = $_[0]; $errno = $! + 0 };
    run_flush;
    ($rc, $errno);
}
{
    my ($rc) = write_from(0, 5, "hello world", 0);
    is($rc, 5, "aio_write returns the byte count");
    is(slurp($out), "hello", "bytes written");
    ($rc) = write_from(5, undef, "hello world", 5);
    is($rc, 6, "undef length: the rest of data");
    is(slurp($out), "hello world", "written at offset 5");
    ($rc) = write_from(0, 100, "HE", 0);
    is($rc, 2, "a length beyond data is clamped (IO::AIO 4.80)");
    ($rc) = write_from(11, 3, "abcdef", -3);
    is(slurp($out), "HEllo worlddef", "negative dataoffset");
    is(sysseek($wfh, 0, SEEK_CUR), "0 but true", "defined offsets leave the position alone");
    ($rc) = write_from(undef, 2, "XY", 0);
    is(sysseek($wfh, 0, SEEK_CUR), 2, "undef offset writes at and advances the position");
    is(substr(slurp($out), 0, 2), "XY", "... at position 0");
    ($rc) = write_from(0, 0, "", 0);
    is($rc, 0, "an empty write");
    eval { aio_write $wfh, 0, 1, "abc", 5, sub {} };
    like($@, qr/^dataoffset outside of data scalar/, "write: dataoffset outside");
}

# ---- seek ------------------------------------------------------------------------------------------
{
    my @r;
    aio_seek $fh, 10, IO::AIO::SEEK_SET, sub { push @r, $_[0] };
    run_flush;
    aio_seek $fh, 5, IO::AIO::SEEK_CUR, sub { push @r, $_[0] };
    run_flush;
    aio_seek $fh, -1, IO::AIO::SEEK_END, sub { push @r, $_[0] };
    run_flush;
    is_deeply(\@r, [10, 15, 99], "aio_seek returns the new offset");
    is(sysseek($fh, 0, SEEK_CUR), 99, "and moves the handle's position");
    my ($rc, $errno);
    aio_seek $fh, -5, IO::AIO::SEEK_SET, sub { $rc = $_[0]; $errno = $! + 0 };
    run_flush;
    is($rc, -1, "seeking before the start: -1");
    errno_is($errno, "EINVAL", "seeking before the start");
    is(IO::AIO::SEEK_SET, SEEK_SET, "SEEK_SET");
}

# ---- sendfile --------------------------------------------------------------------------------------
{
    open my $dst, "+>", "$dir/sf" or die;
    syswrite $dst, "head:";
    sysseek $fh, 3, SEEK_SET;
    my $rc;
    aio_sendfile $dst, $fh, 10, 20, sub { $rc = $_[0] };
    run_flush;
    is($rc, 20, "aio_sendfile returns the bytes written");
    is(slurp("$dir/sf"), "head:" . substr($content, 10, 20), "copied from in_offset to the output position");
    is(sysseek($fh, 0, SEEK_CUR), 3, "the input position is neither used nor moved");
    is(sysseek($dst, 0, SEEK_CUR), 25, "the output position advanced");
    aio_sendfile $dst, $fh, 90, 50, sub { $rc = $_[0] };
    run_flush;
    is($rc, 10, "short at the end of the input");
    eval { aio_sendfile $fh, $dst, 0, 1, sub {} };
    like($@, qr/mode mismatch/, "aio_sendfile to a read-only handle croaks");
}

# ---- readahead ---------------------------------------------------------------------------------------
{
    my $rc;
    aio_readahead $fh, 0, 100, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_readahead");
    is(sysseek($fh, 0, SEEK_CUR), 3, "leaves the position alone");
}

done_testing;
