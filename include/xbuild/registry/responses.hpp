// xbuild/registry/responses.hpp: the pieces of registry answers the client reads, as pure functions
// (no network), so they can be unit-tested and fuzzed: OCI error bodies, Link pagination headers,
// token endpoint answers, Retry-After, and the URL handling of Location headers.
//
//   auto errs = parse_error_body(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
//   errs[0].code;                                               // "MANIFEST_UNKNOWN"
//   parse_link_next(R"(</v2/app/tags/list?last=b&n=2>; rel="next")");   // "/v2/app/tags/list?last=b&n=2"
//   TokenResponse t = parse_token_response(R"({"token":"abc","expires_in":300})");   // throws ResponseError
//   resolve_url("https://r.io/v2/app/blobs/uploads/", "/v2/app/blobs/uploads/u1?_state=x");
//                                                              // "https://r.io/v2/app/blobs/uploads/u1?_state=x"
//   append_query("https://r.io/u1?_state=x", "digest", "sha256:ab");   // "...u1?_state=x&digest=sha256%3Aab"
//
// Everything here reads untrusted bytes: malformed input gives an empty result or a ResponseError,
// never undefined behaviour, and no message quotes a token.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::registry {

// An answer we cannot use (a token response without a token, a URL that is not http(s)).
class ResponseError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

// One entry of the OCI distribution spec's error body: {"errors": [{"code", "message", "detail"}]}.
struct ApiError {
    std::string code;     // "MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "DENIED", "UNAUTHORIZED", ...
    std::string message;  // human-readable, from the registry (at most 200 characters kept)
    friend bool operator==(const ApiError&, const ApiError&) = default;
};

// The errors of a body; none when it is not that format (HTML error pages, empty bodies). Never throws.
std::vector<ApiError> parse_error_body(std::string_view body);

// "CODE: message; CODE2: message2" (codes alone when there is no message), "" for none. Control
// characters are replaced, so a hostile registry cannot forge log lines.
std::string describe_errors(const std::vector<ApiError>& errors);

// The target of the rel="next" link of a Link header (RFC 8288: "<uri>; rel=\"next\"", several
// links separated by commas, rel may list several relations), or nullopt. The URI is returned as
// written (usually a path with a query, to resolve against the request URL). Never throws.
std::optional<std::string> parse_link_next(std::string_view header);

// A token endpoint's answer (Docker's token spec, and OAuth2's for the POST form).
struct TokenResponse {
    std::string token;                     // "token", else "access_token"
    std::chrono::seconds expires_in {60};  // given, at least 1 s; 60 s when absent (the spec's default)
    std::string refresh_token;             // "" when none
};
// Throws ResponseError ("token response: not JSON", "token response: no token") without quoting it.
TokenResponse parse_token_response(std::string_view body);

// The "tags" of a tag list page ({"name": "app", "tags": ["v1", ...]}; null tags = none).
// Throws ResponseError when it is not that shape.
std::vector<std::string> parse_tag_list(std::string_view body);

// Retry-After in delta-seconds ("120"); nullopt for an HTTP-date or anything malformed.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

// An absolute http(s) URL split in three: scheme "https", authority "host:port" (userinfo refused),
// and the rest "/path?query" ("/" when empty; a fragment dropped).
struct Url {
    std::string scheme;
    std::string authority;
    std::string target;
    std::string str() const { return scheme + "://" + authority + target; }
    std::string host() const;  // authority without the port, brackets of an IPv6 literal removed
    friend bool operator==(const Url&, const Url&) = default;
};
// nullopt unless `text` is an absolute http:// or https:// URL with a non-empty authority and no
// blanks or control characters.
std::optional<Url> parse_url(std::string_view text);

// A Location or Link target resolved against the URL of the request that returned it (RFC 3986
// section 5, for the forms registries send: absolute, "//authority/path", "/path", "relative",
// "?query"). Throws ResponseError when `base` is not an absolute URL or the result is not http(s).
std::string resolve_url(std::string_view base, std::string_view reference);

// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);

// Adds key=value (both encoded) to the query of `url`, keeping the parameters it has (an upload's
// _state), before any fragment.
std::string append_query(std::string_view url, std::string_view key, std::string_view value);

// The URL as it may be logged: without query, fragment or userinfo (storage redirects are signed
// in the query).
std::string url_for_log(std::string_view url);

}  // namespace xbuild::registry

#include "impl/responses.inl"
