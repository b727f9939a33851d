// xbuild/oci/image.hpp: image manifests, indexes (manifest lists) and configs, OCI and Docker.
//
//   using namespace xbuild::oci;
//   AnyManifest any = parse_any_manifest(body, response_content_type);   // throws ManifestError
//   if (auto* index = std::get_if<Index>(&any))
//       for (const Descriptor& d : index->manifests)
//           if (!d.is_attestation() && d.platform && d.platform->str() == "linux/arm64") ...
//   Manifest m = parse_manifest(manifest_body);
//   ImageConfig cfg = parse_config(config_blob);
//   cfg.config.env.push_back("PATH=/usr/bin");  cfg.rootfs.diff_ids.push_back(layer_diff_id);
//   std::string blob = to_json(cfg);                  // compact and deterministic
//   Digest d = sha256_of(blob);
//
// What others wrote is read without loss: every object keeps the fields we do not know in
// `extra`, and to_json writes them back, so editing one field of a registry's config and pushing
// it changes nothing else. Known fields holding their empty value are left out on write, as the
// specs' Go types do (omitempty); schemaVersion, a set mediaType, config, layers, manifests,
// digest and size are always written. Output is nlohmann::json's dump: keys sorted, no blanks,
// so one value always gives the same bytes (and the same digest); for a document already in that
// form parse -> to_json gives back the very bytes. Keys in `extra` that name a known field are
// ignored on write (the field wins).
//
// Errors are ManifestError only, naming the field path and what is valid:
// "manifests[2].digest: malformed digest ...", "schemaVersion: must be 2, got 1".
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "digest.hpp"
#include "media_types.hpp"

namespace xbuild::oci {

// A document that is not valid JSON, not the kind asked for, or breaks the spec's rules.
class ManifestError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

// The OCI "platform" object of an index entry (not xbuild::Platform, which is a parsed
// specifier: this one is what a registry says, unknown/unknown included).
struct Platform {
    std::string os;            // required when a platform is given
    std::string architecture;  // required when a platform is given
    std::string variant;
    std::string os_version;                           // "os.version" (Windows builds)
    std::vector<std::string> os_features;             // "os.features"
    nlohmann::json extra = nlohmann::json::object();  // fields we do not know, kept on rewrite

    std::string str() const;  // "linux/arm64", "linux/arm/v7"
    friend bool operator==(const Platform&, const Platform&) = default;
};

// A reference to a blob or manifest: what it is, its digest and size, and where it applies.
struct Descriptor {
    std::string media_type;  // required
    Digest digest;           // required
    std::int64_t size = 0;   // required, >= 0
    std::optional<Platform> platform;
    std::map<std::string, std::string> annotations;
    std::vector<std::string> urls;
    std::string artifact_type;
    nlohmann::json extra = nlohmann::json::object();

    // buildx/BuildKit attestation manifests (SBOM, provenance) sit in an index beside the images,
    // with platform unknown/unknown and annotation vnd.docker.reference.type=attestation-manifest;
    // a platform picker must skip them.
    bool is_attestation() const;
    friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

// Annotation keys BuildKit puts on attestation entries.
inline constexpr std::string_view annotation_reference_type = "vnd.docker.reference.type";
inline constexpr std::string_view annotation_reference_digest = "vnd.docker.reference.digest";
inline constexpr std::string_view attestation_manifest = "attestation-manifest";

// An image manifest: OCI or Docker schema 2.
struct Manifest {
    int schema_version = 2;          // must be 2
    std::string media_type;          // may be "" in an OCI manifest; else oci_manifest or docker_manifest
    std::string artifact_type;       // OCI artifacts
    Descriptor config;               // required
    std::vector<Descriptor> layers;  // required (may be empty), base layer first
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
    nlohmann::json extra = nlohmann::json::object();

    friend bool operator==(const Manifest&, const Manifest&) = default;
};

// An OCI image index or a Docker manifest list.
struct Index {
    int schema_version = 2;  // must be 2
    std::string media_type;  // may be "" in an OCI index; else oci_index or docker_manifest_list
    std::string artifact_type;
    std::vector<Descriptor> manifests;  // required (may be empty); in a Docker list each has a platform
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
    nlohmann::json extra = nlohmann::json::object();

