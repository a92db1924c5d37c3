#!/usr/bin/perl
# aio_nop throughput: submit N requests with a callback, running
# IO::AIO::poll_cb every 1024 submissions (as a busy program would), then
# flush. Prints "nop <n> <seconds>".
use strict;
use warnings;
use IO::AIO;
use Time::HiRes ();

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
printf "nop %d %.4f\n", $n, $t;
