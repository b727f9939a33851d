// Tests of xbuild/registry/reference.hpp: Docker's normalization, the grammar's errors, layouts.
#include "xbuild/registry/reference.hpp"

#include <doctest/doctest.h>

#include <string>

using xbuild::registry::LayoutReference;
using xbuild::registry::parse_image_ref;
using xbuild::registry::parse_reference;
using xbuild::registry::Reference;
using xbuild::registry::ReferenceError;

namespace {

const std::string hex64(64, 'a');
const std::string dig = "sha256:" + hex64;

std::string error_of(std::string_view text) {
    try {
        return "parsed as " + parse_reference(text).str();
    } catch (const ReferenceError& e) { return e.what(); }
}

}  // namespace

TEST_CASE("normalization as the Docker CLI does it") {
    struct Case {
        std::string in, str, familiar, api_host;
    };
    const Case cases[] = {
        {"alpine", "docker.io/library/alpine:latest", "alpine:latest", "registry-1.docker.io"},
        {"library/alpine:3.19", "docker.io/library/alpine:3.19", "alpine:3.19", "registry-1.docker.io"},
        {"docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest", "registry-1.docker.io"},
        {"index.docker.io/user/x", "docker.io/user/x:latest", "user/x:latest", "registry-1.docker.io"},
        {"registry-1.docker.io/user/x:1", "docker.io/user/x:1", "user/x:1", "registry-1.docker.io"},
        {"user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0", "registry-1.docker.io"},
        {"localhost/x", "localhost/x:latest", "localhost/x:latest", "localhost"},
        {"localhost:5000/x:tag", "localhost:5000/x:tag", "localhost:5000/x:tag", "localhost:5000"},
        {"127.0.0.1:5000/a/b@" + dig, "127.0.0.1:5000/a/b@" + dig, "127.0.0.1:5000/a/b@" + dig, "127.0.0.1:5000"},
        {"ghcr.io/o/app:v1@" + dig, "ghcr.io/o/app:v1@" + dig, "ghcr.io/o/app:v1@" + dig, "ghcr.io"},
        {"[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest", "[::1]:5000"},
        {"Registry.Example.COM/a_b/c__d/e-f--g.h:T_1.x-y", "Registry.Example.COM/a_b/c__d/e-f--g.h:T_1.x-y",
         "Registry.Example.COM/a_b/c__d/e-f--g.h:T_1.x-y", "Registry.Example.COM"},
        {"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", "registry-1.docker.io"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.in);
        const Reference r = parse_reference(c.in);
        CHECK(r.str() == c.str);
        CHECK(r.familiar() == c.familiar);
        CHECK(r.api_host() == c.api_host);
        CHECK(parse_reference(r.str()) == r);
    }
}

TEST_CASE("fields, object() and the with_ helpers") {
    const Reference r = parse_reference("127.0.0.1:5000/xbuild/app:1.0");
    CHECK(r.registry == "127.0.0.1:5000");
    CHECK(r.repository == "xbuild/app");
    CHECK(r.tag == "1.0");
    CHECK(r.object() == "1.0");
    const Reference d = r.with_digest(dig);
    CHECK(d.tag.empty());
    CHECK(d.object() == dig);
    CHECK(d.str() == "127.0.0.1:5000/xbuild/app@" + dig);
    CHECK(d.with_tag("2").str() == "127.0.0.1:5000/xbuild/app:2");
    const Reference only_digest = parse_reference("alpine@" + dig);
    CHECK(only_digest.tag.empty());
    CHECK(only_digest.familiar() == "alpine@" + dig);
}

TEST_CASE("errors name the bad part and what is valid") {
    CHECK(error_of("") ==
          "invalid reference '': empty; expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. alpine:3.19");
    CHECK(error_of("Alpine") == "invalid reference 'Alpine': repository names must be lower-case");
    CHECK(error_of("ghcr.io/Owner/app") ==
          "invalid reference 'ghcr.io/Owner/app': repository names must be lower-case");
    CHECK(error_of("a b") == "invalid reference 'a b': blanks, control and non-ASCII characters are not allowed");
    CHECK(error_of("app:-x").find("invalid tag '-x' in 'app:-x'") == 0);
    CHECK(error_of("app:" + std::string(129, 'a')).find("1 to 128") != std::string::npos);
    CHECK(error_of("app@sha256:abc").find("sha256 takes 64 hex digits, not 3") != std::string::npos);
    CHECK(error_of("app@md5:" + hex64).find("unsupported digest algorithm 'md5'") != std::string::npos);
    CHECK(error_of("a//b").find("empty path component") != std::string::npos);
    CHECK(error_of("a/b/").find("empty path component") != std::string::npos);
    CHECK(error_of("a/-b").find("must start and end") != std::string::npos);
    CHECK(error_of("a/b...c").find("only with '.', '_', '__' or '-'") != std::string::npos);
    CHECK(error_of("a/b___c").find("only with '.', '_', '__' or '-'") != std::string::npos);
    CHECK(error_of("host:port/x").find("port 'port'") != std::string::npos);
    CHECK(error_of("-bad.io/x").find("DNS labels") != std::string::npos);
    CHECK(error_of("[::1/x").find("unterminated '['") != std::string::npos);
    CHECK(error_of(hex64).find("image ID") != std::string::npos);
    CHECK(error_of("r.io/" + std::string(260, 'a')).find("at most 255") != std::string::npos);
    CHECK(error_of(":tag").find("no repository name") != std::string::npos);
}

TEST_CASE("oci-layout:// sources and destinations") {
    CHECK(std::get<LayoutReference>(parse_image_ref("oci-layout://./out:v1")) == LayoutReference {"./out", "v1", ""});
    CHECK(std::get<LayoutReference>(parse_image_ref("oci-layout:///abs/dir@" + dig)) ==
          LayoutReference {"/abs/dir", "", dig});
    CHECK(std::get<LayoutReference>(parse_image_ref("oci-layout://out")) == LayoutReference {"out", "", ""});
    CHECK(std::get<LayoutReference>(parse_image_ref("oci-layout://a:b/c")) == LayoutReference {"a:b/c", "", ""});
    const auto l = std::get<LayoutReference>(parse_image_ref("oci-layout://./x:t@" + dig));
    CHECK(std::get<LayoutReference>(parse_image_ref(l.str())) == l);
    CHECK(std::get<Reference>(parse_image_ref("alpine")).str() == "docker.io/library/alpine:latest");
    CHECK_THROWS_AS(parse_image_ref("oci-layout://"), ReferenceError);
    CHECK_THROWS_AS(parse_image_ref("oci-layout://x@sha256:zz"), ReferenceError);
}