    friend bool operator==(const Index&, const Index&) = default;
};

// The image config blob (OCI image-spec config.md; Docker's is the same with more fields, which
// land in the `extra`s). JSON keys of the container config are Docker's capitalized ones.
struct ImageConfig {
    // "config": the defaults a container of this image runs with.
    struct Container {
        std::string user;                                 // User
        std::vector<std::string> env;                     // Env, "NAME=value"
        std::vector<std::string> entrypoint;              // Entrypoint
        std::vector<std::string> cmd;                     // Cmd
        std::string working_dir;                          // WorkingDir
        std::map<std::string, std::string> labels;        // Labels
        std::set<std::string> exposed_ports;              // ExposedPorts keys, "80/tcp" (values are {})
        std::set<std::string> volumes;                    // Volumes keys, "/data" (values are {})
        std::string stop_signal;                          // StopSignal
        nlohmann::json extra = nlohmann::json::object();  // Hostname, Healthcheck, OnBuild, ...

        bool empty() const;  // nothing set: "config" is then left out on write
        friend bool operator==(const Container&, const Container&) = default;
    };
    struct RootFs {
        std::string type = "layers";   // the only valid value
        std::vector<Digest> diff_ids;  // digests of the uncompressed layers, base first
        nlohmann::json extra = nlohmann::json::object();

        friend bool operator==(const RootFs&, const RootFs&) = default;
    };
    // One build step; empty_layer steps (ENV, CMD, ...) made no layer, so history and diff_ids
    // line up only after skipping them.
    struct History {
        std::string created;     // RFC 3339
        std::string created_by;  // the command, e.g. "/bin/sh -c #(nop)  CMD [\"sh\"]"
        std::string author;
        std::string comment;
        bool empty_layer = false;
        nlohmann::json extra = nlohmann::json::object();

        friend bool operator==(const History&, const History&) = default;
    };

    std::string os;            // required
    std::string architecture;  // required
    std::string variant;
    std::string os_version;                // "os.version"
    std::vector<std::string> os_features;  // "os.features"
    std::string created;                   // RFC 3339, kept as written
    std::string author;
    Container config;  // "config"
    RootFs rootfs;     // required
    std::vector<History> history;
    nlohmann::json extra = nlohmann::json::object();  // container_config, docker_version, ...

    Platform platform() const;  // the platform the image was built for
    friend bool operator==(const ImageConfig&, const ImageConfig&) = default;
};

// Parsers. Each throws ManifestError; a mediaType that names another kind of document (parse_index
// on a manifest) is an error, not a guess.
Manifest parse_manifest(std::string_view json);
Index parse_index(std::string_view json);
ImageConfig parse_config(std::string_view json);
Descriptor parse_descriptor(std::string_view json);

// Compact, deterministic JSON (same value -> same bytes).
std::string to_json(const Manifest& m);
std::string to_json(const Index& i);
std::string to_json(const ImageConfig& c);
std::string to_json(const Descriptor& d);
std::string to_json(const Platform& p);

// The same as nlohmann values, to embed in larger documents (e.g. an OCI layout's index.json).
nlohmann::json json_value(const Manifest& m);
nlohmann::json json_value(const Index& i);
nlohmann::json json_value(const ImageConfig& c);
nlohmann::json json_value(const Descriptor& d);
nlohmann::json json_value(const Platform& p);

// A manifest of unknown kind (a registry answer): decided by its mediaType field, else the HTTP
// Content-Type given (parameters such as "; charset=utf-8" ignored), else its shape ("manifests"
// -> index, "config" + "layers" -> manifest). Schema 1 and foreign media types are refused.
using AnyManifest = std::variant<Manifest, Index>;
AnyManifest parse_any_manifest(std::string_view json, std::string_view content_type = "");

// The media type of a parsed manifest or index, for an Accept/Content-Type header or a
// descriptor: its mediaType, else the OCI type of its kind.
std::string_view media_type_of(const Manifest& m);
std::string_view media_type_of(const Index& i);
std::string_view media_type_of(const AnyManifest& any);

}  // namespace xbuild::oci

#include "impl/image.inl"
