# Event-loop integration as the manual shows it: EV watching poll_fileno
# with IO::AIO::poll_cb as callback, and AnyEvent::AIO (EV and pure-Perl
# AnyEvent backends), each in its own process.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;

my $dir = tmpdir();
spew("$dir/passwd", "root:x:0:0\nuser:x:1000:1000\n");
my @inc = map "-I$_", grep { !ref } @INC;

# availability is checked in a child: loading AnyEvent::AIO here would tie
# this process's IO::AIO to AnyEvent (IO::AIO 4.80 sometimes crashes at exit then)
sub have { system($^X, @inc, "-e", "require $_[0]") == 0 }

sub run_perl {
    my ($code) = @_;
    open my $p, "-|", $^X, @inc, "-e", $code, $dir or die;
    local $/;
    my $out = <$p>;
    close $p;
    ($out, $?);
}

SKIP: {
    skip "EV not installed", 2 unless have("EV");
    # the manual's example: open, read, print, EV::break
    my ($out, $status) = run_perl(<<'EOF');
use EV;
use IO::AIO;
my $dir = shift;
my $aio_w = EV::io IO::AIO::poll_fileno, EV::READ, \&IO::AIO::poll_cb;
my $timeout = EV::timer 20, 0, sub { print "timeout\n"; EV::break };
aio_open "$dir/passwd", IO::AIO::O_RDONLY, 0, sub {
   my $fh = shift or die "error while opening: $!";
   my $size = -s $fh;
   my $contents;
   aio_read $fh, 0, $size, $contents, 0, sub {
      $_[0] == $size or die "short read: $!";
      close $fh;
      print $contents;
      EV::break;
   };
};
EV::run;
my $n = 0;
aio_stat "$dir/passwd", sub { EV::break if ++$n == 100 } for 1 .. 100;
EV::run;
print "stats $n\n";
EOF
    is($out, "root:x:0:0\nuser:x:1000:1000\nstats 100\n", "EV::io on poll_fileno with poll_cb");
    is($status, 0, "exit status");
}

SKIP: {
    skip "AnyEvent::AIO not installed", 2 unless have("AnyEvent::AIO");
    for my $backend (qw(EV Perl)) {
        my ($out) = run_perl(<<"EOF");
use AnyEvent;
use AnyEvent::Impl::$backend;
use AnyEvent::AIO;
use IO::AIO;
my \$dir = shift;
my \$cv = AnyEvent->condvar;
my \$t = AnyEvent->timer(after => 20, cb => sub { print "timeout\\n"; exit 1 });
aio_readdir \$dir, sub { \$cv->send(\@{ \$_[0] }) };
print join(",", \$cv->recv), " ", AnyEvent::detect(), "\\n";
EOF
        like($out, qr/^passwd AnyEvent::Impl::$backend$/m, "AnyEvent::AIO with the $backend backend");
    }
}

done_testing;
