# aio_stat / aio_lstat (results in Perl's stat cache: stat _, -s _, ...),
# the sub-second accessors, aio_statvfs and the device-number helpers,
# checked against Perl's own stat and coreutils.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use Errno ();
use Fcntl qw(:mode);
use Time::HiRes ();

my $dir = tmpdir();
my $file = "$dir/file";
spew($file, "x" x 1234);
mkdir "$dir/sub" or die;
symlink "file", "$dir/link" or die;
symlink "nowhere", "$dir/dangling" or die;

# ---- stat: every field equals Perl's stat ---------------------------------------
{
    my @want = stat $file;
    my (@got, $rc, $size, $isf, $isd);
    aio_stat $file, sub {
        $rc = $_[0];
        @got = stat _;
        $size = -s _;
        $isf = -f _;
        $isd = -d _;
    };
    run_flush;
    is($rc, 0, "aio_stat: status 0");
    is_deeply(\@got, \@want, "stat _ equals Perl's stat");
    is($size, 1234, "-s _");
    ok($isf && !$isd, "-f _ and not -d _");
}

{
    my ($rc, $isd, $nlink);
    aio_stat "$dir/sub", sub { $rc = $_[0]; $isd = -d _; $nlink = (stat _)[3] };
    run_flush;
    ok($rc == 0 && $isd, "-d _ on a directory");
    is($nlink, (stat "$dir/sub")[3], "directory link count");
}

# stat follows symlinks, lstat does not; -l _ needs an lstat
{
    my (@s, @l, $isl, $lerr);
    aio_stat "$dir/link", sub { @s = stat _; my $x = eval { -l _; }; $lerr = $@; };
    aio_lstat "$dir/link", sub { @l = stat _; $isl = -l _ };
    run_flush;
    is($s[1], (stat $file)[1], "aio_stat follows the symlink");
    is($l[1], (lstat "$dir/link")[1], "aio_lstat does not");
    ok($isl, "-l _ after aio_lstat");
    like($lerr, qr/lstat/, "-l _ after aio_stat croaks like Perl's");
}

# a file handle: fstat
{
    open my $fh, "<", $file or die;
    my ($rc, $ino);
    aio_stat $fh, sub { $rc = $_[0]; $ino = (stat _)[1] };
    run_flush;
    is($rc, 0, "aio_stat on a handle");
    is($ino, (stat $fh)[1], "... is the handle's file");
    my $ino2;
    aio_lstat $fh, sub { $ino2 = (stat _)[1] };
    run_flush;
    is($ino2, (stat $fh)[1], "aio_lstat on a handle stats the handle");
}

# errors: -1, $! set, and the stat cache says the stat failed
for my $case (["$dir/missing", "ENOENT"], ["$file/x", "ENOTDIR"], ["$dir/dangling", "ENOENT"]) {
    my ($path, $err) = @$case;
    my ($rc, $errno, @st, $size);
    aio_stat $path, sub { $rc = $_[0]; $errno = $! + 0; @st = stat _; $size = -s _ };
    run_flush;
    is($rc, -1, "aio_stat $err: -1");
    errno_is($errno, $err, "aio_stat $err");
    is(scalar @st, 0, "stat _ is empty after a failed aio_stat");
    ok(!defined $size, "-s _ is undef after a failed aio_stat");
}
{
    my ($rc, $errno);
    aio_lstat "$dir/dangling", sub { $rc = $_[0]; $errno = $! + 0 };
    run_flush;
    is($rc, 0, "aio_lstat of a dangling symlink succeeds");
}

# ---- sub-second times ---------------------------------------------------------------------
{
    Time::HiRes::utime(1000000000.25, 1100000000.5, $file) or die;
    my (@x, @ns, $m, $a, $mns);
    aio_stat $file, sub {
        $a = IO::AIO::st_atime;
        $m = IO::AIO::st_mtime;
        $mns = IO::AIO::st_mtimensec;
        @x = IO::AIO::st_xtime;
        @ns = IO::AIO::st_xtimensec;
    };
    run_flush;
    is($a, 1000000000.25, "st_atime with fraction");
    is($m, 1100000000.5, "st_mtime with fraction");
    is($mns, 500000000, "st_mtimensec");
    is(scalar @x, 4, "st_xtime returns four times");
    is($x[1], 1100000000.5, "st_xtime mtime");
    is_deeply([@ns[0, 1]], [250000000, 500000000], "st_xtimensec");
    # they also work after Perl's own stat
    stat $file;
    is(IO::AIO::st_mtimensec, 500000000, "st_mtimensec after Perl's stat");
    is(IO::AIO::st_gen, 0, "st_gen is 0 on Linux");
}

