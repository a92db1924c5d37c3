# Memory maps on scalars: IO::AIO::mmap, munmap, mremap, madvise,
# mprotect, munlock, and aio_msync / aio_mtouch / aio_mlock / aio_mlockall.
use strict;
use warnings;
no warnings "uninitialized";    # IO::AIO 4.80 warns about undef buffers
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;

my $dir = tmpdir();
my $ps = IO::AIO::PAGESIZE;
my $content = "0123456789" x (2 * $ps / 10 + 10);
spew("$dir/map", $content);
open my $fh, "+<", "$dir/map" or die;

# ---- mmap ------------------------------------------------------------------------------------
{
    my $m;
    ok(IO::AIO::mmap($m, 2 * $ps, IO::AIO::PROT_READ | IO::AIO::PROT_WRITE, IO::AIO::MAP_SHARED, $fh),
       "mmap returns true");
    is(length $m, 2 * $ps, "the scalar has the mapped length");
    ok($m eq substr($content, 0, 2 * $ps), "and the file's bytes");
    ok(!Internals::SvREADONLY($m), "writable mapping: writable scalar");
    substr($m, 0, 3) = "ABC";
    is(substr(slurp("$dir/map"), 0, 3), "ABC", "substr assignment writes through to the file");

    my $rc;
    no warnings 'uninitialized';
    aio_msync $m, 0, undef, IO::AIO::MS_SYNC, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_msync");
    aio_mtouch $m, 0, undef, 0, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_mtouch");
    aio_mtouch $m, 10, 100, IO::AIO::MT_MODIFY, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_mtouch MT_MODIFY");
    is(substr($m, 10, 5), substr($content, 10, 5), "MT_MODIFY keeps the bytes");

    is(IO::AIO::madvise($m, 0, undef, IO::AIO::MADV_WILLNEED), 0, "madvise: 0");
    is(IO::AIO::madvise($m, 100, 50, IO::AIO::MADV_SEQUENTIAL), 0, "madvise of a sub-range (page aligned inside)");
    isnt(IO::AIO::madvise($m, 0, undef, 12345), 0, "madvise with bad advice returns an error number");
    eval { IO::AIO::madvise($m, 3 * $ps, undef, 0) };
    like($@, qr/^offset outside of scalar/, "an offset beyond the scalar croaks");
    is(IO::AIO::madvise($m, -10, undef, IO::AIO::MADV_NORMAL), 0, "a negative offset counts from the end");

    is(IO::AIO::mprotect($m, 0, undef, IO::AIO::PROT_READ), 0, "mprotect: 0");
    is(IO::AIO::mprotect($m, 0, undef, IO::AIO::PROT_READ | IO::AIO::PROT_WRITE), 0, "mprotect back");

    aio_mlock $m, 0, undef, sub { $rc = $_[0] };
    run_flush;
    ok($rc == 0 || $! == Errno::ENOMEM() || $! == Errno::EPERM(), "aio_mlock ($rc)");
    is(IO::AIO::munlock($m), 0, "munlock: 0");
    is(IO::AIO::munlock($m, $ps, 10), 0, "munlock of a range");

    IO::AIO::munmap $m;
    ok(!defined $m, "munmap undefines the scalar");
}
{
    # mremap (a fresh mapping: madvise above split the first one's VMA)
    my $m;
    IO::AIO::mmap($m, 2 * $ps, IO::AIO::PROT_READ | IO::AIO::PROT_WRITE, IO::AIO::MAP_SHARED, $fh) or die;
    my $r = IO::AIO::mremap($m, 3 * $ps);
    ok($r, "mremap grows the mapping");
    is(length $m, 3 * $ps, "new length");
    ok(substr($m, 0, 3) eq "ABC", "contents kept");
    ok(($r == 0) == ($r eq "0 but true"), "0 but true exactly when the address is unchanged");
    $r = IO::AIO::mremap($m, $ps, 0);
    is("$r", "0 but true", "shrinking in place: 0 but true");
    is(length $m, $ps, "shrunk");
    IO::AIO::munmap $m;
    SKIP: {
        skip "IO::AIO 4.80 crashes on mremap of a plain scalar", 1 unless ours();
        my $plain = "abc";
        eval { IO::AIO::mremap($plain, 10) };
        like($@, qr/not mapped by IO::AIO::mmap/, "mremap of an unmapped scalar croaks");
    }
}
{
    my $r;
    ok(IO::AIO::mmap($r, 100, IO::AIO::PROT_READ, IO::AIO::MAP_SHARED, $fh, 0), "read-only mapping");
    ok(Internals::SvREADONLY($r), "is a read-only scalar");
    eval { substr($r, 0, 1) = "x" };
    like($@, qr/read-only/, "which cannot be modified");
    IO::AIO::munmap $r;
    my $o;
    ok(IO::AIO::mmap($o, 10, IO::AIO::PROT_READ, IO::AIO::MAP_SHARED, $fh, $ps), "mmap at a page offset");
    is($o, substr($content, $ps, 10), "the bytes at that offset");
    IO::AIO::munmap $o;
}
SKIP: {
    # IO::AIO 4.80 checks the handle's mode against MAP_* instead of PROT_* flags
    skip "IO::AIO 4.80 bug: MAP_PRIVATE of a read-only handle croaks", 2 unless ours();
    open my $ro, "<", "$dir/map" or die;
    my $p;
    ok(IO::AIO::mmap($p, 10, IO::AIO::PROT_READ, IO::AIO::MAP_PRIVATE, $ro), "MAP_PRIVATE of a read-only handle");
    is($p, substr(slurp("$dir/map"), 0, 10), "maps the file");
    IO::AIO::munmap $p;
}
{
    my $a;
    ok(IO::AIO::mmap($a, 8192, IO::AIO::PROT_READ | IO::AIO::PROT_WRITE,
                     IO::AIO::MAP_PRIVATE | IO::AIO::MAP_ANONYMOUS, undef), "anonymous mapping (undef fh)");
    is($a, "\0" x 8192, "zero-filled");
    IO::AIO::mmap($a, 4096, IO::AIO::PROT_READ | IO::AIO::PROT_WRITE,
                  IO::AIO::MAP_PRIVATE | IO::AIO::MAP_ANONYMOUS);
    is(length $a, 4096, "mmap on a mapped scalar replaces the mapping");
    { my $copy = $a; }
    undef $a;
    ok(!defined $a, "a mapped scalar can be undefined");
}
{
    my $bad;
    ok(!IO::AIO::mmap($bad, 0, IO::AIO::PROT_READ, IO::AIO::MAP_SHARED, $fh), "mmap of length 0 fails");
    ok($! == Errno::EINVAL(), "with EINVAL");
    ok(!IO::AIO::mmap($bad, 10, IO::AIO::PROT_READ, IO::AIO::MAP_SHARED, $fh, 1), "an unaligned offset fails");
}

# ---- on ordinary scalars ------------------------------------------------------------------------
{
    my $s = "x" x 10000;
    my $rc;
    aio_mtouch $s, 0, undef, 0, sub { $rc = $_[0] };
    run_flush;
    is($rc, 0, "aio_mtouch on a plain scalar");
    {
        no warnings;
    eval { no warnings; aio_mlock $s, 20000, undef, sub {} };
    like($@, qr/^offset outside of scalar/, "aio_mlock: offset outside croaks");
    }
}

# ---- mlockall --------------------------------------------------------------------------------------
{
    my $rc;
    aio_mlockall IO::AIO::MCL_FUTURE, sub { $rc = $_[0] };
    run_flush;
    ok($rc == 0 || $! == Errno::ENOMEM() || $! == Errno::EPERM(), "aio_mlockall ($rc)");
    is(IO::AIO::munlockall(), 0, "munlockall");
    aio_mlockall 0x1000, sub { $rc = $_[0] };
    run_flush;
    is($rc, -1, "aio_mlockall with bad flags: -1");
}

done_testing;
