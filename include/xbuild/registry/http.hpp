// xbuild/registry/http.hpp: the HTTP transport under the registry client: one libcurl easy handle,
// requests with bodies from memory or a random-access reader, answers to memory or a sink, per-host
// TLS trust, and bounded retries of transient failures.
//
//   Transport t(options);                       // options: ClientOptions (timeouts, retries, log)
//   Request req;
//   req.url = "https://127.0.0.1:5001/v2/";
//   req.tls.ca_files = {"/etc/docker/certs.d/127.0.0.1:5001/ca.crt"};
//   Response r = t.send(req, /*retryable=*/true);   // throws TransportError when no answer came
//   if (r.status == 401) ... r.header("www-authenticate") ...
//
// No redirects are followed and no credentials added here: the client does both, since it knows
// which host a header belongs to. One exchange at a time: not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "options.hpp"

namespace xbuild::registry {

// Whom to trust on one host.
struct TlsSettings {
    bool verify = true;                 // false only for --insecure-registry hosts
    std::vector<std::string> ca_files;  // PEM files added to the system CAs
    std::string client_cert;            // PEM certificate for mutual TLS ("" = none)
    std::string client_key;
};

struct Request {
    std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    // The body: `reader` when set (body_size bytes from offset body_offset), else `body`.
    std::string_view body;
    BlobReader reader;
    std::uint64_t body_offset = 0;
    std::uint64_t body_size = 0;
    bool has_body = false;  // send a body (even an empty one) with Content-Length
    // The answer body of a 2xx goes to `sink` when set (false from it aborts), else into
    // Response::body, at most max_body bytes (Response::truncated beyond). Error answers always go to
    // Response::body (64 KiB at most), never to the sink.
    std::function<bool(const char* data, std::size_t size)> sink;
    std::size_t max_body = 1 << 20;
    // Called before every attempt but the first (a download starting over truncates its file).
    std::function<void()> restart;
    ProgressFn progress;
    TlsSettings tls;
};

struct Response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
    std::string body;
    bool truncated = false;
    // The last value of a header (name lower-case), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

// No HTTP answer: what libcurl said, which host, whether trying again may help.
class TransportError : public std::runtime_error {
   public:
    TransportError(const std::string& message, int curl_code, bool retryable, bool tls)
        : std::runtime_error(message), curl_code(curl_code), retryable(retryable), tls(tls) {}
    int curl_code;   // CURLE_READ_ERROR: the body reader gave fewer bytes than body_size
    bool retryable;  // connection refused/reset, timeouts, a transfer cut short
    bool tls;        // the TLS handshake or certificate check failed
};

class Transport {
   public:
    explicit Transport(const ClientOptions& options);
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;
    ~Transport();

    // One exchange. Throws TransportError ("https://h/v2/: TLS: certificate verify failed ...").
    Response perform(const Request& req);
    // perform() with the retries of client.hpp when `retryable`: transient TransportErrors, 5xx
    // and 429 are tried again up to max_retries times with exponential backoff (Retry-After
    // honoured, at most 30 s). The last answer is returned, the last error thrown.
    Response send(const Request& req, bool retryable);

    void log(const std::string& line) const {
        if (options_.log) options_.log(line);
    }

   private:
    const ClientOptions& options_;
    void* curl_ = nullptr;  // CURL*
};

}  // namespace xbuild::registry

#include "impl/http.inl"
