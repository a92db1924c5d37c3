// Directories: readdir and readdirx, compared with readdir(3), `ls -f` and
// (when Perl's IO::AIO is installed) with aio_readdirx itself.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "meta_helpers.hpp"
#include "ops/dir.hpp"

namespace {

using aio::testing::temp_dir;
using aio::testing::write_file;
using meta_test::call;
using meta_test::err;
using meta_test::open_wd;

// readdir(3) of a directory, without "." and "..", in directory order.
std::vector<aio::dirent_t> sync_readdir(const std::string& path) {
    std::vector<aio::dirent_t> out;
    DIR* d = ::opendir(path.c_str());
    EXPECT_NE(d, nullptr) << path;
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        out.push_back({n, e->d_type, e->d_ino});
    }
    ::closedir(d);
    return out;
}

std::vector<std::string> names_of(const std::vector<aio::dirent_t>& v) {
    std::vector<std::string> n;
    for (const auto& e : v)
        n.push_back(e.name);
    return n;
}

struct Dirs : ::testing::Test {
    temp_dir tmp{"aiopp-dir"};
    aio::context ctx;
    aio::result<std::vector<std::string>> readdir(aio::path_arg p) {
        return call<std::vector<std::string>>(
            ctx, [&](auto cb) { aio::readdir(std::move(p), std::move(cb), ctx); });
    }
    aio::result<aio::dir_entries> readdirx(aio::path_arg p, unsigned flags) {
        return call<aio::dir_entries>(
            ctx, [&](auto cb) { aio::readdirx(std::move(p), flags, std::move(cb), ctx); });
    }
    // A directory with one of each kind, and awkward names.
    std::string make_mixed() {
        std::string d = tmp / "mixed";
        EXPECT_EQ(::mkdir(d.c_str(), 0755), 0);
        write_file(d + "/plain.txt", "x");
        write_file(d + "/line\nbreak", "x");
        write_file(d + "/latin1-\xe9\xff", "x");
        write_file(d + "/ spaces and 'quotes' ", "x");
        write_file(d + "/.hidden", "x");
        EXPECT_EQ(::mkdir((d + "/sub").c_str(), 0755), 0);
        EXPECT_EQ(::mkdir((d + "/.git").c_str(), 0755), 0);
        EXPECT_EQ(::symlink("plain.txt", (d + "/link").c_str()), 0);
        EXPECT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);
        return d;
    }
};

// ---- readdir ------------------------------------------------------------------------

TEST_F(Dirs, ReaddirMatchesReaddir3IncludingOddNames) {
    std::string d = make_mixed();
    auto r = readdir(d);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, names_of(sync_readdir(d)));  // same entries, same (directory) order
    std::set<std::string> got(r->begin(), r->end());
    EXPECT_EQ(got.size(), 9u);
    EXPECT_TRUE(got.count("line\nbreak"));
    EXPECT_TRUE(got.count("latin1-\xe9\xff"));
    EXPECT_FALSE(got.count("."));
    EXPECT_FALSE(got.count(".."));
}

TEST_F(Dirs, ReaddirOfAnEmptyDirectoryIsEmptyNotAnError) {
    // IO::AIO 4.80: aio_readdir of an empty directory passes [] (not undef).
    ASSERT_EQ(::mkdir((tmp / "empty").c_str(), 0755), 0);
    auto r = readdir(tmp / "empty");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
    auto x = readdirx(tmp / "empty", aio::READDIR_DENTS);
    ASSERT_TRUE(x);
    EXPECT_TRUE(x->entries.empty());
    EXPECT_EQ(x->flags, aio::READDIR_DENTS);
}

TEST_F(Dirs, ReaddirErrors) {
    // IO::AIO 4.80: a non-directory gives undef with ENOTDIR.
    write_file(tmp / "file", "x");
    ASSERT_EQ(::symlink("nowhere", (tmp / "dangling").c_str()), 0);
    ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
    for (const char* n : {"file", "missing", "dangling", "file/x", "fifo"}) {
        SCOPED_TRACE(n);
        std::string p = tmp / n;
        errno = 0;
        int want = 0;
        if (DIR* d = ::opendir(p.c_str()))
            ::closedir(d);
        else
            want = errno;
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(readdir(p)), want);
        EXPECT_EQ(err(readdirx(p, aio::READDIR_DENTS)), want);
    }
    EXPECT_EQ(err(readdir(tmp / "file")), ENOTDIR);
    EXPECT_EQ(err(readdir(tmp / "missing")), ENOENT);
}

