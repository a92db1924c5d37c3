# IO::AIO::REQ (cancel, cb) and IO::AIO::GRP (add, result, errno, feed,
# limit, cancel_subs), request priorities.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use AioTest;
use IO::AIO;

# ---- request objects ------------------------------------------------------------------------
{
    my $req = aio_nop;
    isa_ok($req, "IO::AIO::REQ", "non-void context: a request object");
    $req->{mine} = 42;
    is($req->{mine}, 42, "a hash the program may use");
    my @list = (aio_nop);
    is(scalar @list, 1, "list context: one object");
    run_flush;
    ok(eval { $req->cancel; 1 }, "cancel on a finished request does nothing");
    my @cb = $req->cb;
    is(scalar @cb, 0, "cb on a finished request returns nothing");
}

# void context returns nothing
{
    my @r = sub { aio_nop; return }->();
    is(scalar @r, 0, "void context");
}

# cb: replace the callback, get the old one
{
    my @ran;
    my $req = aio_nop sub { push @ran, "old" };
    my $old = $req->cb(sub { push @ran, "new" });
    is(ref $old, "CODE", "cb returns the previous callback");
    run_flush;
    is_deeply(\@ran, ["new"], "the new callback runs instead");
    my $r2 = aio_nop;
    ok(!defined $r2->cb, "no callback: undef");
    $r2->cb(sub { push @ran, "set later" });
    run_flush;
    is($ran[-1], "set later", "a callback set after submission runs");
    my $r3 = aio_nop sub { push @ran, "removed" };
    $r3->cb(undef);
    run_flush;
    is($ran[-1], "set later", "cb undef removes the callback");
}

# cancel: a queued request neither executes nor calls back
{
    IO::AIO::max_parallel 0;    # nothing executes: everything stays queued
    my @ran;
    my $dir = tmpdir();
    my $r1 = aio_mkdir "$dir/x", 0777, sub { push @ran, "mkdir" };
    my $r2 = aio_nop sub { push @ran, "nop" };
    $r1->cancel;
    is(IO::AIO::nreqs, 2, "both requests still counted");
    IO::AIO::min_parallel 8;
    run_flush;
    is_deeply(\@ran, ["nop"], "the cancelled request did not call back");
    ok(!-e "$dir/x", "and did not execute");
}

# ---- groups -----------------------------------------------------------------------------------
{
    my @args;
    my $grp = aio_group sub { @args = @_ };
    isa_ok($grp, "IO::AIO::GRP");
    isa_ok($grp, "IO::AIO::REQ");
    run_flush;
    is_deeply(\@args, [], "an empty group finishes with no arguments");
    my @r = sub { aio_group; return }->();
    ok(1, "aio_group in void context");
}
{
    my ($args, $errno);
    my @order;
    my $grp = aio_group sub { $args = [@_]; $errno = $! + 0; push @order, "grp" };
    my @ret = add $grp aio_nop(sub { push @order, "a" }), aio_nop(sub { push @order, "b" });
    is(scalar @ret, 2, "add returns its arguments");
    isa_ok($ret[0], "IO::AIO::REQ");
    $! = 5;
    $grp->result(1, "two", [3]);
    run_flush;
    is_deeply($args, [1, "two", [3]], "result values passed to the callback");
    is($errno, 5, "result sets the group errno from \$!");
    is($order[-1], "grp", "the group finishes after its requests");
}
{
    my $errno;
    my $grp = aio_group sub { $errno = $! + 0 };
    $grp->errno(7);
    run_flush;
    is($errno, 7, "errno sets the group errno");
    my $g2 = aio_group sub { $errno = $! + 0 };
    $! = 9;
    $g2->errno;
    run_flush;
    is($errno, 9, "errno without argument takes \$!");
}
{
    # requests added from callbacks keep the group alive
    my @order;
    my $grp = aio_group sub { push @order, "grp" };
    add $grp aio_nop sub {
        push @order, "first";
        add $grp aio_nop sub { push @order, "second" };
    };
    run_flush;
    is_deeply(\@order, [qw(first second grp)], "requests added from callbacks delay the group");
    eval { add $grp aio_nop };
    like($@, qr/busy IO::AIO::REQ object expected/, "adding to a finished group croaks");
    $@ = "";    # IO::AIO 4.80 rethrows a stale $@ when a request without callback finishes
    run_flush;
}
{
    my $err;
    my $g2;
    $g2 = aio_group sub { eval { $g2->add(aio_nop) }; $err = $@ };
    run_flush;
    like($err, qr/cannot add requests to IO::AIO::GRP after the group finished/,
         "adding from the group's own callback croaks");
    undef $g2;
}
{
    # nested groups
    my @order;
    my $outer = aio_group sub { push @order, "outer" };
    my $inner = aio_group sub { push @order, "inner" };
    add $inner aio_nop sub { push @order, "nop" };
    add $outer $inner;
    run_flush;
    is_deeply(\@order, [qw(nop inner outer)], "a group inside a group");
}
{
    # cancel a group: its requests and the group callback never run
    IO::AIO::max_parallel 0;
    my @ran;
    my $grp = aio_group sub { push @ran, "grp" };
    add $grp aio_nop(sub { push @ran, "a" }), aio_nop(sub { push @ran, "b" });
    my $other = aio_nop sub { push @ran, "other" };
    $grp->cancel;
    IO::AIO::min_parallel 8;
    run_flush;
    is_deeply(\@ran, ["other"], "cancelling a group cancels its requests");
}
{
    # cancel_subs: the subrequests go, the group still finishes
    IO::AIO::max_parallel 0;
    my @ran;
    my $grp = aio_group sub { push @ran, "grp" };
    add $grp aio_nop(sub { push @ran, "a" }), aio_nop(sub { push @ran, "b" });
    $grp->cancel_subs;
    IO::AIO::min_parallel 8;
    run_flush;
    is_deeply(\@ran, ["grp"], "cancel_subs: the group callback still runs");
}

