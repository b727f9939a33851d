// Tests of xbuild/strings.hpp.
#include "xbuild/strings.hpp"

#include <doctest/doctest.h>

TEST_CASE("split keeps empty parts") {
    auto p = xbuild::split("a/b//c", '/');
    REQUIRE(p.size() == 4);
    CHECK(p[2].empty());
    CHECK(xbuild::split("", '/').size() == 1);
}

TEST_CASE("trim, to_lower, join") {
    CHECK(xbuild::trim("  a b \n") == "a b");
    CHECK(xbuild::trim(" \t ").empty());
    CHECK(xbuild::to_lower("Linux/ARM64") == "linux/arm64");
    std::vector<std::string> items {"", "a", ""};
    CHECK(xbuild::join(items, ",") == ",a,");
}
