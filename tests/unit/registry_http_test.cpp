// Tests of xbuild/registry/http.hpp without a server (exchanges with real registries are in
// tests/registry/client_test.cpp): Response::header, and what Transport does when nothing
// answers: the error, its flags, and the retries of send().
#include "xbuild/registry/http.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "loopback.hpp"

using namespace xbuild::registry;

namespace {

int dead_port() { return test_support::dead_loopback_port(); }

}  // namespace

TEST_CASE("Response::header: the last value of a lower-case name") {
    Response r;
    r.headers = {{"link", "<a>"}, {"content-type", "application/json"}, {"link", "<b>; rel=\"next\""}};
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.header("link") == "<b>; rel=\"next\"");
    CHECK_FALSE(r.header("Content-Type").has_value());  // names are stored lower-cased
    CHECK_FALSE(r.header("location").has_value());
}

TEST_CASE("Transport: no answer is a retryable TransportError naming the request, logged without the query") {
    ClientOptions options;
    std::vector<std::string> log;
    options.log = [&](const std::string& line) { log.push_back(line); };
    options.connect_timeout = std::chrono::seconds(5);
    Transport t(options);
    Request req;
    req.url = "http://127.0.0.1:" + std::to_string(dead_port()) + "/v2/?secret=1";
    try {
        (void)t.perform(req);
        FAIL("no error");
    } catch (const TransportError& e) {
        CHECK(e.retryable);
        CHECK_FALSE(e.tls);
        CHECK(std::string(e.what()).starts_with("GET http://127.0.0.1:"));
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
    REQUIRE_FALSE(log.empty());
    CHECK(log.back().find("secret") == std::string::npos);
}

TEST_CASE("Transport::send: retries a transient failure max_retries times, restarting each, only when retryable") {
    ClientOptions options;
    options.max_retries = 2;
    options.backoff = std::chrono::milliseconds(1);
    std::vector<std::string> log;
    options.log = [&](const std::string& line) { log.push_back(line); };
    Transport t(options);
    Request req;
    req.url = "http://127.0.0.1:" + std::to_string(dead_port()) + "/v2/";
    int restarts = 0;
    req.restart = [&] { ++restarts; };
    CHECK_THROWS_AS(t.send(req, true), TransportError);
    CHECK(restarts == 2);
    CHECK(std::count_if(log.begin(), log.end(),
                        [](const std::string& l) { return l.find("retrying in") != std::string::npos; }) == 2);
    restarts = 0;
    CHECK_THROWS_AS(t.send(req, false), TransportError);
    CHECK(restarts == 0);
}
