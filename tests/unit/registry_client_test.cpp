// Tests of xbuild/registry/client.hpp that need no registry (the exchanges with real and fake
// registries are tests/registry/client_test.cpp, label `registry`): what the client refuses
// before sending anything, and how a registry that does not answer is reported.
#include "xbuild/registry/client.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

using namespace xbuild::registry;

namespace {

// A loopback port nothing listens on (bound, read, closed).
std::string dead_registry() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    ::close(s);
    return "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
}

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
