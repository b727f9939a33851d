// Running every platform's build steps side by side, for `xbuild cross` and `xbuild test`.
//
// Up to `jobs` platforms build at once, each in a process group of its own (so Ctrl-C and
// SIGTERM stop them all, through interrupt.hpp, and no compiler is left behind). Each step's
// output (standard output and error together) goes to the platform's log file, in full, and to
// the display: on a terminal a line per platform, redrawn (`linux/arm64  build: go build ...
// (12 s)`); otherwise every line, prefixed with its platform (`linux/arm64  | ...`). A failing
// step fails its platform; the others go on unless fail_fast, which stops the running ones and
// starts no more.
//
//   CrossRunner runner(jobs, {.jobs = 2, .fail_fast = false, .progress = "auto"});
//   auto results = runner.run([&](std::size_t i) { return finish_platform(i); });   // "" = fine
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "xbuild/platform.hpp"
#include "xbuild/project/steps.hpp"

namespace xbuild::cli {

// One platform's work.
struct PlatformJob {
    xbuild::Platform platform;
    std::vector<xbuild::project::Step> steps;
    std::vector<std::string> env;  // the platform's environment changes (CrossSetup::env)
    std::filesystem::path log;     // its full log, written anew
};

struct PlatformResult {
    enum class State { done, failed, cancelled } state = State::cancelled;
    std::string message;            // failed: "build: go build ... exited with status 1", or the finisher's
    std::vector<std::string> tail;  // failed: the last lines of its output
    double seconds = 0;
};

struct RunnerOptions {
    unsigned jobs = 1;              // platforms at once
    bool fail_fast = false;         // the first failure stops the rest
    std::string progress = "auto";  // auto, tty, plain
    std::size_t tail_lines = 20;    // of a failing platform's output, kept for the summary
};

class CrossRunner {
   public:
    CrossRunner(std::vector<PlatformJob> jobs, RunnerOptions options);

    // Runs every job; `finish(i)` runs once job i's steps all succeeded (collecting, checking its
    // results) and returns "" or why the platform failed. Results in the jobs' order.
    std::vector<PlatformResult> run(const std::function<std::string(std::size_t)>& finish);

   private:
    std::vector<PlatformJob> jobs_;
    RunnerOptions options_;
};

// "go build -trimpath ... ./..." shortened for the display (the program's name, not its path).
std::string describe_command(const std::vector<std::string>& argv, std::size_t max = 60);

}  // namespace xbuild::cli
