// treescan's command line, parsed the way the Perl script's Getopt::Long
// configuration does ("bundling", "no_ignore_case", "require_order"): short
// options bundle (-qp, -gRE, -j8), long options take "=VALUE" or the next
// argument and may be abbreviated to a unique prefix, option parsing stops
// at the first non-option argument or at "--".
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace treescan {

struct options {
    bool quiet = false;               // -q: no listing
    bool print0 = false;              // -0: NUL after each name instead of a newline
    bool stat = false;                // -s: lstat every entry
    bool dirs_only = false;           // -d: list directories only
    bool files_only = false;          // -f: list non-directories only
    bool progress = false;            // -p: progress and a summary on stderr
    bool sync = false;                // --sync: fsync every file and directory
    std::optional<std::string> grep;  // -g RE
    unsigned jobs = 0;                // -j N: directories in flight (0: default)
    unsigned threads = 0;             // --threads N: worker threads (0: default)
    std::vector<std::string> paths;
};

enum class parse_result { run, exit_ok, usage_error };

/// Parse argv into o. usage_error: `error` says why. exit_ok: --help or
/// --version was printed to `out`.
parse_result parse_options(int argc, char** argv, options& o, std::string& error, FILE* out);

}  // namespace treescan
