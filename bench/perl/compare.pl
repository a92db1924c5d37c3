#!/usr/bin/perl
# Run the Perl benchmarks with IO::AIO on aiopp (perl/blib) and with Debian's
# IO::AIO 4.80, interleaved, and print a Markdown table of the medians.
#
#   compare.pl [--reps N] [--nop N] [--tree DIR] [--blib DIR]
use strict;
use warnings;
use Config;
use File::Basename qw(dirname);
use Getopt::Long;
use List::Util qw(sum);
use Time::HiRes ();

my $here = dirname(__FILE__);
my %o = (reps => 5, nop => 1_000_000, blib => "$here/../../perl/blib");
GetOptions(\%o, "reps=i", "nop=i", "tree=s", "blib=s", "only=s") or die "bad options\n";
$o{tree} //= `$here/../../scripts/t1.sh`;
chomp $o{tree};
my $vendor = $Config{vendorarch};
-f "$vendor/IO/AIO.pm" or die "IO::AIO 4.80 (libio-aio-perl) not installed\n";
-f "$o{blib}/arch/auto/IO/AIO/AIO.so" or die "$o{blib}: build perl/ first\n";

my %mod = (
    aiopp => ["-I$o{blib}/lib", "-I$o{blib}/arch"],
    "IO::AIO 4.80" => ["-I$vendor"],
);
my @bench = (
    [nop => "$o{nop} aio_nop" => sub { ("$here/nop.pl", $o{nop}) }],
    [stat => "aio_stat of every T1 path, 32 in flight" => sub { ("$here/stat.pl", $o{tree}, 32) }],
    [treescan => "/usr/bin/treescan T1 > /dev/null" => sub { ("/usr/bin/treescan", $o{tree}) }],
);
@bench = grep { $_->[0] =~ /^(?:$o{only})$/ } @bench if $o{only};

# one timed run: the script's own figure for nop/stat, wall time for treescan
sub run1 {
    my ($name, $inc, @cmd) = @_;
    local $ENV{PERL5LIB};
    my $t0 = Time::HiRes::time;
    my $out = do {
        open my $p, "-|", $^X, @$inc, @cmd or die;
        local $/;
        <$p>;
    };
    my $wall = Time::HiRes::time - $t0;
    die "$name failed: $?\n" if $?;
    return [$wall] if $name eq "treescan";
    $out =~ /^\w+ \d+ ([\d.]+) ([\d.]+) ([\d.]+)$/m or die "$name: unexpected output: $out";
    [$1, $2, $3];
}
sub median { my @s = sort { $a <=> $b } @_; @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2 }

printf "# load average %s; %d cores; %d repetitions, interleaved; medians in seconds (CPU: nop/stat scripts only)\n",
    join(" ", (split ' ', `cat /proc/loadavg`)[0 .. 2]), `nproc` + 0, $o{reps};
print "| benchmark | IO::AIO 4.80 | aiopp | speed-up | main-thread CPU 4.80 / aiopp | process CPU 4.80 / aiopp |\n",
      "|---|---:|---:|---:|---:|---:|\n";
for my $b (@bench) {
    my ($name, $what, $args) = @$b;
    my %t;
    for (1 .. $o{reps}) {
        for my $m ("IO::AIO 4.80", "aiopp") {
            push @{ $t{$m} }, run1($name, $mod{$m}, $args->());
        }
    }
    my $med = sub { my ($m, $i) = @_; median(map { $_->[$i] } @{ $t{$m} }) };
    my ($old, $new) = ($med->("IO::AIO 4.80", 0), $med->("aiopp", 0));
    my $cpu = $name eq "treescan" ? ("| - | - ")
        : sprintf("| %.2f / %.2f | %.2f / %.2f ", $med->("IO::AIO 4.80", 1), $med->("aiopp", 1),
                  $med->("IO::AIO 4.80", 2), $med->("aiopp", 2));
    printf "| %s | %.3f | %.3f | %.2fx %s|\n", $what, $old, $new, $old / $new, $cpu;
    printf STDERR "# %s: 4.80 [%s] aiopp [%s]\n", $name, join(" ", map { sprintf "%.3f", $_->[0] } @{ $t{"IO::AIO 4.80"} }),
        join(" ", map { sprintf "%.3f", $_->[0] } @{ $t{aiopp} });
}