# ---- feeders --------------------------------------------------------------------------------------
{
    my @items = 1 .. 20;
    my ($active, $max, $done) = (0, 0, 0);
    my $finished;
    my $grp = aio_group sub { $finished = 1 };
    limit $grp 3;
    feed $grp sub {
        my $x = shift @items or return;
        ++$active;
        $max = $active if $active > $max;
        add $grp aio_nop sub { --$active; ++$done };
    };
    run_flush;
    is($done, 20, "the feeder supplied every request");
    ok($max <= 3, "never more than limit requests active (max $max)");
    ok($finished, "the group finished when the feeder ran dry");
}
{
    # setting a feeder raises a zero limit to 2
    my ($active, $max) = (0, 0);
    my $n = 10;
    my $grp = aio_group;
    feed $grp sub {
        return unless $n--;
        ++$active;
        $max = $active if $active > $max;
        add $grp IO::AIO::aio_busy 0.001, sub { --$active };
    };
    run_flush;
    is($n, -1, "the feeder ran until it added nothing");
    ok($max <= 2 && $max >= 1, "feed bumps limit 0 to 2 (max active $max)");
}
{
    # limit 0 pauses feeding (the group then finishes when it runs empty)
    my ($fed, $finished) = (0, 0);
    my $grp = aio_group sub { $finished = 1 };
    feed $grp sub { $fed++; add $grp aio_nop };
    is($fed, 2, "feed calls the feeder at once, up to the limit 2");
    limit $grp 0;
    run_flush;
    is($fed, 2, "limit 0: the feeder is not called any more");
    ok($finished, "the group finished");
}
{
    # a feeder that dies is removed; the error does not escape
    my $done;
    my $grp = aio_group sub { $done = 1 };
    {
        local $SIG{__WARN__} = sub {};
        feed $grp sub { die "feeder died\n" };
        run_flush;
    }
    ok($done, "a dying feeder does not stop the group");
}

# ---- priorities ---------------------------------------------------------------------------------------
{
    is(aioreq_pri, 0, "default priority 0");
    is(aioreq_pri(3), 0, "aioreq_pri returns the previous value");
    is(aioreq_pri, 3, "and sets the next one");
    aio_nop;
    is(aioreq_pri(), 0, "reset after a request");
    aioreq_pri 9;
    is(aioreq_pri(), 4, "clamped to 4");
    aioreq_pri(-9);
    is(aioreq_pri, -4, "clamped to -4");
    aioreq_pri 0;
    aioreq_nice(2);
    is(aioreq_pri, -2, "aioreq_nice subtracts");
    aioreq_nice(-3);
    is(aioreq_pri, 1, "cumulatively");
    aioreq_pri 0;
    run_flush;

    # higher priority runs first: with one worker kept busy, queue low then
    # high (aio_busy requests: they always run on a worker thread)
    IO::AIO::max_parallel 1;
    my @order;
    IO::AIO::aio_busy 0.1;
    aioreq_pri(-4);
    IO::AIO::aio_busy 0, sub { push @order, "low" };
    aioreq_pri 4;
    IO::AIO::aio_busy 0, sub { push @order, "high" };
    IO::AIO::aio_busy 0, sub { push @order, "default" };
    run_flush;
    IO::AIO::min_parallel 8;
    is_deeply(\@order, [qw(high default low)], "requests run in priority order");
}

done_testing;
