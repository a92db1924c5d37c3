#!/usr/bin/perl
# aio_stat over every path of a tree, 32 requests in flight (each callback
# submits the next). The path list is read first (find), outside the timing.
# Prints "stat <n> <seconds>".
use strict;
use warnings;
use IO::AIO;
use Time::HiRes ();

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
printf "stat %d %.4f\n", scalar @paths, $t;
