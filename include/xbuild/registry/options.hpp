// xbuild/registry/options.hpp: what every registry call is configured with (ClientOptions), what
// it throws (RegistryError, with an ErrorKind), and the callbacks that feed and follow transfers. Shared by the client (client.hpp) and the layers under
// it (http.hpp, auth.hpp), which include this instead of the client.
//
//   ClientOptions options;
//   options.insecure_registries = {"myreg:5000"};
//   try { ... } catch (const RegistryError& e) { if (e.kind == ErrorKind::auth) ... }
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace xbuild::registry {

// What went wrong, for callers that react differently (a CLI exit code, a fallback).
enum class ErrorKind {
    http,      // the registry answered with an error status (http_status, code say which)
    network,   // no usable answer: DNS, connection refused/reset, timeout (after the retries)
    tls,       // the TLS handshake failed: untrusted or mismatched certificate, client cert refused
    auth,      // 401/403, no credentials, or the token endpoint refused them
    verify,    // content did not match its digest or size, or Docker-Content-Digest disagreed
    protocol,  // an answer that breaks the spec: no Location on 202, a malformed token response, ...
};

// Every failure of a Client. The message names the registry, repository and what failed, e.g.
// "127.0.0.1:5000/app: manifest 'v1' not found (MANIFEST_UNKNOWN)"; never a secret.
class RegistryError : public std::runtime_error {
   public:
    RegistryError(ErrorKind kind, const std::string& message, int http_status = 0, std::string code = {})
        : std::runtime_error(message), kind(kind), http_status(http_status), code(std::move(code)) {}

    ErrorKind kind;
    int http_status = 0;     // 0 when there was no HTTP answer
    std::string code;        // the first OCI error code of the body ("MANIFEST_UNKNOWN", "DENIED"), or ""
    bool retryable = false;  // set on the transient ones (connection failures, 5xx, 429)
};

struct ClientOptions {
    // Registries where plain HTTP is allowed and HTTPS is not verified (docker's
    // --insecure-registry): "host:port", or "host" for every port of it. Loopback hosts need not be
    // listed (see the top of this file for what they get).
    std::vector<std::string> insecure_registries;
    // An extra CA certificate file (PEM, may hold several) trusted for every registry (--ca-cert).
    std::string ca_cert;
    // Docker's per-registry certificates: <certs_d>/<host[:port]>/*.crt are CAs, client.cert +
    // client.key a client certificate. A missing directory is fine.
    std::filesystem::path certs_d = "/etc/docker/certs.d";
    // Where config.json lives; "" = docker_config_dir() ($DOCKER_CONFIG, else ~/.docker).
    std::filesystem::path docker_config;
    int max_retries = 4;                      // retries after the first attempt
    std::chrono::milliseconds backoff {200};  // first retry delay, doubled each time
    std::chrono::seconds connect_timeout {30};
    // A transfer slower than 1 byte/s for this long is abandoned (and retried), not a total timeout,
    // so multi-gigabyte layers are fine.
    std::chrono::seconds low_speed_timeout {60};
    // Tags asked for per page of list_tags (?n=); 0 = the registry's default page.
    std::size_t tags_page_size = 0;
    std::string user_agent = "xbuild";
    // Verbose lines ("GET https://host/v2/app/manifests/v1 -> 200", "token for repository:app:pull"),
    // never a secret (URL queries are left out: storage redirects carry signatures there).
    std::function<void(const std::string&)> log;
};

// Bytes done / total (total 0 when unknown), called as a transfer goes.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Reads up to `size` bytes of a blob starting at `offset` into `buffer`; returns how many (0 only at
// the end). Random access so that an upload can be restarted after a failure. Throw to abort.
using BlobReader = std::function<std::size_t(std::uint64_t offset, void* buffer, std::size_t size)>;

}  // namespace xbuild::registry
