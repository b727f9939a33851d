// xbuild/registry/client.hpp: a client of the OCI distribution API (the /v2/ protocol every image
// registry speaks), on libcurl: manifests and blobs up and down, verified, with Docker's auth.
//
//   using namespace xbuild::registry;
//   ClientOptions options;
//   options.log = [](const std::string& line) { std::cerr << line << '\n'; };
//   Client client(options);
//   Reference ref = parse_reference("127.0.0.1:5001/app:v1");
//   auto m = client.get_manifest(ref);                 // bytes, media type, digest (all verified)
//   if (auto d = client.head_manifest(ref)) ...        // nullopt: no such tag
//   PushOptions push;
//   push.mount_from_repository = "library/base";   // same registry, may hold it already
//   client.push_blob(ref, layer_descriptor, "/tmp/layer.tar.gz", push);
//   client.push_blob(ref, config_json, config_descriptor);
//   oci::Digest d = client.put_manifest(ref, manifest_json, oci::media_type::oci_manifest);
//   client.get_blob_to_file(ref, layer_digest, "/tmp/out.tar.gz");   // renamed into place once verified
//   for (const auto& tag : client.list_tags(ref)) ...
//
// Verification: nothing read from a registry is returned before its digest is checked. A manifest
// fetched by digest must hash to it; one fetched by tag must hash to the Docker-Content-Digest
// header when the registry sends one. Blobs must hash to the digest asked for; a file download is
// written beside the target as "<out>.partial" and renamed into place only once it hashes right
// (removed otherwise), so a failed download never leaves a file at `out`.
//
// Auth (Docker's token spec): requests go out without credentials; on 401 the WWW-Authenticate
// challenge decides. Bearer: GET realm?service=...&scope=repository:NAME:pull[,push], with basic auth
// from the Docker CLI's credentials (find_credentials: config.json, credsStore, credHelpers) when
// there are any (anonymous otherwise); with an identity token (docker's "identitytoken") a POST of
// grant_type=refresh_token instead. The answer's "token" (or "access_token") is cached per
// (registry, scope) for its expires_in (60 s when not given), so one token serves a whole push.
// Reads ask for pull only; writes for pull,push; a cross-repository mount for pull on the source too.
// Basic: the credentials on every request to that registry. A 401 with no credentials configured
// names where they were looked for (config.json) and says to run `docker login HOST`. Credentials
// and tokens never appear in logs or messages.
//
// Transport: HTTPS, verified against the system CAs, plus every *.crt in certs_d/<host>/ (docker's
// /etc/docker/certs.d/<host:port>/ca.crt layout) and `ca_cert`; a client.cert / client.key pair
// there is sent for mutual TLS. Plain HTTP, as docker allows it:
//   - loopback hosts (localhost, 127.0.0.0/8, ::1), insecure by default in docker too: HTTPS first,
//     verified; when the TLS handshake fails, plain HTTP; when that fails too (or the server says it
//     wanted TLS), the TLS error is reported. So a local TLS registry with an untrusted certificate
//     fails with the TLS error rather than silently downgrading.
//   - hosts in `insecure_registries` ("host:port" as in the reference, or "host" for any port):
//     exactly docker's --insecure-registry: HTTPS without certificate verification, then HTTP.
// The scheme found for a host is kept for the life of the Client.
//
// Retries: connection failures (refused, reset, timed out, cut short), 5xx and 429 are retried up to
// max_retries times with exponential backoff from `backoff` (doubling; Retry-After honoured, at most
// 30 s), for requests that are idempotent (GET, HEAD, PUT manifest, DELETE) or that can be restarted
// (a blob upload starts over with a new upload session, the reader asked again from offset 0).
// Redirects (blob downloads go to storage: S3, GCS, a CDN) are followed, at most 10, and the
// registry's Authorization header is never sent to another host.
//
// One CURL handle per Client, reused so requests share connections; a Client is therefore not
// thread-safe: use one per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xbuild/oci/digest.hpp"
#include "xbuild/oci/image.hpp"
#include "options.hpp"
#include "reference.hpp"