TEST_F(Dirs, ReaddirWithoutPermissionIsEacces) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    std::string d = tmp / "closed";
    ASSERT_EQ(::mkdir(d.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
    int rc = meta_test::in_child([&] {
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
            return 10;
        aio::context c;
        std::optional<aio::result<std::vector<std::string>>> r;
        aio::readdir(
            d, [&](auto v) { r.emplace(std::move(v)); }, c);
        c.flush();
        return r && r->err() == EACCES ? 0 : 11;
    });
    EXPECT_EQ(rc, 0);
}

TEST_F(Dirs, ReaddirWithWdAndThroughSymlink) {
    std::string d = make_mixed();
    ASSERT_EQ(::symlink("mixed", (tmp / "to-mixed").c_str()), 0);
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd m = open_wd(ctx, d);
    aio::wd elsewhere = open_wd(ctx, "/");
    auto want = names_of(sync_readdir(d));
    for (aio::path_arg p : {aio::path_arg{w, "mixed"}, aio::path_arg{w, "to-mixed"},
                            aio::path_arg(m), aio::path_arg{m, "."}, aio::path_arg{elsewhere, d}}) {
        SCOPED_TRACE(p.path);
        auto r = readdir(p);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(*r, want);
    }
}

TEST_F(Dirs, BadPathArguments) {
    aio::wd w = open_wd(ctx, tmp.path());
    EXPECT_EQ(err(readdir("")), ENOENT);
    EXPECT_EQ(err(readdir({w, ""})), ENOENT);
    EXPECT_EQ(err(readdir(meta_test::with_nul(tmp.path()))), EINVAL);
    EXPECT_EQ(err(readdir({aio::wd{}, "."})), ENOENT);
    EXPECT_EQ(err(readdir(aio::wd{})), ENOENT);
    EXPECT_EQ(err(readdirx({aio::wd{}, tmp.path()}, 0)), ENOENT);
    EXPECT_EQ(err(readdirx(meta_test::with_nul(tmp.path()), 0)), EINVAL);
}

TEST_F(Dirs, TenThousandEntriesMatchLsAndReaddir3) {
    std::string d = tmp / "big";
    ASSERT_EQ(::mkdir(d.c_str(), 0755), 0);
    int dfd = ::open(d.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dfd, 0);
    for (int i = 0; i < 10000; ++i) {
        std::string n = "entry-" + std::to_string(i) + std::string(i % 37, 'x');
        ASSERT_EQ(::mknodat(dfd, n.c_str(), S_IFREG | 0600, 0), 0);
    }
    ::close(dfd);
    auto r = readdir(d);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 10000u);
    EXPECT_EQ(*r, names_of(sync_readdir(d)));
    std::string ls;
    ASSERT_EQ(aio::testing::run("ls -f " + aio::testing::shell_quote(d), &ls), 0);
    std::vector<std::string> ls_names;
    std::istringstream in(ls);
    for (std::string line; std::getline(in, line);)
        if (line != "." && line != "..") ls_names.push_back(line);
    EXPECT_EQ(*r, ls_names);  // ls -f: unsorted, directory order

    auto x = readdirx(d, aio::READDIR_STAT_ORDER);
    ASSERT_TRUE(x);
    ASSERT_EQ(x->entries.size(), 10000u);
    EXPECT_TRUE(std::is_sorted(x->entries.begin(), x->entries.end(),
                               [](const auto& a, const auto& b) { return a.ino < b.ino; }));
}

