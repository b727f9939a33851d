// Tests of xbuild/process.hpp: PATH lookup, running, capturing, environment changes, and the
// Process primitive under them (pipes, merged output, process groups).
#include "xbuild/process.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>

TEST_CASE("find_program searches PATH, or checks a path as given") {
    auto sh = xbuild::find_program("sh");
    REQUIRE(sh.has_value());
    CHECK(sh->back() == 'h');
    CHECK(xbuild::find_program("sh", "/nonexistent:/bin") == std::optional<std::string>("/bin/sh"));
    CHECK_FALSE(xbuild::find_program("no-such-program-xbuild").has_value());
    CHECK_FALSE(xbuild::find_program("").has_value());
    CHECK(xbuild::find_program("/bin/sh").has_value());
    CHECK_FALSE(xbuild::find_program("/etc/hostname-not-a-program").has_value());
}

TEST_CASE("run_program: exit status and signals") {
    CHECK(xbuild::run_program({"true"}) == 0);
    CHECK(xbuild::run_program({"sh", "-c", "exit 3"}) == 3);
    CHECK(xbuild::run_program({"sh", "-c", "kill -TERM $$"}) == 128 + 15);
    CHECK_THROWS_WITH_AS(xbuild::run_program({"no-such-program-xbuild"}), doctest::Contains("command not found"),
                         xbuild::ProcessError);
}

TEST_CASE("capture_program collects stdout, with environment changes for the child only") {
    auto r = xbuild::capture_program({"sh", "-c", "echo \"$XB_A-${XB_B-unset}\""}, {"XB_A=one", "XB_B"});
    CHECK(r.status == 0);
    CHECK(r.out == "one-unset\n");
    CHECK(std::getenv("XB_A") == nullptr);
}

TEST_CASE("capture_program feeds standard input, any size, and can silence standard error") {
    auto r = xbuild::capture_program({"sh", "-c", "read x; echo \"got $x\"; echo noise >&2"}, {},
                                     {.input = "ghcr.io\n", .quiet = true});
    CHECK(r.status == 0);
    CHECK(r.out == "got ghcr.io\n");
    // Far more than a pipe holds, echoed back while it is still being fed.
    const std::string big(1 << 20, 'x');
    auto echoed = xbuild::capture_program({"cat"}, {}, {.input = big});
    CHECK(echoed.status == 0);
    CHECK(echoed.out == big);
    // A child that exits without reading: no SIGPIPE for us, its status as usual.
    auto ignored = xbuild::capture_program({"sh", "-c", "exit 3"}, {}, {.input = big});
    CHECK(ignored.status == 3);
    CHECK(xbuild::capture_program({"cat"}, {}, {.input = ""}).out.empty());
}

TEST_CASE("self_executable names this test binary") {
    CHECK(xbuild::self_executable().find("unit_tests") != std::string::npos);
}

namespace {

// Every line `p` prints until its output ends, waiting at most `seconds` in all.
std::vector<std::string> all_lines(xbuild::Process& p, int seconds = 10) {
    std::vector<std::string> lines;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (p.output_open() && std::chrono::steady_clock::now() < deadline) {
        pollfd fd {p.out_fd(), POLLIN, 0};
        ::poll(&fd, 1, 100);
        for (auto& line : p.read_lines()) lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace

TEST_CASE("Process: exit status, signals, and what cannot be started") {
    CHECK(xbuild::Process::start({"sh", "-c", "exit 7"}).wait() == 7);
    CHECK(xbuild::Process::start({"sh", "-c", "kill -KILL $$"}).wait() == 128 + 9);
    auto p = xbuild::Process::start({"true"});
    CHECK(p.pid() > 0);
    CHECK(p.wait() == 0);
    CHECK(p.wait() == -1);  // nothing left to wait for
    CHECK_FALSE(p.signal(SIGTERM));
    CHECK_THROWS_WITH_AS(xbuild::Process::start({"no-such-program-xbuild"}), doctest::Contains("command not found"),
                         xbuild::ProcessError);
    CHECK_THROWS_AS(xbuild::Process::spawn("/etc/hostname-not-a-program", {"x"}), xbuild::ProcessError);
    CHECK_THROWS_AS(xbuild::Process::start({"true"}, {.out = xbuild::Stdio::to_stdout}), std::invalid_argument);
}

TEST_CASE("Process: environment changes set, unset, and the last one wins") {
    ::setenv("XB_GONE", "here", 1);
    auto p = xbuild::Process::start(
        {"sh", "-c", "echo \"$XB_NEW ${XB_GONE-unset} $XB_TWICE\""},
        {.env_changes = {"XB_NEW=a=b", "XB_GONE", "XB_TWICE=1", "XB_TWICE=2"}, .out = xbuild::Stdio::pipe});
    CHECK(p.communicate() == "a=b unset 2\n");
    CHECK(p.wait() == 0);
    CHECK(std::string(std::getenv("XB_GONE")) == "here");  // ours untouched
    ::unsetenv("XB_GONE");
}

TEST_CASE("Process: merged output read line by line, the last partial line at the end") {
    auto p = xbuild::Process::start(
        {"sh", "-c", "echo out; echo err >&2; echo more; printf partial"},
        {.in = xbuild::Stdio::null, .out = xbuild::Stdio::pipe, .err = xbuild::Stdio::to_stdout});
    CHECK(all_lines(p) == std::vector<std::string> {"out", "err", "more", "partial"});
    CHECK_FALSE(p.output_open());
    CHECK(p.wait() == 0);
}

TEST_CASE("Process: standard input fed, or /dev/null") {
    auto fed = xbuild::Process::start({"sh", "-c", "read a; read b; echo \"$b $a\""},
                                      {.in = xbuild::Stdio::pipe, .out = xbuild::Stdio::pipe});
    CHECK(fed.communicate("one\ntwo\n") == "two one\n");
    CHECK(fed.in_fd() == -1);
    CHECK(fed.wait() == 0);
    auto null = xbuild::Process::start({"cat"}, {.in = xbuild::Stdio::null, .out = xbuild::Stdio::pipe});
    CHECK(null.communicate().empty());
    CHECK(null.wait() == 0);
}

TEST_CASE("Process: a new process group is signalled whole, grandchildren too") {
    // The grandchild (sleep) holds the output pipe open: the output ends only when it is gone.
    auto p = xbuild::Process::start({"sh", "-c", "sleep 60 & echo started; wait"},
                                    {.in = xbuild::Stdio::null, .out = xbuild::Stdio::pipe, .new_process_group = true});
    std::vector<std::string> first;
    for (int i = 0; i < 100 && first.empty() && p.output_open(); ++i) {
        pollfd fd {p.out_fd(), POLLIN, 0};
        ::poll(&fd, 1, 100);
        first = p.read_lines();
    }
    REQUIRE(first == std::vector<std::string> {"started"});
    CHECK(::getpgid(p.pid()) == p.pid());
    CHECK(p.signal(SIGTERM));
    const auto before = std::chrono::steady_clock::now();
    CHECK(all_lines(p).empty());
    CHECK_FALSE(p.output_open());  // the grandchild is gone: its end of the pipe closed
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(10));
    CHECK(p.wait() == 128 + SIGTERM);
}

TEST_CASE("capture_program can merge standard error into its output") {
    auto r = xbuild::capture_program({"sh", "-c", "echo a; echo b >&2; exit 4"}, {}, {.merge_errors = true});
    CHECK(r.status == 4);
    CHECK(r.out == "a\nb\n");
}
