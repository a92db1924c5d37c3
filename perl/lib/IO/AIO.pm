package IO::AIO;

# IO::AIO 4.80's interface, implemented on aiopp (asynchronous file and
# system I/O for C++20). The behaviour is the IO::AIO manual's; see
# docs/perl.md in the aiopp sources for where and why it differs from
# IO::AIO 4.80.

use strict;
use warnings;
no warnings 'once';

use Carp ();
use Exporter ();
use Fcntl ();

our @ISA = ('Exporter');
our $VERSION;
our (@AIO_REQ, @EXPORT, @EXPORT_OK, $AIOPP);

BEGIN {
    $VERSION = '4.80';

    # the implementation behind this module (absent in IO::AIO itself)
    $AIOPP = 1;

    @AIO_REQ = qw(aio_sendfile aio_seek aio_read aio_write aio_open aio_close
                  aio_stat aio_lstat aio_unlink aio_rmdir aio_readdir aio_readdirx
                  aio_scandir aio_symlink aio_readlink aio_realpath aio_fcntl aio_ioctl
                  aio_sync aio_fsync aio_syncfs aio_fdatasync aio_sync_file_range
                  aio_pathsync aio_readahead aio_fiemap aio_allocate
                  aio_rename aio_rename2 aio_link aio_move aio_copy aio_group
                  aio_nop aio_mknod aio_load aio_rmtree aio_mkdir aio_chown
                  aio_chmod aio_utime aio_truncate
                  aio_msync aio_mtouch aio_mlock aio_mlockall
                  aio_statvfs
                  aio_slurp
                  aio_wd);

    @EXPORT = (@AIO_REQ, qw(aioreq_pri aioreq_nice));
    @EXPORT_OK = qw(poll_fileno poll_cb poll_wait flush
                    min_parallel max_parallel max_idle idle_timeout
                    nreqs nready npending nthreads
                    max_poll_time max_poll_reqs
                    sendfile fadvise madvise
                    mmap munmap mremap munlock munlockall

                    accept4 tee splice pipe2 pipesize
                    fexecve mount umount memfd_create eventfd
                    timerfd_create timerfd_settime timerfd_gettime
                    pidfd_open pidfd_send_signal pidfd_getfd);

    push @AIO_REQ, qw(aio_busy);    # not exported

    @IO::AIO::GRP::ISA = ('IO::AIO::REQ');

    require XSLoader;
    XSLoader::load('IO::AIO', $VERSION);

    # aiopp's tree operations (not in IO::AIO 4.80): exported on request
    push @EXPORT_OK, grep { defined &{"IO::AIO::$_"} } qw(aio_cptree aio_mvtree);
}

# ---- composite requests ------------------------------------------------------
#
# Groups of primitive requests, as in IO::AIO. Where the C++ library provides
# the composite (include/aio/tree.hpp, copy.hpp), the XS part defines
# _aiopp_<name> and that is used instead of the Perl version below.


sub _pl_load($$;$) {
    my ($path, undef, $cb) = @_;
    my $data = \$_[1];
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    aioreq_pri($pri);
    $grp->add(aio_open($path, Fcntl::O_RDONLY(), 0, sub {
        my $fh = shift or return $grp->result(-1);
        aioreq_pri($pri);
        $grp->add(aio_read($fh, 0, -s $fh, $$data, 0, sub {
            $grp->result($_[0]);
        }));
    }));
    $grp;
}

