// A child whose standard output and error come back through one pipe, read without blocking, so
// that one loop can follow several builds at once (`xbuild build --jobs`).
//
//   Child c = Child::start({"docker", "build", ...}, {"DOCKER_BUILDKIT=1"});
//   while (c.running()) { poll({c.fd(), POLLIN}); for (auto& line : c.read_lines()) ...; }
//   int status = c.wait();     // exit status, or 128 + signal number
#pragma once

#include <string>
#include <vector>

namespace xbuild_cli {

class Child {
   public:
    // Starts argv (argv[0] looked up on PATH) with environment changes (NAME=value, or NAME to
    // unset) and standard input from /dev/null. Throws xbuild::ProcessError when it cannot.
    static Child start(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes);

    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child();

    int fd() const { return fd_; }  // the pipe's read end, -1 once it reached end of file
    bool output_open() const { return fd_ >= 0; }
    // The complete lines available now (without '\n'); at end of file, also a last partial line.
    std::vector<std::string> read_lines();
    // Waits for the child to exit (call it once output_open() is false): its status.
    int wait();

   private:
    Child() = default;
    int pid_ = -1;
    int fd_ = -1;
    std::string partial_;
};

struct ChildOutput {
    int status = -1;
    std::string output;  // standard output and error, interleaved
};
// Runs argv to the end, collecting both outputs (for short checks like `docker --version`).
ChildOutput run_collecting(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes = {});

}  // namespace xbuild_cli
