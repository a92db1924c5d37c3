#include "options.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace treescan {

namespace {

constexpr const char* kVersion = "0.1.0";

constexpr const char* kHelp =
    "Usage: treescan [OPTION...] [PATH...]\n"
    "Scan directory trees with many requests in flight (aiopp); list directories\n"
    "(with a trailing '/') and files. Without PATH, scans '.'.\n"
    "\n"
    "  -q, --quiet        do not print the list of files/directories\n"
    "  -0, --print0       use a null character instead of newline after each name\n"
    "  -s, --stat         call lstat on every entry, to get stat data into the cache\n"
    "  -d, --dirs         only list directories\n"
    "  -f, --files        only list files (everything that is not a directory)\n"
    "  -p, --progress     print progress to stderr every second, and a summary\n"
    "      --sync         open/fsync/close every file and directory\n"
    "  -g, --grep=RE      only list paths that match the Perl regular expression RE\n"
    "                     (PCRE2, with the /s modifier: '.' matches a newline)\n"
    "  -j, --jobs=N       directories in flight (default: 64 per worker thread)\n"
    "      --threads=N    worker threads (default: 2, doubled up to 64 while the\n"
    "                     workers wait for a slow disk or filesystem)\n"
    "      --help         print this help and exit\n"
    "      --version      print the version and exit\n"
    "\n"
    "Exit status: 0 if every directory could be read, 1 if some could not (each\n"
    "one is reported on stderr and the scan goes on), 2 for usage errors.\n";

struct spec {
    const char* name;  // long name
    char letter;       // short name, or 0
    bool takes_value;
};

constexpr spec kSpecs[] = {
    {"quiet", 'q', false}, {"print0", '0', false},   {"stat", 's', false}, {"dirs", 'd', false},
    {"files", 'f', false}, {"progress", 'p', false}, {"sync", 0, false},   {"grep", 'g', true},
    {"jobs", 'j', true},   {"threads", 0, true},     {"help", 0, false},   {"version", 0, false},
};

bool parse_count(std::string_view what, const std::string& v, unsigned& out, std::string& error) {
    char* end = nullptr;
    errno = 0;
    unsigned long n = std::strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || n == 0 || n > 4096 || v[0] == '-') {
        error = "Value \"" + v + "\" invalid for option " + std::string(what) +
                " (a number from 1 to 4096 expected)";
        return false;
    }
    out = static_cast<unsigned>(n);
    return true;
}

// Apply one option. Returns false with `error` set on bad values.
bool apply(const spec& s, const std::string& value, options& o, std::string& error,
           parse_result& status, FILE* out) {
    std::string_view n = s.name;
    if (n == "quiet") o.quiet = true;
    if (n == "print0") o.print0 = true;
    if (n == "stat") o.stat = true;
    if (n == "dirs") o.dirs_only = true;
    if (n == "files") o.files_only = true;
    if (n == "progress") o.progress = true;
    if (n == "sync") o.sync = true;
    if (n == "grep") o.grep = value;
    if (n == "jobs") return parse_count("jobs", value, o.jobs, error);
    if (n == "threads") return parse_count("threads", value, o.threads, error);
    if (n == "help") {
        std::fputs(kHelp, out);
        status = parse_result::exit_ok;
    }
    if (n == "version") {
        std::fprintf(out, "treescan (aiopp) %s\n", kVersion);
        status = parse_result::exit_ok;
    }
    return true;
}

// A long option by its name or a unique prefix of it.
const spec* find_long(std::string_view name, std::string& error) {
    const spec* found = nullptr;
    for (const auto& s : kSpecs) {
        std::string_view full = s.name;
        if (full == name) return &s;
        if (full.substr(0, name.size()) == name) {
            if (found) {
                error = "Option " + std::string(name) + " is ambiguous";
                return nullptr;
            }
            found = &s;
        }
    }
    if (!found) error = "Unknown option: " + std::string(name);
    return found;
}

const spec* find_short(char c, std::string& error) {
    for (const auto& s : kSpecs)
        if (s.letter == c) return &s;
    error = std::string("Unknown option: ") + c;
    return nullptr;
}

}  // namespace

parse_result parse_options(int argc, char** argv, options& o, std::string& error, FILE* out) {
    parse_result status = parse_result::run;
    int i = 1;
    for (; i < argc && status == parse_result::run; ++i) {
        std::string arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') break;  // require_order: first path ends options
        if (arg[1] == '-') {
            std::string name = arg.substr(2), value;
            auto eq = name.find('=');
            bool has_value = eq != std::string::npos;
            if (has_value) {
                value = name.substr(eq + 1);
                name.resize(eq);
            }
            const spec* s = find_long(name, error);
            if (!s) return parse_result::usage_error;
            if (s->takes_value && !has_value) {
                if (i + 1 >= argc) {
                    error = "Option " + name + " requires an argument";
                    return parse_result::usage_error;
                }
                value = argv[++i];
            } else if (!s->takes_value && has_value) {
                error = "Option " + name + " does not take an argument";
                return parse_result::usage_error;
            }
            if (!apply(*s, value, o, error, status, out)) return parse_result::usage_error;
            continue;
        }
        for (std::size_t k = 1; k < arg.size() && status == parse_result::run; ++k) {
            const spec* s = find_short(arg[k], error);
            if (!s) return parse_result::usage_error;
            std::string value;
            if (s->takes_value) {
                if (k + 1 < arg.size()) {
                    value = arg.substr(k + 1);
                } else if (i + 1 < argc) {
                    value = argv[++i];
                } else {
                    error = std::string("Option ") + arg[k] + " requires an argument";
                    return parse_result::usage_error;
                }
                k = arg.size();
            }
            if (!apply(*s, value, o, error, status, out)) return parse_result::usage_error;
        }
    }
    if (status != parse_result::run) return status;
    for (; i < argc; ++i)
        o.paths.emplace_back(argv[i]);
    if (o.paths.empty()) o.paths.emplace_back(".");
    return status;
}

}  // namespace treescan
