// Tests of xbuild/registry/client.hpp that need no registry (the exchanges with real and fake
// registries are tests/registry/client_test.cpp, label `registry`): what the client refuses
// before sending anything, and how a registry that does not answer is reported.
#include "xbuild/registry/client.hpp"

#include <doctest/doctest.h>

#include <string>

#include "loopback.hpp"

using namespace xbuild::registry;

namespace {

// A loopback port nothing listens on.
std::string dead_registry() { return "127.0.0.1:" + std::to_string(test_support::dead_loopback_port()); }

ClientOptions quick() {
    ClientOptions o;
    o.max_retries = 0;
    o.connect_timeout = std::chrono::seconds(5);
    return o;
}

}  // namespace

TEST_CASE("a registry that does not answer: a network error naming it, retryable") {
    Client client(quick());
    const std::string dead = dead_registry();
    try {
        client.ping(dead);
        FAIL("no error");
    } catch (const RegistryError& e) {
        CHECK(e.kind == ErrorKind::network);
        CHECK(e.http_status == 0);
        CHECK(std::string(e.what()).find(dead) != std::string::npos);
    }
    CHECK_THROWS_AS(client.get_manifest(parse_reference(dead + "/app:1.0")), RegistryError);
}

TEST_CASE("delete_manifest needs a digest; a client moves") {
    Client client(quick());
    CHECK_THROWS_AS(client.delete_manifest(parse_reference("127.0.0.1:1/app:1.0")), std::invalid_argument);
    Client moved = std::move(client);
    CHECK_THROWS_AS(moved.delete_manifest(parse_reference("127.0.0.1:1/app:latest")), std::invalid_argument);
}