sub _pl_copy($$;$) {
    my ($src, $dst, $cb) = @_;
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    aioreq_pri($pri);
    $grp->add(aio_open($src, Fcntl::O_RDONLY(), 0, sub {
        my $in = shift or return $grp->result(-1);
        my @st = stat $in;
        aioreq_pri($pri);
        $grp->add(aio_open($dst, Fcntl::O_CREAT() | Fcntl::O_WRONLY() | Fcntl::O_TRUNC(), 0200, sub {
            my $out = shift or return $grp->result(-1);
            aioreq_pri($pri);
            $grp->add(aio_sendfile($out, $in, 0, $st[7], sub {
                if ($_[0] == $st[7]) {
                    $grp->result(0);
                    close $in;
                    # restore times, mode and owner; errors are ignored
                    my $owner = sub {
                        aioreq_pri($pri);
                        $grp->add(aio_chmod($out, $st[2] & 07777, sub {
                            aioreq_pri($pri);
                            $grp->add(aio_chown($out, $st[4], $st[5], sub {
                                aioreq_pri($pri);
                                $grp->add(aio_close($out));
                            }));
                        }));
                    };
                    aioreq_pri($pri);
                    $grp->add(aio_utime($out, $st[8], $st[9], sub {
                        if ($_[0] < 0 && $! == ENOSYS()) {
                            aioreq_pri($pri);
                            $grp->add(aio_utime($dst, $st[8], $st[9], $owner));
                        } else {
                            $owner->();
                        }
                    }));
                } else {
                    # a failed or short copy: no partial destination is left
                    $! = 5 if $_[0] >= 0;    # EIO for a short copy
                    $grp->result(-1);
                    close $in;
                    close $out;
                    aioreq_pri($pri);
                    $grp->add(aio_unlink($dst));
                }
            }));
        }));
    }));
    $grp;
}

sub _pl_move($$;$) {
    my ($src, $dst, $cb) = @_;
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    aioreq_pri($pri);
    $grp->add(aio_rename($src, $dst, sub {
        if ($_[0] && $! == EXDEV()) {
            aioreq_pri($pri);
            $grp->add(aio_copy($src, $dst, sub {
                $grp->result($_[0]);
                unless ($_[0]) {
                    aioreq_pri($pri);
                    $grp->add(aio_unlink($src));
                }
            }));
        } else {
            $grp->result($_[0]);
        }
    }));
    $grp;
}

our $_SCANDIR_NO_TYPES;    # tests: pretend the file system reports no d_type

sub _pl_scandir($$;$) {
    my ($path, $maxreq, $cb) = @_;
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    $maxreq = 4 if !$maxreq || $maxreq <= 0;

    aioreq_pri($pri);
    $grp->add(aio_wd($path, sub {
        my $wd = shift or return $grp->result;
        # when the file system reports every entry's type, that is the answer
        aioreq_pri($pri);
        $grp->add(aio_readdirx($wd, READDIR_DENTS() | READDIR_DIRS_FIRST(), sub {
            my ($entries, $got) = @_;
            return $grp->result unless $entries;
            unless ($got & READDIR_FOUND_UNKNOWN() || $IO::AIO::_SCANDIR_NO_TYPES) {
                my (@dirs, @nondirs);
                push @{ $_->[1] == DT_DIR() ? \@dirs : \@nondirs }, $_->[0] for @$entries;
                return $grp->result(\@dirs, \@nondirs);
            }
            _pl_scandir_stat($grp, $wd, $maxreq, $pri);
        }));
    }));
    $grp;
}

# The manual's heuristics for file systems without d_type: the link count
# (if the directory did not change while it was read) tells how many
# subdirectories to look for; likely directories are stat'ed first.
sub _pl_scandir_stat {
    my ($grp, $wd, $maxreq, $pri) = @_;
    aioreq_pri($pri);
    $grp->add(aio_stat($wd, sub {
        return $grp->result if $_[0];
        my $now = time;
        my @st1 = (stat _)[0, 1, 3, 7, 9];
        aioreq_pri($pri);
        $grp->add(aio_readdirx($wd, READDIR_DIRS_FIRST(), sub {
            my ($entries) = @_;
            return $grp->result unless $entries;
            aioreq_pri($pri);
            $grp->add(aio_stat($wd, sub {
                my @st2 = (stat _)[0, 1, 3, 7, 9];
                my $ndirs = -1;    # unknown
                if ("@st1" eq "@st2" && $st2[4] != $now) {
                    $ndirs = $st2[2] - 2;
                    return $grp->result([], $entries) unless $ndirs;
                }
                my (@dirs, @nondirs);
                my $sg = aio_group(sub { $grp->result(\@dirs, \@nondirs) });
                $grp->add($sg);
                $sg->limit($maxreq);
                $sg->feed(sub {
                    return unless @$entries;
                    my $name = shift @$entries;
                    aioreq_pri($pri);
                    $sg->add(aio_stat([$wd, "$name/."], sub {
                        return push @nondirs, $name if $_[0] < 0;
                        aioreq_pri($pri);
                        $sg->add(aio_lstat([$wd, $name], sub {
                            if (-d _) {
                                push @dirs, $name;
                                unless (--$ndirs) {
                                    push @nondirs, @$entries;
                                    @$entries = ();
                                }
                            } else {
                                push @nondirs, $name;
                            }
                        }));
                    }));
                });
            }));
        }));
    }));
}