namespace xbuild::registry {

struct PushOptions {
    // A repository of the same registry that may hold the blob already ("library/alpine"): a
    // cross-repository mount is tried first (POST ?mount=&from=; 201 = done, 202 = upload anyway).
    std::optional<std::string> mount_from_repository;
    // 0: one PUT with the whole blob (monolithic). Otherwise PATCH chunks of this many bytes
    // (Content-Range) and a closing PUT ?digest=.
    std::size_t chunk_size = 0;
    ProgressFn progress;
};

// How a blob got to the registry.
enum class PushResult {
    already_present,  // HEAD found it: nothing sent
    mounted,          // cross-repository mount
    uploaded,
};

class Client {
   public:
    explicit Client(ClientOptions options = {});
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    // GET /v2/ of a registry ("docker.io", "ghcr.io", "127.0.0.1:5000", as in Reference::registry):
    // finds the scheme and checks it is a registry, following the auth flow with no repository scope
    // when it asks for credentials. Throws RegistryError.
    void ping(const std::string& registry);

    struct FetchedManifest {
        std::string bytes;       // exactly as served (their digest is the manifest's digest)
        std::string media_type;  // Content-Type, else the document's mediaType
        oci::Digest digest;      // sha256 of bytes (or the digest of the reference, verified)
    };
    // The manifest or index `ref` names (by digest when it has one, else by tag), any of the four
    // kinds (OCI manifest / index, Docker manifest / list). Verified as described above. A missing
    // one throws RegistryError with http_status 404 (code MANIFEST_UNKNOWN usually). At most
    // `max_bytes` are read (manifests are small; a registry sending more is refused).
    FetchedManifest get_manifest(const Reference& ref, std::size_t max_bytes = 4 << 20);

    // HEAD of the manifest: its media type, digest (Docker-Content-Digest) and size; nullopt on 404.
    // When the registry sends no digest header (some do not on HEAD), falls back to a GET.
    std::optional<oci::Descriptor> head_manifest(const Reference& ref);

    // PUT /v2/NAME/manifests/<tag or digest>. Returns the digest of `bytes`; throws RegistryError
    // (kind verify) when the registry's Docker-Content-Digest differs, and when `ref` carries a digest
    // that `bytes` do not hash to. Every blob it names must have been pushed first.
    oci::Digest put_manifest(const Reference& ref, std::string_view bytes, std::string_view media_type);

    // DELETE /v2/NAME/manifests/<digest>: `ref` must carry a digest (std::invalid_argument
    // otherwise; registries refuse deleting by tag). 404 throws too. The registry must allow deletes.
    void delete_manifest(const Reference& ref);

    // HEAD /v2/NAME/blobs/<digest> (only ref.registry and ref.repository are used, here and below).
    bool has_blob(const Reference& repo, const oci::Digest& digest);

    // A small blob (a config) in memory, verified. More than max_bytes throws (kind protocol).
    std::string get_blob(const Reference& repo, const oci::Digest& digest, std::size_t max_bytes = 16 << 20);

    // A blob streamed to `out` (parent directory must exist), verified before the rename into place;
    // an existing `out` is replaced only on success.
    void get_blob_to_file(const Reference& repo, const oci::Digest& digest, const std::filesystem::path& out,
                          const ProgressFn& progress = {});

    // Uploads a blob unless the registry has it (HEAD first). desc.digest and desc.size must
    // describe the content: the registry checks the digest and refuses a mismatch, and a reader that
    // gives a different number of bytes than desc.size throws (kind verify).
    PushResult push_blob(const Reference& repo, const oci::Descriptor& desc, const std::filesystem::path& file,
                         const PushOptions& options = {});
    PushResult push_blob(const Reference& repo, const oci::Descriptor& desc, const BlobReader& reader,
                         const PushOptions& options = {});
    // Small ones (configs, tiny layers) from memory.
    PushResult push_blob(const Reference& repo, std::string_view bytes, const oci::Descriptor& desc,
                         const PushOptions& options = {});

    // Every tag of the repository, in the registry's order, following Link: <...>; rel="next" pages.
    // A repository that does not exist throws (404, NAME_UNKNOWN).
    std::vector<std::string> list_tags(const Reference& repo);

   private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace xbuild::registry

#include "impl/client.inl"
