// xbuild/registry/reference.hpp: image references ("alpine", "ghcr.io/o/app:1", "host:5000/a@sha256:..."),
// parsed and normalized the way the Docker CLI does, and local OCI layouts ("oci-layout://DIR:TAG").
//
//   Reference r = parse_reference("alpine");       // docker.io/library/alpine:latest
//   r.familiar();                                  // "alpine:latest", as docker prints it
//   r.api_host();                                  // "registry-1.docker.io": where /v2/ lives
//   "/v2/" + r.repository + "/manifests/" + r.object();
//   ImageRef dst = parse_image_ref("oci-layout://./out:v1");   // LayoutReference{"./out", "v1", ""}
//
// Normalization (docker/distribution's reference grammar): a first component is a registry only when
// it has a '.' or ':' or is "localhost", so "user/app" is docker.io/user/app; docker.io's one-component
// names get "library/"; "index.docker.io" and "registry-1.docker.io" mean docker.io; no tag and no
// digest means ":latest". Hosts may be upper-case (DNS is not case-sensitive), repositories may not
// (registries treat them as case-sensitive paths, and docker refuses them). Errors name the bad part
// and say what is valid.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace xbuild::registry {

// A reference that does not follow the grammar.
class ReferenceError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

struct Reference {
    std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000", "localhost:5000", "[::1]:5000"
    std::string repository;  // "library/alpine", "xbuild/app"
    std::string tag;         // "latest" when neither tag nor digest was given; "" when only a digest was
    std::string digest;      // "sha256:..." or ""

    // Fully qualified: "docker.io/library/alpine:latest", "host:5000/a/b@sha256:..." (both when both).
    std::string str() const;
    // As docker prints it: "alpine:latest", "user/app:1"; other registries fully qualified.
    std::string familiar() const;
    // Where the API lives: "registry-1.docker.io" for docker.io, else `registry`.
    std::string api_host() const;
    // What goes after /manifests/: the digest when set (it pins the content), else the tag.
    std::string object() const;
    // Same repository, tag set, digest cleared (the tag is not checked; parse the result to check).
    Reference with_tag(std::string tag) const;
    // Same repository, digest set, tag cleared.
    Reference with_digest(std::string digest) const;

    friend bool operator==(const Reference&, const Reference&) = default;
};

// Parses and normalizes one reference. Throws ReferenceError, e.g.
// "invalid reference 'Alpine': repository names must be lower-case", "invalid tag 'a b' in ...".
// Grammar: repository components [a-z0-9]+ joined by '.', '_', '__' or '-'+, separated by '/';
// tags [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests as xbuild::oci::Digest::parse accepts;
// the name (registry/repository) at most 255 characters.
Reference parse_reference(std::string_view text);

// A local OCI image layout directory as a source or destination: "oci-layout://DIR[:TAG]" (a ':' after
// the last '/' of DIR starts the tag) or "oci-layout://DIR@sha256:...".
struct LayoutReference {
    std::string dir;          // as given: "./out", "/abs/dir"
    std::string tag;          // "" when none (the layout's only image, or "latest" when writing)
    std::string digest;       // "" when none
    std::string str() const;  // "oci-layout://DIR[:TAG][@DIGEST]", parses back to the same value
    friend bool operator==(const LayoutReference&, const LayoutReference&) = default;
};

using ImageRef = std::variant<Reference, LayoutReference>;

// "oci-layout://..." gives a LayoutReference, anything else parse_reference. Throws ReferenceError.
ImageRef parse_image_ref(std::string_view text);

}  // namespace xbuild::registry

#include "impl/reference.inl"
