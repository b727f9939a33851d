// Tests of xbuild/registry/www_authenticate.hpp: registries' real challenges and malformed ones.
#include "xbuild/registry/www_authenticate.hpp"

#include <doctest/doctest.h>

using xbuild::registry::AuthParseError;
using xbuild::registry::Challenge;
using xbuild::registry::find_challenge;
using xbuild::registry::parse_www_authenticate;

namespace {

std::string error_of(std::string_view header) {
    try {
        return "parsed: " + std::to_string(parse_www_authenticate(header).size()) + " challenges";
    } catch (const AuthParseError& e) { return e.what(); }
}

}  // namespace

TEST_CASE("Docker Hub's bearer challenge") {
    const auto cs = parse_www_authenticate(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
    REQUIRE(cs.size() == 1);
    CHECK(cs[0] == Challenge {"bearer",
                              {{"realm", "https://auth.docker.io/token"},
                               {"service", "registry.docker.io"},
                               {"scope", "repository:library/alpine:pull"}}});
}

TEST_CASE("a distribution registry's insufficient_scope, with a comma inside the scope") {
    const auto cs = parse_www_authenticate(
        R"(Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/app:pull,push",error="insufficient_scope")");
    REQUIRE(cs.size() == 1);
    CHECK(cs[0].params.at("scope") == "repository:o/app:pull,push");
    CHECK(cs[0].params.at("error") == "insufficient_scope");
}

TEST_CASE("basic auth, several challenges, case, blanks, escapes and token68") {
    CHECK(parse_www_authenticate(R"(Basic realm="Registry Realm")") ==
          std::vector<Challenge> {{"basic", {{"realm", "Registry Realm"}}}});
    const auto cs = parse_www_authenticate(
        " BASIC Realm = \"a \\\"quoted\\\" \\\\ realm\" ,, Bearer realm=auth-token , service = reg ,Negotiate "
        "abc+/9==, Empty");
    REQUIRE(cs.size() == 4);
    CHECK(cs[0] == Challenge {"basic", {{"realm", "a \"quoted\" \\ realm"}}});
    CHECK(cs[1] == Challenge {"bearer", {{"realm", "auth-token"}, {"service", "reg"}}});
    CHECK(cs[2] == Challenge {"negotiate", {{"", "abc+/9=="}}});
    CHECK(cs[3] == Challenge {"empty", {}});
    CHECK(find_challenge(cs, "bearer") == &cs[1]);
    CHECK(find_challenge(cs, "digest") == nullptr);
    CHECK(parse_www_authenticate("").empty());
    CHECK(parse_www_authenticate("  , ").empty());
    // A repeated parameter keeps its first value.
    CHECK(parse_www_authenticate("Bearer realm=a, realm=b")[0].params.at("realm") == "a");
}

TEST_CASE("malformed headers name the position and what was expected") {
    CHECK(error_of(R"(Bearer realm="https://auth)") == "WWW-Authenticate: unterminated quoted string at position 13");
    // RFC 7235 reads a lone `name=` as a token68, not as a parameter without a value.
    CHECK(parse_www_authenticate("Bearer realm=")[0].params.at("") == "realm=");
    CHECK(error_of("Bearer realm=\"x\" service=y") ==
          "WWW-Authenticate: expected ',' after the value of 'realm' at position 17");
    CHECK(error_of("Bearer realm=\"x\", =y").find("expected") != std::string::npos);
    CHECK(error_of("=x") == "WWW-Authenticate: expected an authentication scheme (a token) at position 0");
    CHECK(error_of("Bearer\"x\"") == "WWW-Authenticate: expected a blank after the scheme 'Bearer' at position 6");
    CHECK(error_of("Bearer a=b c") == "WWW-Authenticate: expected ',' after the value of 'a' at position 11");
    CHECK(error_of("Bearer a=\"b\\") == "WWW-Authenticate: unterminated quoted string at position 9");
    CHECK(error_of("Bearer a=\"x\", b=") ==
          "WWW-Authenticate: expected a token or a quoted string as the value of 'b' at position 16");
    // ':' and '/' are not token characters: a URL must be quoted.
    CHECK(error_of("Bearer realm=https://auth") ==
          "WWW-Authenticate: expected ',' after the value of 'realm' at position 18");
}
