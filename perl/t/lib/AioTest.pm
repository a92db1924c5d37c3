package AioTest;

# Helpers for the IO::AIO tests. The tests assert the manual's semantics
# against independent truth (Perl's own stat/sysread/readdir, the file
# system, coreutils) and run unchanged against both this module and
# Debian's IO::AIO 4.80.

use strict;
use warnings;

use Cwd ();
use Errno ();
use File::Path ();
use File::Temp ();
use Test::More;

use IO::AIO;

our @EXPORT = qw(tmpdir ours spew slurp run_flush aio_ok errno_is real_path);
use Exporter 'import';

# True when the module under test is aiopp's (IO::AIO 4.80 lacks the flag).
sub ours { $IO::AIO::AIOPP ? 1 : 0 }

# A fresh directory, removed at exit, with a canonical path.
sub tmpdir {
    my $d = File::Temp::tempdir("aiotest-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    Cwd::realpath($d);
}

sub real_path { Cwd::realpath($_[0]) }

sub spew {
    my ($path, $data) = @_;
    open my $fh, ">", $path or die "$path: $!";
    binmode $fh;
    print $fh $data;
    close $fh or die "$path: $!";
}

sub slurp {
    my ($path) = @_;
    open my $fh, "<", $path or return undef;
    binmode $fh;
    local $/;
    my $d = <$fh>;
    defined $d ? $d : "";
}

# No test may hang: a stuck test file is killed by SIGALRM (a handler would
# not run while IO::AIO blocks in C).
alarm 120;

sub run_flush { IO::AIO::flush }

# errno check with a readable diagnostic
sub errno_is {
    my ($got, $name, $what) = @_;
    my $want = Errno->can($name) ? Errno->can($name)->() : -1;
    is($got + 0, $want, "$what: errno $name") or diag "got errno " . ($got + 0) . " ($got)";
}

1;
