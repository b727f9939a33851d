// Tests of xbuild/registry/credentials.hpp: config.json's auths spellings, credential helpers run
// for real (small scripts on PATH), and errors that never show a secret.
#include "xbuild/registry/credentials.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace fs = std::filesystem;
using xbuild::registry::CredentialsError;
using xbuild::registry::find_credentials;

namespace {

struct TempConfig {
    fs::path dir;
    TempConfig() {
        std::string t = (fs::temp_directory_path() / "xbuild-creds.XXXXXX").string();
        dir = ::mkdtemp(t.data());
    }
    ~TempConfig() { fs::remove_all(dir); }
    void write(const std::string& json) const { std::ofstream(dir / "config.json") << json; }
    // A docker-credential-NAME script in dir/bin, put first on PATH.
    void helper(const std::string& name, const std::string& body) const {
        fs::create_directories(dir / "bin");
        const fs::path p = dir / "bin" / ("docker-credential-" + name);
        std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
        fs::permissions(p, fs::perms::owner_all);
        const std::string path = (dir / "bin").string() + ":" + std::getenv("PATH");
        ::setenv("PATH", path.c_str(), 1);
    }
};

std::string error_of(const TempConfig& c, std::string_view host) {
    try {
        auto found = find_credentials(host, c.dir);
        return found.credentials ? "found " + found.credentials->username : "none";
    } catch (const CredentialsError& e) { return e.what(); }
}

}  // namespace

TEST_CASE("no config.json: no credentials, and the message says where we looked") {
    TempConfig c;
    const auto found = find_credentials("ghcr.io", c.dir);
    CHECK_FALSE(found.credentials);
    CHECK(found.searched == (c.dir / "config.json").string() + " (credHelpers, credsStore, auths)");
}

TEST_CASE("auths: each key spelling docker writes, base64 auth, username/password, identitytoken") {
    TempConfig c;
    // "user:s3cret" and "hub:pw"
    c.write(R"({"auths": {
        "https://127.0.0.1:5000/v1/": {"auth": "dXNlcjpzM2NyZXQ="},
        "http://plain.example:80": {"username": "u2", "password": "p2"},
        "ghcr.io": {"identitytoken": "refresh"},
        "https://index.docker.io/v1/": {"auth": "aHViOnB3"}}})");
    auto a = find_credentials("127.0.0.1:5000", c.dir).credentials;
    REQUIRE(a);
    CHECK(a->username == "user");
    CHECK(a->password == "s3cret");
    CHECK(find_credentials("plain.example:80", c.dir).credentials->password == "p2");
    CHECK(find_credentials("ghcr.io", c.dir).credentials->identity_token == "refresh");
    for (const char* hub : {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
        auto h = find_credentials(hub, c.dir).credentials;
        REQUIRE(h);
        CHECK(h->username == "hub");
        CHECK(h->password == "pw");
    }
    CHECK_FALSE(find_credentials("127.0.0.1:5001", c.dir).credentials);
}

TEST_CASE("credHelpers before credsStore before auths; a helper gets the server on stdin") {
    TempConfig c;
    c.helper("pertest", R"([ "$1" = get ] || exit 9; read url; echo "{\"Username\":\"from-$url\",\"Secret\":\"x\"}")");
    c.helper(
        "store",
        R"(read url; [ "$url" = https://index.docker.io/v1/ ] && echo '{"Username":"<token>","Secret":"tok"}' && exit 0; echo "credentials not found in native keychain"; exit 1)");
    c.write(R"({"credHelpers": {"reg.example": "pertest"}, "credsStore": "store",
                "auths": {"reg.example": {"auth": "bm86bm8="}, "other.example": {"auth": "YTpi"}}})");
    CHECK(find_credentials("reg.example", c.dir).credentials->username == "from-reg.example");
    auto hub = find_credentials("docker.io", c.dir).credentials;
    REQUIRE(hub);
    CHECK(hub->identity_token == "tok");
    CHECK(hub->username.empty());
    // The store knows nothing of other.example: auths still answers.
    CHECK(find_credentials("other.example", c.dir).credentials->username == "a");
}

TEST_CASE("errors name the file or helper, never the secret") {
    TempConfig c;
    c.write("{not json");
    CHECK(error_of(c, "x.io") == (c.dir / "config.json").string() + " is not a JSON object");
    c.write(R"({"auths": {"x.io": {"auth": "bm9jb2xvbg=="}}})");  // "nocolon"
    CHECK(error_of(c, "x.io") ==
          (c.dir / "config.json").string() + R"(: auths["x.io"].auth is not base64 of USER:PASSWORD)");
    c.helper("broken", R"(echo "s3cret-in-output" >&2; echo '{"Username":"u","Secret":"s3cret"'; exit 3)");
    c.write(R"({"credHelpers": {"x.io": "broken"}})");
    const std::string e = error_of(c, "x.io");
    CHECK(e == "credential helper docker-credential-broken failed for x.io (exit status 3)");
    CHECK(e.find("s3cret") == std::string::npos);
    c.helper("garbled", R"(echo 'Username=u Secret=s3cret')");
    c.write(R"({"credHelpers": {"x.io": "garbled"}})");
    CHECK(error_of(c, "x.io").find("something other than") != std::string::npos);
    CHECK(error_of(c, "x.io").find("s3cret") == std::string::npos);
    c.write(R"({"credHelpers": {"x.io": "absent-helper"}})");
    CHECK(error_of(c, "x.io") ==
          "credential helper docker-credential-absent-helper (named in config.json) was not found on PATH");
}