# birth time: 0 where unsupported (IO::AIO 4.80 on Linux), else statx's
{
    my ($bt, $bsec, $bns);
    aio_stat $file, sub { $bt = IO::AIO::st_btime; $bsec = IO::AIO::st_btimesec; $bns = IO::AIO::st_btimensec };
    run_flush;
    chomp(my $w = `stat -c %W $file 2>/dev/null` // "");
    if ($bt) {
        is($bsec, $w, "st_btimesec is the birth time stat(1) reports");
        ok($bns >= 0 && $bns < 1e9, "st_btimensec in range");
    } else {
        is($bsec . "/" . $bns, "0/0", "no birth time: all zero");
    }
}

# ---- statvfs -------------------------------------------------------------------------------
{
    my ($h, $n);
    aio_statvfs $dir, sub { $n = @_; $h = $_[0] };
    run_flush;
    is($n, 1, "aio_statvfs passes one argument");
    is_deeply([sort keys %$h], [sort qw(bsize frsize blocks bfree bavail files ffree favail fsid flag namemax)],
              "the documented keys");
    my ($bsize, $frsize, $blocks, $files, $namemax, $fsid) =
        split ' ', `stat -f -c '%s %S %b %c %l %i' $dir`;
    is($h->{bsize}, $bsize, "bsize");
    is($h->{frsize}, $frsize, "frsize");
    is($h->{blocks}, $blocks, "blocks");
    is($h->{files}, $files, "files");
    is($h->{namemax}, $namemax, "namemax");
    # stat(1) prints f_fsid's two 32-bit words low word first
    my ($lo, $hi) = ($h->{fsid} & 0xffffffff, $h->{fsid} >> 32);
    ok((grep { $_ eq $fsid } sprintf("%x", $h->{fsid}), sprintf("%x%08x", $lo, $hi), sprintf("%x%x", $lo, $hi)),
       "fsid") or diag sprintf "fsid %x, stat -f says %s", $h->{fsid}, $fsid;
    ok($h->{bfree} >= $h->{bavail}, "bfree >= bavail");

    open my $fh, "<", $file or die;
    my $h2;
    aio_statvfs $fh, sub { $h2 = $_[0] };
    run_flush;
    is($h2->{blocks}, $blocks, "aio_statvfs on a handle");

    my ($u, $errno, $cnt);
    aio_statvfs "$dir/missing", sub { $cnt = @_; $u = $_[0]; $errno = $! + 0 };
    run_flush;
    ok($cnt == 1 && !defined $u, "aio_statvfs error: undef");
    errno_is($errno, "ENOENT", "aio_statvfs error");
}

# ---- device numbers -----------------------------------------------------------------------------
is(IO::AIO::makedev(8, 1), 2049, "makedev(8, 1)");
is(IO::AIO::major(2049), 8, "major");
is(IO::AIO::minor(2049), 1, "minor");
is(IO::AIO::major(IO::AIO::makedev(259, 70000)), 259, "major of a large device");
is(IO::AIO::minor(IO::AIO::makedev(259, 70000)), 70000, "minor of a large device");
{
    my $rdev = (stat "/dev/null")[6];
    chomp(my $tT = `stat -c '%t %T' /dev/null`);
    my ($maj, $min) = map hex, split ' ', $tT;
    is(IO::AIO::major($rdev), $maj, "major of /dev/null");
    is(IO::AIO::minor($rdev), $min, "minor of /dev/null");
    my $r;
    aio_stat "/dev/null", sub { $r = (stat _)[6] };
    run_flush;
    is($r, $rdev, "rdev through aio_stat");
}

# constants that help interpret modes
is(IO::AIO::S_IFMT & (stat $file)[2], IO::AIO::S_IFREG, "S_IFMT/S_IFREG");
is(IO::AIO::S_IFMT & (stat "$dir/sub")[2], IO::AIO::S_IFDIR, "S_IFDIR");

done_testing;
