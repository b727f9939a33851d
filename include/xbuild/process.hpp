// xbuild/process.hpp: find programs on PATH, exec them, run them and wait, capture their output.
//
// The helpers wrap compilers that a build runs thousands of times, so this is plain POSIX
// (execve, posix_spawn, pipes): no shell in between, nothing to initialize at start-up, and
// nothing that stops `xx` linking statically.
//
//   auto clang = xbuild::find_program("clang");                 // std::optional<std::string>
//   xbuild::exec_program(*clang, {"clang", "--target=aarch64-linux-gnu", "hello.c"});   // no return
//   int status = xbuild::run_program({"apt-get", "update"});     // exit status (128+N for signal N)
//   auto out = xbuild::capture_program({"dpkg", "--print-foreign-architectures"});
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild {

// A program to exec: its path, its full argv (argv[0] included), environment changes
// (NAME=value, or NAME to unset). What the helpers' planners (xx-cc, xx-run) return.
struct Command {
    std::string program;
    std::vector<std::string> argv;
    std::vector<std::string> env;
};

// A program could not be started (not found, not executable, fork failed).
class ProcessError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// The first executable `name` on `path` (default: $PATH), or nullopt. A name with a '/' is
// checked as it is. `skip_self`: ignore files that are this very binary (a link to xx), so a
// wrapper named like the tool it wraps does not find itself.
std::optional<std::string> find_program(std::string_view name, std::string_view path = {}, bool skip_self = false);

// Path of the running executable (/proc/self/exe resolved), "" when unknown.
std::string self_executable();

// Replaces this process with `program` (a path) run with `argv` (argv[0] included). Environment
// changes are applied first: each entry is NAME=value, or NAME alone to unset it.
// Throws ProcessError only when the exec itself fails.
[[noreturn]] void exec_program(const std::string& program, const std::vector<std::string>& argv,
                               const std::vector<std::string>& env_changes = {});

// Runs argv (argv[0] looked up on PATH) and waits: its exit status, or 128 + signal number.
// Throws ProcessError when it cannot be started.
int run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes = {});

struct Captured {
    int status = 0;
    std::string out;  // standard output; standard error passes through unless CaptureOptions::quiet
};
// What capture_program gives the child besides its arguments and environment.
struct CaptureOptions {
    // Written to its standard input, which is then closed (a credential helper's request); without
    // it, standard input is inherited. Fed while the output is read, so any size is safe, and a
    // child that exits without reading it is not an error.
    std::optional<std::string_view> input;
    bool quiet = false;  // its standard error goes to /dev/null (a helper that may print secrets there)
};
// Runs argv and collects its standard output.
Captured capture_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes = {},
                         const CaptureOptions& options = {});

// Applies NAME=value / NAME entries to this process's environment.
void apply_env_changes(const std::vector<std::string>& env_changes);

}  // namespace xbuild

#include "impl/process.inl"
