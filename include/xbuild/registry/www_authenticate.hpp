// xbuild/registry/www_authenticate.hpp: the challenges in a WWW-Authenticate header (RFC 7235), the
// answer a registry gives a request it wants credentials for.
//
//   auto cs = parse_www_authenticate(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
//   cs[0].scheme;             // "bearer"
//   cs[0].params.at("realm"); // "https://auth.docker.io/token"
//
// A header may hold several challenges ("Basic realm=\"x\", Bearer realm=\"y\""), a comma separating
// both challenges and the parameters inside one; a name followed by '=' is a parameter, a name followed
// by a blank or a comma starts the next challenge. Values are tokens or quoted strings (with \-escapes,
// commas and blanks inside); a challenge may instead carry one token68 (kept in params under "").
// Blanks around ',' and '=' and empty list elements (",,") are allowed, as the RFC says.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::registry {

struct Challenge {
    std::string scheme;                         // lower-cased: "bearer", "basic"
    std::map<std::string, std::string> params;  // keys lower-cased (realm, service, scope, error, ...);
                                                // values unquoted and unescaped; "" holds a token68
    friend bool operator==(const Challenge&, const Challenge&) = default;
};

// A header that does not follow the grammar: names the (0-based) position and what was expected.
class AuthParseError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

// Every challenge in the header, in order. An empty or blank header gives none.
// Throws AuthParseError, e.g. "WWW-Authenticate: unterminated quoted string at position 14".
std::vector<Challenge> parse_www_authenticate(std::string_view header);

// The first challenge with this (lower-case) scheme, or nullptr.
const Challenge* find_challenge(const std::vector<Challenge>& challenges, std::string_view scheme);

}  // namespace xbuild::registry

#include "impl/www_authenticate.inl"