TEST_F(Dirs, ManyConcurrentReaddirs) {
    // Many requests in flight on several workers: each must get its own
    // directory's entries.
    std::vector<std::string> dirs;
    for (int i = 0; i < 20; ++i) {
        std::string d = tmp / ("d" + std::to_string(i));
        ASSERT_EQ(::mkdir(d.c_str(), 0755), 0);
        for (int j = 0; j <= i * 10; ++j)
            write_file(d + "/f" + std::to_string(j), "");
        dirs.push_back(d);
    }
    std::map<std::size_t, aio::result<std::vector<std::string>>> got;
    for (int round = 0; round < 10; ++round)
        for (std::size_t i = 0; i < dirs.size(); ++i)
            aio::readdir(
                dirs[i],
                [&got, i, round](aio::result<std::vector<std::string>> r) {
                    if (round == 0) got.emplace(i, std::move(r));
                    if (!r && round != 0) ADD_FAILURE() << r.error().message();
                },
                ctx);
    aio::testing::flush_or_fail(ctx);
    ASSERT_EQ(got.size(), dirs.size());
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        ASSERT_TRUE(got.at(i));
        EXPECT_EQ(*got.at(i), names_of(sync_readdir(dirs[i])));
    }
}

// ---- readdirx -------------------------------------------------------------------------

TEST_F(Dirs, ReaddirxGivesNamesTypesAndInodes) {
    std::string d = make_mixed();
    auto x = readdirx(d, aio::READDIR_DENTS);
    ASSERT_TRUE(x);
    auto want = sync_readdir(d);
    EXPECT_EQ(x->entries, want);              // name, DT_* type and inode, in directory order
    EXPECT_EQ(x->flags, aio::READDIR_DENTS);  // ext4 knows every type
    std::map<std::string, unsigned char> types;
    for (const auto& e : x->entries)
        types[e.name] = e.type;
    EXPECT_EQ(types["sub"], DT_DIR);
    EXPECT_EQ(types["link"], DT_LNK);
    EXPECT_EQ(types["fifo"], DT_FIFO);
    EXPECT_EQ(types["plain.txt"], DT_REG);
    struct stat st;
    ASSERT_EQ(::lstat((d + "/sub").c_str(), &st), 0);
    for (const auto& e : x->entries)
        if (e.name == "sub") {
            EXPECT_EQ(e.ino, st.st_ino);
        }
    // Without READDIR_DENTS the C++ result still carries everything, and
    // READDIR_DENTS is reported, as IO::AIO 4.80 reports it.
    auto y = readdirx(d, 0);
    ASSERT_TRUE(y);
    EXPECT_EQ(y->entries, want);
    EXPECT_EQ(y->flags, aio::READDIR_DENTS);
}

void expect_dirs_then_rest(const aio::dir_entries& x, bool rest_by_inode) {
    std::size_t ndirs = 0;
    while (ndirs < x.entries.size() && x.entries[ndirs].type == DT_DIR)
        ++ndirs;
    for (std::size_t i = ndirs; i < x.entries.size(); ++i)
        EXPECT_NE(x.entries[i].type, DT_DIR) << x.entries[i].name;
    auto by_ino = [](const auto& a, const auto& b) { return a.ino < b.ino; };
    EXPECT_TRUE(std::is_sorted(x.entries.begin(), x.entries.begin() + ndirs, by_ino));
    if (rest_by_inode) {
        EXPECT_TRUE(std::is_sorted(x.entries.begin() + ndirs, x.entries.end(), by_ino));
    }
}

