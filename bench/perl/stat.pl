#!/usr/bin/perl
# aio_stat over every path of a tree, 32 requests in flight (each callback
# submits the next). The path list is read first (find), outside the timing.
# Prints "stat <n> <seconds> <main-thread CPU s> <process CPU s>" (CPU
# includes reading the list).
use strict;
use warnings;
use IO::AIO;
use Time::HiRes ();

# CPU seconds of this process's main thread and of the whole process (/proc)
sub cpu {
    my ($file) = @_;
    open my $f, "<", $file or return 0;
    my @f = split ' ', (<$f> =~ s/^.*\) //r);
    ($f[11] + $f[12]) / 100;
}

my $root = shift // die "usage: stat.pl TREE [INFLIGHT]\n";
my $inflight = shift // 32;
my @paths = do {
    open my $f, "-|", "find", $root or die;
    map { chomp; $_ } <$f>;
};
my ($next, $ok, $active) = (0, 0, 0);
my $submit;
my $cb = sub {
    --$active;
    ++$ok unless $_[0];
    $submit->();
};
$submit = sub {
    while ($active < $inflight && $next < @paths) {
        ++$active;
        aio_stat $paths[$next++], $cb;
    }
};
my $t0 = Time::HiRes::time;
$submit->();
IO::AIO::flush;
my $t = Time::HiRes::time - $t0;
die "only $ok of " . @paths . " stats succeeded\n" unless $ok == @paths;
printf "stat %d %.4f %.2f %.2f\n", scalar @paths, $t, cpu("/proc/$$/task/$$/stat"), cpu("/proc/$$/stat");