sub _pl_rmtree($;$) {
    my ($path, $cb) = @_;
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    aioreq_pri($pri);
    $grp->add(aio_scandir($path, 0, sub {
        my ($dirs, $nondirs) = @_;
        my $sub = aio_group(sub {
            $grp->add(aio_rmdir($path, sub { $grp->result($_[0]) }));
        });
        for (@{ $dirs || [] }) {
            aioreq_pri($pri);
            $sub->add(aio_rmtree("$path/$_"));
        }
        for (@{ $nondirs || [] }) {
            aioreq_pri($pri);
            $sub->add(aio_unlink("$path/$_"));
        }
        $grp->add($sub);
    }));
    $grp;
}

sub _pl_pathsync($;$) {
    my ($path, $cb) = @_;
    my $pri = aioreq_pri();
    my $grp = aio_group($cb);
    aioreq_pri($pri);
    $grp->add(aio_open($path, Fcntl::O_RDONLY(), 0, sub {
        my $fh = shift or return $grp->result(-1);
        aioreq_pri($pri);
        $grp->add(aio_fsync($fh, sub {
            $grp->result($_[0]);
            aioreq_pri($pri);
            $grp->add(aio_close($fh));
        }));
    }));
    $grp;
}

# Bind each composite to its C++ implementation when the library has one.
for my $name (qw(load copy move scandir rmtree pathsync)) {
    no strict 'refs';
    my $impl = defined &{"IO::AIO::_aiopp_$name"} ? \&{"IO::AIO::_aiopp_$name"} : \&{"IO::AIO::_pl_$name"};
    *{"IO::AIO::aio_$name"} = $impl;
}

# IO::AIO 4.80 runs flush at program end (the manual: max_parallel 0);
# IO::AIO::_end also copes with fork children that did not call reinit.
END { IO::AIO::_end() }

1;

__END__

=head1 NAME

IO::AIO - Asynchronous/Advanced Input/Output (IO::AIO 4.80 interface on aiopp)

=head1 SYNOPSIS

 use IO::AIO;

 aio_open "/etc/passwd", IO::AIO::O_RDONLY, 0, sub {
    my $fh = shift
       or die "/etc/passwd: $!";
    ...
 };

 my $grp = aio_group sub { print "all stats done\n" };
 add $grp aio_stat "..." for ...;

=head1 DESCRIPTION

This is IO::AIO's interface on top of aiopp, a C++20 rebuild of libeio.
Programs written for IO::AIO 4.80 run unchanged: every function, constant,
prototype and export of 4.80 is provided, with the behaviour the IO::AIO
manual documents. The differences from IO::AIO 4.80 are listed in the aiopp
sources, F<docs/perl.md>. C<$IO::AIO::AIOPP> is true in this module.

=head1 ADDITIONS

When the aiopp library provides its tree operations, two more requests
exist (exported on request, not by default):

=over 4

=item aio_cptree $srcpath, $dstpath[, \%options], $callback->($status, \%stats)

Copies the tree at C<$srcpath> to C<$dstpath> (which must not exist), like
C<cp -a>: directories, regular files (holes kept, reflinked where possible),
symlinks, hard links within the tree, fifos, sockets and device nodes, with
owners, modes and times. C<$status> is 0 or -1 (C<$!> set); C<%stats> holds
C<entries dirs files symlinks specials hardlinks bytes renamed>, and after a
failure C<path> and C<op> (the entry and the call that failed). The
destination never holds a partially written file. Options: C<max_active>
(steps in flight, default 16), C<xattrs> (copy extended attributes),
C<progress> (a callback receiving a hash of C<entries_done entries_total
bytes_done bytes_total totals_final>), C<progress_every> (entries between
progress calls).

=item aio_mvtree $srcpath, $dstpath[, \%options], $callback->($status, \%stats)

Moves the tree: C<renameat2(RENAME_NOREPLACE)>, or, across file systems,
C<aio_cptree> followed by removing the source once the copy is complete
(C<$stats{renamed}> says which).

=back

=cut