TEST_F(Dirs, ReaddirxOrders) {
    std::string d = make_mixed();
    for (int i = 0; i < 30; ++i) {
        write_file(d + "/f" + std::to_string(i), "");
        if (i % 4 == 0) {
            ASSERT_EQ(::mkdir((d + "/d" + std::to_string(i)).c_str(), 0755), 0);
        }
    }
    auto all = sync_readdir(d);
    auto by_ino = [](const auto& a, const auto& b) { return a.ino < b.ino; };

    auto s = readdirx(d, aio::READDIR_DENTS | aio::READDIR_STAT_ORDER);
    ASSERT_TRUE(s);
    EXPECT_TRUE(std::is_sorted(s->entries.begin(), s->entries.end(), by_ino));
    EXPECT_EQ(s->flags, aio::READDIR_DENTS | aio::READDIR_STAT_ORDER);

    auto f = readdirx(d, aio::READDIR_DIRS_FIRST);
    ASSERT_TRUE(f);
    expect_dirs_then_rest(*f, false);
    EXPECT_EQ(f->flags, aio::READDIR_DENTS | aio::READDIR_DIRS_FIRST);

    auto b = readdirx(d, aio::READDIR_DIRS_FIRST | aio::READDIR_STAT_ORDER);
    ASSERT_TRUE(b);
    expect_dirs_then_rest(*b, true);

    for (auto* r : {&s, &f, &b}) {  // the same entries, reordered
        auto sorted = (*r)->entries;
        auto want = all;
        auto by_name = [](const auto& x, const auto& y) { return x.name < y.name; };
        std::sort(sorted.begin(), sorted.end(), by_name);
        std::sort(want.begin(), want.end(), by_name);
        EXPECT_EQ(sorted, want);
    }
}

// IO::AIO 4.80 itself, on the same directory: the exact order for every
// flag combination (ext4: every type known).
TEST_F(Dirs, ReaddirxOrderMatchesIoAio) {
    if (aio::testing::run("perl -MIO::AIO -e 1 2>/dev/null") != 0)
        GTEST_SKIP() << "Perl IO::AIO not installed";
    std::string d = tmp / "cmp";
    ASSERT_EQ(::mkdir(d.c_str(), 0755), 0);
    for (int i = 0; i < 80; ++i) {  // > 60 entries: IO::AIO's radix-sort path too
        write_file(d + "/file" + std::to_string(i) + ".txt", "");
        if (i % 5 == 0) {
            ASSERT_EQ(::mkdir((d + "/dir" + std::to_string(i)).c_str(), 0755), 0);
        }
    }
    ASSERT_EQ(::mkdir((d + "/.hid").c_str(), 0755), 0);
    ASSERT_EQ(::symlink("file1.txt", (d + "/lnk").c_str()), 0);
    ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);
    std::string script =
        "use IO::AIO; my $d = shift; for my $f (0..7) { aio_readdirx $d, $f, sub { "
        "print \"$f $_[1]\\n\", map({ (ref $_ ? $_->[0] : $_) . \"\\n\" } @{$_[0]}), \"--\\n\" }; "
        "IO::AIO::flush; }";
    std::string out;
    ASSERT_EQ(aio::testing::run("perl -e " + aio::testing::shell_quote(script) + " " +
                                    aio::testing::shell_quote(d),
                                &out),
              0);
    std::istringstream in(out);
    for (unsigned flags = 0; flags < 8; ++flags) {
        SCOPED_TRACE(flags);
        unsigned pf = 0, pflags = 0;
        in >> pf >> pflags;
        in.ignore(1);
        ASSERT_EQ(pf, flags);
        std::vector<std::string> perl_names;
        for (std::string line; std::getline(in, line) && line != "--";)
            perl_names.push_back(line);
        auto x = readdirx(d, flags);
        ASSERT_TRUE(x);
        EXPECT_EQ(names_of(x->entries), perl_names);
        EXPECT_EQ(x->flags, pflags);
    }
}

// ---- ordering with unknown types (synthetic: ext4 always knows) ----------------

TEST(ReaddirxOrdering, DirScore) {
    auto score = [](const char* n, unsigned char t) {
        return aio::detail::dir_score(aio::dirent_t{n, t, 0});
    };
    EXPECT_EQ(score("anything", DT_DIR), 0u);
    EXPECT_EQ(score(".dotted", DT_REG), 7u);  // known non-directories: last
    EXPECT_EQ(score("x", DT_LNK), 7u);
    EXPECT_EQ(score(".git", DT_UNKNOWN), 1u);  // a leading dot: likely a directory
    EXPECT_EQ(score("a", DT_UNKNOWN), 2u);     // no dot: the shorter, the likelier
    EXPECT_EQ(score("ab", DT_UNKNOWN), 4u);
    EXPECT_EQ(score("abc", DT_UNKNOWN), 4u);
    EXPECT_EQ(score("abcd", DT_UNKNOWN), 5u);
    EXPECT_EQ(score("abcdef", DT_UNKNOWN), 5u);
    EXPECT_EQ(score("abcdefg", DT_UNKNOWN), 6u);
    EXPECT_EQ(score("Makefile.am", DT_UNKNOWN), 7u);  // a dot inside: likely a file
}

