# The treescan program that Debian's libio-aio-perl installs, run unchanged
# with the module under test: its output on a generated tree equals what it
# prints with IO::AIO 4.80 and what find(1) lists. treescan's order depends
# on which requests finish first (with either module), so the lines are
# compared as sorted lists; directories must come before their contents.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use Config;
use Cwd ();

my $treescan = "/usr/bin/treescan";
plan skip_all => "$treescan (libio-aio-perl) not installed" unless -f $treescan;
eval { require common::sense; 1 } or plan skip_all => "common::sense (needed by treescan) not installed";

my $dir = tmpdir();
my $root = "$dir/tree";

# a deterministic tree: 3 levels of 4 directories, files of several kinds,
# symlinks to files and directories, hidden names, awkward characters
my $n = 0;
sub gen {
    my ($d, $depth) = @_;
    mkdir $d or die "$d: $!";
    spew("$d/file$_", "x" x $_) for 1 .. 5;
    spew("$d/.hidden", "");
    spew("$d/with space", "");
    spew("$d/ümlaut", "");
    symlink "file1", "$d/link_to_file" or die;
    symlink "/nonexistent", "$d/dangling" or die;
    return if $depth == 0;
    gen("$d/dir$_", $depth - 1) for 1 .. 4;
    symlink "dir1", "$d/link_to_dir" or die;
}
gen($root, 3);

# the module under test (blib when prove -b), and IO::AIO 4.80 itself
my $vendor = $Config{vendorarch};
my @ours = ("-I$vendor");
if (ours()) {
    (my $lib = $INC{"IO/AIO.pm"}) =~ s{/IO/AIO\.pm$}{};
    my ($arch) = grep { !ref && -f "$_/auto/IO/AIO/AIO.so" } @INC;
    @ours = map { "-I" . Cwd::abs_path($_) } $lib, $arch;
}
{
    # the subprocesses really load the module under test
    local $ENV{PERL5LIB};
    my $path = `$^X @ours -MIO::AIO -e 'print \$INC{"IO/AIO.pm"}'`;
    is(Cwd::abs_path($path), Cwd::abs_path($INC{"IO/AIO.pm"}), "treescan runs with the module under test");
}
my $have_480 = -f "$vendor/IO/AIO.pm";

sub treescan {
    my ($inc, @args) = @_;
    local $ENV{PERL5LIB};
    open my $p, "-|", $^X, @$inc, $treescan, @args or die;
    local $/;
    my $out = <$p>;
    close $p;
    is($?, 0, "treescan @args exits 0");
    $out;
}

sub lines { my ($sep, $s) = @_; [sort split /\Q$sep\E/, $s] }

# what find(1) says: directories with a trailing slash, everything else plain
my @find = do {
    open my $f, "-|", "find", $root, "-printf", "%y %p\\n" or die;
    map { my ($t, $p) = /^(\S) (.*)$/; $t eq "d" ? "$p/" : $p } <$f>;
};
chomp @find;
@find = sort @find;

my @mods = (["module under test", \@ours]);
push @mods, ["IO::AIO 4.80", ["-I$vendor"]] if $have_480 && ours();

my %out;
for my $m (@mods) {
    my ($name, $inc) = @$m;
    my $o = treescan($inc, $root);
    $out{$name} = $o;
    is_deeply(lines("\n", $o), \@find, "treescan with the $name lists what find lists");
    # every directory is printed before anything inside it
    my %seen;
    my $order_ok = 1;
    for my $line (split /\n/, $o) {
        (my $parent = $line) =~ s{/[^/]+/?$}{/};
        $order_ok = 0, diag "$line before $parent" if $line ne "$root/" && !$seen{$parent};
        $seen{$line} = 1;
    }
    ok($order_ok, "directories come before their contents");
}

# every option, compared between the two modules
SKIP: {
    skip "only when testing aiopp's module with IO::AIO 4.80 installed", 12 unless @mods == 2;
    is_deeply(lines("\n", $out{"module under test"}), lines("\n", $out{"IO::AIO 4.80"}), "default output equal");
    for my $opts (["-d"], ["-f"], ["-0"], ["-g", "dir[12]/file[0-9]\$"], ["-s", "-q"], ["--sync", "-f"]) {
        my $sep = $opts->[0] eq "-0" ? "\0" : "\n";
        my $a = treescan(\@ours, @$opts, $root);
        my $b = treescan(["-I$vendor"], @$opts, $root);
        is_deeply(lines($sep, $a), lines($sep, $b), "treescan @$opts: same output as with IO::AIO 4.80");
    }
}

# several roots, a file given as root, a missing root
{
    my $o = treescan(\@ours, "$root/dir1", "$root/dir2/");
    my @want = grep { m{^\Q$root\E/dir[12]/} } @find;
    is_deeply(lines("\n", $o), \@want, "two roots");
}

done_testing;
