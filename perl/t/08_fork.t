# fork: IO::AIO::reinit in the child abandons the parent's requests and
# threads; the poll descriptor keeps its number; the parent is unaffected.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;
use POSIX ();

sub in_child {
    my ($code) = @_;
    pipe my $r, my $w or die;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        close $r;
        my $out = eval { $code->() } // "died: $@";
        print $w $out;
        close $w;
        exit 0;
    }
    close $w;
    local $/;
    my $out = <$r>;
    waitpid $pid, 0;
    ($out, $? >> 8);
}

my $fd = IO::AIO::poll_fileno;

{
    my $parent_ran = 0;
    IO::AIO::aio_busy 0.2, sub { $parent_ran++ };
    my ($out, $status) = in_child(sub {
        IO::AIO::reinit;
        my @r = (IO::AIO::nreqs, IO::AIO::poll_fileno);
        my $ran = 0;
        aio_nop sub { $ran++ };
        my $st;
        aio_stat "/", sub { $st = $_[0] };
        IO::AIO::flush;
        join " ", @r, $ran, $st;
    });
    is($out, "0 $fd 1 0", "child: reinit forgets the parent's requests, keeps poll_fileno, works");
    is($status, 0, "child exited normally");
    run_flush;
    is($parent_ran, 1, "the parent's request still completes in the parent");
}

# a child that never uses IO::AIO may exit normally
{
    my ($out, $status) = in_child(sub { "plain" });
    is($out, "plain", "child without IO::AIO use");
    is($status, 0, "exits normally");
}

# a child that exits while the parent had requests outstanding, without
# calling reinit: IO::AIO 4.80 hangs at exit (its END flush waits for
# threads that do not exist in the child); aiopp abandons them
SKIP: {
    skip "IO::AIO 4.80 hangs here (docs/perl.md)", 2 unless ours();
    my $ran = 0;
    IO::AIO::aio_busy 0.3, sub { $ran++ };
    my $pid = fork // die;
    if (!$pid) { exit 0 }
    my $t0 = time;
    local $SIG{ALRM} = sub { kill 9, $pid };
    alarm 20;
    waitpid $pid, 0;
    alarm 0;
    is($? & 127, 0, "the child exited without reinit (not killed)");
    run_flush;
    is($ran, 1, "parent unaffected");
}

done_testing;
