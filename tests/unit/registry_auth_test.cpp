// Tests of xbuild/registry/auth.hpp where no token server is needed (token auth against real
// registries is in tests/registry/client_test.cpp): scopes, Basic auth from config.json, and the
// messages of refusals and bad challenges.
#include "xbuild/registry/auth.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace xbuild::registry;

namespace {

// A docker config folder holding `config_json`, removed at the end of scope.
struct ConfigDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("xbuild-auth-test-" + std::to_string(::getpid()));
    explicit ConfigDir(const std::string& config_json) {
        std::filesystem::create_directories(path);
        std::ofstream(path / "config.json") << config_json;
    }
    ~ConfigDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

Response challenge(const std::string& www_authenticate) {
    Response r;
    r.status = 401;
    if (!www_authenticate.empty()) r.headers = {{"www-authenticate", www_authenticate}};
    return r;
}

TlsSettings no_tls(const Url&) { return {}; }

}  // namespace

TEST_CASE("repository_scope spells the token spec's scope") {
    CHECK(repository_scope("library/alpine", "pull") == "repository:library/alpine:pull");
    CHECK(repository_scope("o/app", "pull,push") == "repository:o/app:pull,push");
}

TEST_CASE("Basic: the credentials of config.json, sent from then on; refused once sent") {
    // "user:pass" in base64.
    ConfigDir dir(R"({"auths":{"reg.example:5000":{"auth":"dXNlcjpwYXNz"}}})");
    ClientOptions options;
    options.docker_config = dir.path;
    Transport transport(options);
    Authenticator auth(transport, options, no_tls);
    const std::vector<std::string> scopes = {repository_scope("app", "pull")};
    CHECK(auth.header("reg.example:5000", scopes).empty());
    const std::string h = auth.answer("reg.example:5000", scopes, challenge(R"(Basic realm="r")"), "p: ");
    CHECK(h == "Authorization: Basic dXNlcjpwYXNz");
    CHECK(auth.header("reg.example:5000", scopes) == h);
    CHECK(auth.header("reg.example:5000", {}) == h);  // Basic is per registry
    CHECK(auth.header("other.example", scopes).empty());
    // Asked again after sending them: the credentials were refused.
    try {
        auth.answer("reg.example:5000", scopes, challenge(R"(Basic realm="r")"), "p: ");
        FAIL("no error");
    } catch (const RegistryError& e) {
        CHECK(e.kind == ErrorKind::auth);
        CHECK(std::string(e.what()).starts_with("p: access denied (HTTP 401) with the credentials from "));
        CHECK(std::string(e.what()).find("dXNlcjpwYXNz") == std::string::npos);
    }
}

TEST_CASE("no credentials: the refusal says where they were looked for and to log in") {
    ConfigDir dir(R"({"auths":{}})");
    ClientOptions options;
    options.docker_config = dir.path;
    Transport transport(options);
    Authenticator auth(transport, options, no_tls);
    try {
        auth.answer("ghcr.io", {}, challenge(R"(Basic realm="r")"), "ghcr.io/o/app: ");
        FAIL("no error");
    } catch (const RegistryError& e) {
        CHECK(e.kind == ErrorKind::auth);
        CHECK(e.http_status == 401);
        const std::string what = e.what();
        CHECK(what.find("authentication required (HTTP 401) and no credentials for ghcr.io in ") != std::string::npos);
        CHECK(what.find(dir.path.string()) != std::string::npos);
        CHECK(what.ends_with("run `docker login ghcr.io`"));
    }
    CHECK(std::string(auth.refused("docker.io", 403, "").what()) ==
          "authentication required (HTTP 403) and no credentials for docker.io: run `docker login`");
}

TEST_CASE("challenges that cannot be answered are protocol or auth errors") {
    ClientOptions options;
    ConfigDir dir("{}");
    options.docker_config = dir.path;
    Transport transport(options);
    Authenticator auth(transport, options, no_tls);
    auto kind_of = [&](const std::string& header, std::string* what = nullptr) {
        try {
            auth.answer("r.example", {}, challenge(header), "");
        } catch (const RegistryError& e) {
            if (what) *what = e.what();
            return e.kind;
        }
        FAIL("no error");
        return ErrorKind::http;
    };
    std::string what;
    CHECK(kind_of("", &what) == ErrorKind::auth);
    CHECK(what == "HTTP 401 without a Bearer or Basic challenge");
    CHECK(kind_of(R"(Bearer service="s")", &what) == ErrorKind::protocol);
    CHECK(what == "the Bearer challenge names no realm");
    CHECK(kind_of(R"(Bearer realm="ftp://t.example/token")", &what) == ErrorKind::protocol);
    CHECK(what.starts_with("token realm is not an http(s) URL"));
    CHECK(kind_of(R"(Bearer realm=")") == ErrorKind::protocol);  // malformed header
}
