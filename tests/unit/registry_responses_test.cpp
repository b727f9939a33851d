// Tests of xbuild/registry/responses.hpp: the pure readers of registry answers (error bodies, Link
// headers, token and tag-list answers, Retry-After) and the URL handling of Locations.
#include "xbuild/registry/responses.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace xbuild::registry;

TEST_CASE("responses: error bodies, Link headers, token answers, Location resolution") {
    const auto errs = parse_error_body(R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown\nto registry"}]})");
    REQUIRE(errs.size() == 1);
    CHECK(describe_errors(errs) == "BLOB_UNKNOWN: blob unknown?to registry");
    CHECK(parse_error_body("<html>").empty());
    CHECK(parse_link_next(R"(</v2/a/tags/list?last=b&n=2>; rel="next")") == "/v2/a/tags/list?last=b&n=2");
    CHECK(parse_link_next(R"(<x>; rel=prev, <y>; title="a,b"; rel="last next")") == "y");
    CHECK_FALSE(parse_link_next(R"(<x>; rel="prev")").has_value());
    CHECK_FALSE(parse_link_next("garbage").has_value());
    CHECK(parse_token_response(R"({"access_token":"t","expires_in":120})").expires_in == std::chrono::seconds(120));
    CHECK(parse_token_response(R"({"token":"t"})").expires_in == std::chrono::seconds(60));
    CHECK_THROWS_AS(parse_token_response(R"({"token":""})"), ResponseError);
    CHECK(parse_tag_list(R"({"name":"a","tags":null})").empty());
    CHECK(parse_retry_after(" 5 ") == std::chrono::seconds(5));
    CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
    CHECK(resolve_url("http://r:5/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_state=s") ==
          "http://r:5/v2/a/blobs/uploads/u?_state=s");
    CHECK(resolve_url("http://r:5/v2/a/blobs/uploads/x", "y?q") == "http://r:5/v2/a/blobs/uploads/y?q");
    CHECK(resolve_url("https://r/v2/a", "https://s3.example/b?sig=1") == "https://s3.example/b?sig=1");
    CHECK(resolve_url("https://r/v2/a", "//cdn.example/b") == "https://cdn.example/b");
    CHECK_THROWS_AS(resolve_url("https://r/v2/a", "ftp://x/y"), ResponseError);
    CHECK(append_query("http://r/u?_state=s", "digest", "sha256:ab") == "http://r/u?_state=s&digest=sha256%3Aab");
    CHECK(url_for_log("https://u:p@h/p?sig=1") == "https://h/p");
}

TEST_CASE("error bodies: several errors, missing fields, long and hostile messages") {
    const auto errs = parse_error_body(
        R"({"errors":[{"code":"DENIED","message":"no"},{"code":"UNAUTHORIZED"},{"message":"only text"}]})");
    REQUIRE(errs.size() == 3);
    CHECK(errs[0] == ApiError {"DENIED", "no"});
    CHECK(describe_errors(errs) == "DENIED: no; UNAUTHORIZED; only text");
    CHECK(describe_errors({}).empty());
    const auto long_one = parse_error_body(R"({"errors":[{"code":"X","message":")" + std::string(500, 'm') + R"("}]})");
    REQUIRE(long_one.size() == 1);
    CHECK(long_one[0].message.size() < 210);
    CHECK(long_one[0].message.ends_with("..."));
    for (const char* body : {"", "null", "[]", R"({"errors":"no"})", R"({"other":1})", "{"}) {
        CAPTURE(body);
        CHECK(parse_error_body(body).empty());
    }
}

TEST_CASE("token answers: which fields count, the clamp of expires_in, refusals that quote nothing") {
    const TokenResponse t = parse_token_response(R"({"token":"a","access_token":"b","refresh_token":"r"})");
    CHECK(t.token == "a");
    CHECK(t.refresh_token == "r");
    CHECK(parse_token_response(R"({"token":"","access_token":"b"})").token == "b");
    CHECK(parse_token_response(R"({"token":"t","expires_in":0})").expires_in == std::chrono::seconds(60));
    CHECK(parse_token_response(R"({"token":"t","expires_in":1e12})").expires_in ==
          std::chrono::seconds(365LL * 24 * 3600));
    CHECK_THROWS_WITH_AS(parse_token_response("secret-ish"), "token response: not JSON", ResponseError);
    CHECK_THROWS_WITH(parse_token_response("[1]"), "token response: not a JSON object");
    try {
        parse_token_response(R"({"token":"sec ret"})");
        FAIL("no error");
    } catch (const ResponseError& e) { CHECK(std::string(e.what()).find("sec") == std::string::npos); }
}

TEST_CASE("tag lists and Retry-After") {
    CHECK(parse_tag_list(R"({"name":"a","tags":["v1","v2"]})") == std::vector<std::string> {"v1", "v2"});
    CHECK(parse_tag_list(R"({"name":"a"})").empty());
    CHECK_THROWS_AS(parse_tag_list(R"({"tags":"v1"})"), ResponseError);
    CHECK_THROWS_AS(parse_tag_list(R"({"tags":[1]})"), ResponseError);
    CHECK_THROWS_AS(parse_tag_list("[]"), ResponseError);
    CHECK(parse_retry_after("0") == std::chrono::seconds(0));
    CHECK_FALSE(parse_retry_after("").has_value());
    CHECK_FALSE(parse_retry_after("-1").has_value());
    CHECK_FALSE(parse_retry_after("1234567890").has_value());  // more than 9 digits
}

TEST_CASE("URLs: parse_url's parts, host(), encoding, queries and what is logged") {
    const auto u = parse_url("HTTPS://[::1]:5000/v2/x?y=1#frag");
    REQUIRE(u.has_value());
    CHECK(u->scheme == "https");
    CHECK(u->authority == "[::1]:5000");
    CHECK(u->target == "/v2/x?y=1");
    CHECK(u->host() == "::1");
    CHECK(parse_url("http://r:5")->target == "/");
    CHECK(parse_url("http://r:5")->host() == "r");
    CHECK(parse_url("http://r?q")->target == "/?q");
    for (const char* bad :
         {"ftp://r/x", "r/x", "http://", "http://u:p@r/", "http://r/a b", "http://[::1/x", "http://r]/"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_url(bad).has_value());
    }
    CHECK(url_encode("a-Z_0.~ /:?") == "a-Z_0.~%20%2F%3A%3F");
    CHECK(append_query("http://r/u", "n", "2") == "http://r/u?n=2");
    CHECK(append_query("http://r/u?", "n", "2") == "http://r/u?n=2");
    CHECK(append_query("http://r/u#f", "n", "2") == "http://r/u?n=2");
    CHECK(resolve_url("http://r/a/b/c", "../d") == "http://r/a/d");
    CHECK(resolve_url("http://r/a/b?x", "?y") == "http://r/a/b?y");
    CHECK_THROWS_AS(resolve_url("not a url", "/x"), ResponseError);
    CHECK(url_for_log("https://h/p#frag") == "https://h/p");
    CHECK(url_for_log("https://h/p\x01") == "https://h/p?");  // control characters replaced
}
