#!/usr/bin/perl
# aio_nop throughput: submit N requests with a callback, running
# IO::AIO::poll_cb every 1024 submissions (as a busy program would), then
# flush. Prints "nop <n> <seconds> <main-thread CPU s> <process CPU s>".
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

my $n = shift // 1_000_000;
my $done = 0;
my $cb = sub { ++$done };
my $t0 = Time::HiRes::time;
for my $i (1 .. $n) {
    aio_nop $cb;
    IO::AIO::poll_cb unless $i & 1023;
}
IO::AIO::flush;
my $t = Time::HiRes::time - $t0;
die "only $done of $n callbacks ran\n" unless $done == $n;
printf "nop %d %.4f %.2f %.2f\n", $n, $t, cpu("/proc/$$/task/$$/stat"), cpu("/proc/$$/stat");