std::vector<aio::dirent_t> unknown_entries() {
    return {
        {"b.txt", DT_UNKNOWN, 10},  {"src", DT_UNKNOWN, 50},     {".git", DT_UNKNOWN, 60},
        {"x", DT_UNKNOWN, 70},      {"Makefile", DT_UNKNOWN, 5}, {"lib", DT_DIR, 80},
        {"a.c", DT_REG, 1},         {"docs", DT_UNKNOWN, 40},    {"io", DT_UNKNOWN, 30},
        {"README", DT_UNKNOWN, 20}, {"reg", DT_REG, 2},
    };
}

TEST(ReaddirxOrdering, DirsFirstWithUnknownTypesSortsByScoreThenInode) {
    const std::vector<std::string> expected = {
        "lib",                         // a known directory: 0
        ".git",                        // leading dot: 1
        "x",                           // one character: 2
        "io",       "src",             // two or three characters: 4, by inode
        "README",   "docs",            // four to six characters: 5, by inode
        "Makefile",                    // seven or more: 6
        "a.c",      "reg",  "b.txt"};  // the rest: 7, by inode
    for (unsigned flags :
         {aio::READDIR_DIRS_FIRST, aio::READDIR_DIRS_FIRST | aio::READDIR_STAT_ORDER}) {
        auto v = unknown_entries();
        unsigned out = aio::detail::order_entries(v, flags);
        EXPECT_EQ(names_of(v), expected) << flags;
        EXPECT_EQ(out, flags | aio::READDIR_DENTS | aio::READDIR_FOUND_UNKNOWN);
    }
}

TEST(ReaddirxOrdering, StatOrderAloneIsInodeOrder) {
    auto v = unknown_entries();
    unsigned out = aio::detail::order_entries(v, aio::READDIR_STAT_ORDER);
    EXPECT_EQ(names_of(v), (std::vector<std::string>{"a.c", "reg", "Makefile", "b.txt", "README",
                                                     "io", "docs", "src", ".git", "x", "lib"}));
    EXPECT_EQ(out, aio::READDIR_STAT_ORDER | aio::READDIR_DENTS | aio::READDIR_FOUND_UNKNOWN);
}

TEST(ReaddirxOrdering, NoOrderFlagsKeepDirectoryOrder) {
    auto v = unknown_entries();
    unsigned out = aio::detail::order_entries(v, 0);
    EXPECT_EQ(v, unknown_entries());
    EXPECT_EQ(out, aio::READDIR_DENTS | aio::READDIR_FOUND_UNKNOWN);
}

TEST(ReaddirxOrdering, DirsFirstWithKnownTypesPartitionsLikeIoAio) {
    std::vector<aio::dirent_t> v = {{"f1", DT_REG, 5}, {"d1", DT_DIR, 9}, {"f2", DT_REG, 3},
                                    {"d2", DT_DIR, 1}, {"f3", DT_REG, 7}, {"d3", DT_DIR, 4}};
    // The caller's FOUND_UNKNOWN is ignored (it only reports).
    unsigned out =
        aio::detail::order_entries(v, aio::READDIR_DIRS_FIRST | aio::READDIR_FOUND_UNKNOWN);
    EXPECT_EQ(names_of(v), (std::vector<std::string>{"d2", "d3", "d1", "f2", "f3", "f1"}));
    EXPECT_EQ(out, aio::READDIR_DIRS_FIRST | aio::READDIR_DENTS);
}

TEST(ReaddirxOrdering, EqualInodesKeepDirectoryOrder) {
    std::vector<aio::dirent_t> v = {{"h2", DT_REG, 7}, {"h1", DT_REG, 7}, {"a", DT_REG, 3}};
    aio::detail::order_entries(v, aio::READDIR_STAT_ORDER);
    EXPECT_EQ(names_of(v), (std::vector<std::string>{"a", "h2", "h1"}));
}

}  // namespace
