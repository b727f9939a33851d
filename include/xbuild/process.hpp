// xbuild/process.hpp: find programs on PATH, exec them, start them, run them and wait, capture
// their output. The one place where xbuild, xx and the frontend start other programs.
//
// The helpers wrap compilers that a build runs thousands of times, so this is plain POSIX
// (execve, posix_spawn, pipes): no shell in between, nothing to initialize at start-up, and
// nothing that stops `xx` linking statically.
//
//   auto clang = xbuild::find_program("clang");                 // std::optional<std::string>
//   xbuild::exec_program(*clang, {"clang", "--target=aarch64-linux-gnu", "hello.c"});   // no return
//   int status = xbuild::run_program({"apt-get", "update"});     // exit status (128+N for signal N)
//   auto out = xbuild::capture_program({"dpkg", "--print-foreign-architectures"});
//
// The primitive under run_program and capture_program is Process, for a caller that follows a
// child while doing other things (several builds at once, each one's output line by line):
//
//   auto p = xbuild::Process::start({"docker", "build", "."},
//                                   {.in = xbuild::Stdio::null, .out = xbuild::Stdio::pipe,
//                                    .err = xbuild::Stdio::to_stdout, .new_process_group = true});
//   while (p.output_open()) { poll({p.out_fd(), POLLIN}); for (auto& line : p.read_lines()) ...; }
//   int status = p.wait();
#pragma once

#include <sys/types.h>

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

// A program could not be started (not found, not executable, no more processes).
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

// How one of a child's standard streams is connected.
enum class Stdio {
    inherit,    // this process's own
    null,       // /dev/null
    pipe,       // a pipe to this process: Process::in_fd / out_fd (not for standard error)
    to_stdout,  // standard error only: wherever standard output goes (2>&1)
};

// How Process::spawn starts a child besides its program and arguments.
struct SpawnOptions {
    std::vector<std::string> env_changes {};  // NAME=value, or NAME to unset: for the child only
    Stdio in = Stdio::inherit;                // inherit, null or pipe
    Stdio out = Stdio::inherit;               // inherit, null or pipe
    Stdio err = Stdio::inherit;               // inherit, null or to_stdout
    bool new_process_group = false;           // the child leads a group of its own: signal() reaches
                                              // its children too, and the terminal's Ctrl-C does not
    std::string cwd {};                       // the child's working folder ("" = this process's)
};

// A running child and the pipes to it (movable, not copyable). The destructor closes the pipes
// and waits for the child (no zombie is left behind): signal() it first not to wait long.
class Process {
   public:
    // Starts `program` (a path) with `argv` (argv[0] included). Throws ProcessError when it cannot
    // be started (not executable, no pipes or processes left); std::invalid_argument for a Stdio
    // a stream cannot have.
    static Process spawn(const std::string& program, const std::vector<std::string>& argv,
                         const SpawnOptions& options = {});
    // As spawn, with argv[0] looked up on PATH; ProcessError "NAME: command not found" if absent.
    static Process start(const std::vector<std::string>& argv, const SpawnOptions& options = {});

    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    pid_t pid() const { return pid_; }              // -1 once waited for
    int in_fd() const { return in_; }               // the write end of its standard input pipe, or -1
    int out_fd() const { return out_; }             // the read end of its standard output pipe (non-blocking), or -1
    bool output_open() const { return out_ >= 0; }  // false once out_fd reached end of file

    // The complete lines of standard output available now (without '\n'), without blocking; at
    // end of file, also a last partial line, and out_fd is closed.
    std::vector<std::string> read_lines();
    // Writes `input` to standard input (a pipe; then closed) while reading standard output (if a
    // pipe) to its end: what it printed. A child that exits without reading is not an error.
    std::string communicate(std::string_view input = {});
    // Closes standard input's pipe: the child reads end of file.
    void close_input();
    // Sends signal `sig` to the child, or to its whole group with new_process_group. False when
    // it was already waited for (or the signal could not be sent).
    bool signal(int sig);
    // Closes the pipes and waits for the child to end: its exit status, or 128 + signal number;
    // -1 when there is nothing to wait for (already waited).
    int wait();

   private:
    Process() = default;
    pid_t pid_ = -1;
    bool group_ = false;
    int in_ = -1;
    int out_ = -1;
    std::string partial_;  // read_lines: the start of a line not yet complete
};

// Runs argv (argv[0] looked up on PATH) and waits: its exit status, or 128 + signal number.
// Throws ProcessError when it cannot be started.
int run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes = {});

struct Captured {
    int status = 0;
    std::string out;  // standard output (and error with merge_errors); else standard error passes through
};
// What capture_program gives the child besides its arguments and environment.
struct CaptureOptions {
    // Written to its standard input, which is then closed (a credential helper's request); without
    // it, standard input is inherited. Fed while the output is read, so any size is safe, and a
    // child that exits without reading it is not an error.
    std::optional<std::string_view> input {};
    bool quiet = false;         // its standard error goes to /dev/null (a helper that may print secrets there)
    bool merge_errors = false;  // its standard error goes into `out` too, in order (2>&1)
};
// Runs argv and collects its standard output.
Captured capture_program(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes = {},
                         const CaptureOptions& options = {});

// Applies NAME=value / NAME entries to this process's environment.
void apply_env_changes(const std::vector<std::string>& env_changes);

}  // namespace xbuild

#include "impl/process.inl"
