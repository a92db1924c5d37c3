#!/usr/bin/perl
# Run the Perl benchmarks with IO::AIO on aiopp (perl/blib) and with Debian's
# IO::AIO 4.80, interleaved, and print a Markdown table of the medians.
#
#   compare.pl [--reps N] [--nop N] [--tree DIR] [--blib DIR] [--doc FILE]
#
# With --doc, the results also replace the Perl section of FILE (normally
# docs/PERFORMANCE.md), between the <!-- perl:begin --> and <!-- perl:end -->
# markers, which are added at the end when missing.
use strict;
use warnings;
use Config;
use File::Basename qw(dirname);
use Getopt::Long;
use List::Util qw(sum);
use Time::HiRes ();

my $here = dirname(__FILE__);
my %o = (reps => 5, nop => 1_000_000, blib => "$here/../../perl/blib");
GetOptions(\%o, "reps=i", "nop=i", "tree=s", "blib=s", "only=s", "doc=s") or die "bad options\n";
$o{tree} //= `$here/../../scripts/t1.sh`;
chomp $o{tree};
my $vendor = $Config{vendorarch};
-f "$vendor/IO/AIO.pm" or die "IO::AIO 4.80 (libio-aio-perl) not installed\n";
-f "$o{blib}/arch/auto/IO/AIO/AIO.so" or die "$o{blib}: build perl/ first\n";

my %mod = (
    aiopp => ["-I$o{blib}/lib", "-I$o{blib}/arch"],
    "aiopp (pool)" => ["-I$o{blib}/lib", "-I$o{blib}/arch"],
    "IO::AIO 4.80" => ["-I$vendor"],
);
# aiopp's default executor uses io_uring where the kernel supports an op;
# "aiopp (pool)" forces the worker threads (AIOPP_EXECUTOR=pool)
my %env = ("aiopp (pool)" => "pool");
my @mods = ("IO::AIO 4.80", "aiopp", "aiopp (pool)");
my @bench = (
    [nop => "$o{nop} aio_nop" => sub { ("$here/nop.pl", $o{nop}) }],
    [stat => "aio_stat of every T1 path, 32 in flight" => sub { ("$here/stat.pl", $o{tree}, 32) }],
    [treescan => "/usr/bin/treescan T1 > /dev/null" => sub { ("/usr/bin/treescan", $o{tree}) }],
);
@bench = grep { $_->[0] =~ /^(?:$o{only})$/ } @bench if $o{only};

# one timed run: the script's own figure for nop/stat, wall time for treescan
sub run1 {
    my ($name, $m, @cmd) = @_;
    my $inc = $mod{$m};
    local $ENV{PERL5LIB};
    local $ENV{AIOPP_EXECUTOR} = $env{$m} // $ENV{AIOPP_EXECUTOR};
    delete $ENV{AIOPP_EXECUTOR} unless defined $ENV{AIOPP_EXECUTOR};
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

my $load0 = join " ", (split ' ', `cat /proc/loadavg`)[0 .. 2];
my @table;
sub out { print @_; push @table, @_ }
printf "# load average %s; %d cores; %d repetitions, interleaved; medians in seconds (CPU: nop/stat scripts only)\n",
    $load0, `nproc` + 0, $o{reps};
out "| benchmark | IO::AIO 4.80 | aiopp | speed-up | aiopp (pool) | speed-up (pool) | main-thread CPU 4.80 / aiopp / pool | process CPU 4.80 / aiopp / pool |\n",
    "|---|---:|---:|---:|---:|---:|---:|---:|\n";
for my $b (@bench) {
    my ($name, $what, $args) = @$b;
    my %t;
    for (1 .. $o{reps}) {
        push @{ $t{$_} }, run1($name, $_, $args->()) for @mods;
    }
    my $med = sub { my ($m, $i) = @_; median(map { $_->[$i] } @{ $t{$m} }) };
    my ($old, $new, $pool) = map { $med->($_, 0) } @mods;
    my $cpu = $name eq "treescan" ? ("| - | - ")
        : sprintf("| %.2f / %.2f / %.2f | %.2f / %.2f / %.2f ", (map { $med->($_, 1) } @mods),
                  (map { $med->($_, 2) } @mods));
    out sprintf "| %s | %.3f | %.3f | %.2fx | %.3f | %.2fx %s|\n", $what, $old, $new, $old / $new, $pool,
        $old / $pool, $cpu;
    printf STDERR "# %s: %s\n", $name,
        join("; ", map { my $m = $_; "$m [" . join(" ", map { sprintf "%.3f", $_->[0] } @{ $t{$m} }) . "]" } @mods);
}

exit unless $o{doc};

# ---- the Perl section of docs/PERFORMANCE.md -------------------------------------
my $load1 = join " ", (split ' ', `cat /proc/loadavg`)[0 .. 2];
chomp(my $cpu = `grep -m1 "model name" /proc/cpuinfo | cut -d: -f2` // "");
$cpu =~ s/^\s+//;
chomp(my $date = `date -u +%Y-%m-%d`);
my $cmd = "bench/perl/run.sh" . ($o{reps} != 5 ? " build/release --reps $o{reps}" : "");
chomp(my $rev = `git -C $here rev-parse --short HEAD 2>/dev/null` // "");
my $composites = `$^X @{ $mod{aiopp} } -MIO::AIO -e 'print defined &IO::AIO::_aiopp_scandir ? "C++" : "Perl"'`;
my $ncpu = `nproc` + 0;
my $section = <<"END";
<!-- perl:begin -->
## Perl

IO::AIO on aiopp (`perl/`, commit $rev, aio_scandir/aio_rmtree/aio_copy...
in $composites) against Debian's IO::AIO 4.80: the same Perl scripts in one
run, interleaved, $o{reps} repetitions each, medians. Measured $date on a
$ncpu-core VM ($cpu) with load average $load0 at the start and $load1 at the
end: the machine is shared with other builds, so absolute times drift —
compare the ratios within one run. Command: `$cmd` (`make bench` runs it).
"aiopp" is the library's default executor (io_uring for the operations
`automatic` puts on it — not stat, lstat, fstat —, worker threads for the
rest; see docs/api/uring.md); "aiopp (pool)" forces the
worker threads (`AIOPP_EXECUTOR=pool`).

* **aio_nop**: `bench/perl/nop.pl`: $o{nop} `aio_nop` with one shared
  callback, `IO::AIO::poll_cb` after every 1024 submissions, then `flush`.
* **aio_stat**: `bench/perl/stat.pl`: `aio_stat` of every path of T1
  (`scripts/t1.sh`, 196 360 entries, warm cache), 32 in flight (each callback
  submits the next); the path list is read before timing.
* **treescan**: Debian's `/usr/bin/treescan T1 > /dev/null`, unchanged, wall
  time of the whole process.
* The CPU columns (`/proc`, utime+stime) show where the time goes: the main
  thread runs Perl and the callbacks (and, with io_uring, submits to the
  ring), the rest is worker threads.

@{[ join "", @table ]}
<!-- perl:end -->
END

my $doc = $o{doc};
my $text = -f $doc ? do { local (@ARGV, $/) = $doc; <> } : "# Performance\n";
if ($text =~ /<!-- perl:begin -->.*?<!-- perl:end -->\n?/s) {
    $text =~ s/<!-- perl:begin -->.*?<!-- perl:end -->\n?/$section/s;
} else {
    $text =~ s/\n*\z/\n\n/;
    $text .= $section;
}
open my $fh, ">", $doc or die "$doc: $!";
print $fh $text;
close $fh;
print "# wrote the Perl section of $doc\n";
