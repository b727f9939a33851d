// Tests of xbuild/process.hpp: PATH lookup, running, capturing, environment changes.
#include "xbuild/process.hpp"

#include <doctest/doctest.h>

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
