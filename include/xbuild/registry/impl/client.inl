// Implementation of xbuild/registry/client.hpp: the API calls. The transport is http.hpp, the
// token flow auth.hpp, the parsing of answers responses.hpp.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <system_error>
#include <thread>

#include "xbuild/registry/auth.hpp"
#include "xbuild/registry/http.hpp"
#include "xbuild/registry/responses.hpp"

namespace xbuild::registry {

namespace detail {

inline constexpr const char* client_accept_manifests =
    "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

inline std::string client_host_only(std::string_view authority) {
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return std::string(authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(authority.substr(0, authority.find(':')));
}

// localhost, 127.0.0.0/8 and ::1: docker's default insecure registries.
inline bool client_is_loopback(std::string_view authority) {
    const std::string host = to_lower(client_host_only(authority));
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// A Content-Type without its parameters.
inline std::string client_media_type(std::optional<std::string> content_type) {
    if (!content_type) return {};
    return std::string(trim(std::string_view(*content_type).substr(0, content_type->find(';'))));
}

// What one API call is, for its auth scopes and its messages.
struct ClientCall {
    std::string registry;             // Reference::registry (credentials, token cache)
    std::string prefix;               // "127.0.0.1:5001/app: "
    std::string what;                 // "manifest 'v1'"
    std::vector<std::string> scopes;  // token scopes it needs
    bool retryable = true;            // idempotent, or restartable
};

}  // namespace detail

struct Client::Impl {
    ClientOptions options;
    Transport transport;
    Authenticator auth;
    std::map<std::string, std::string> base_urls;  // api host -> "https://host" or "http://host"

    explicit Impl(ClientOptions o)
        : options(std::move(o)),
          transport(options),
          auth(transport, options, [this](const Url& u) { return tls_for(u.authority); }) {}

    bool listed_insecure(std::string_view authority) const {
        const std::string a = to_lower(authority), host = to_lower(detail::client_host_only(authority));
        for (const auto& entry : options.insecure_registries) {
            const std::string e = to_lower(entry);
            if (e == a || e == host || e == "[" + host + "]") return true;
        }
        return false;
    }

    TlsSettings tls_for(const std::string& authority) const {
        TlsSettings tls;
        tls.verify = !listed_insecure(authority);
        if (!options.ca_cert.empty()) tls.ca_files.push_back(options.ca_cert);
        std::error_code ec;
        const auto dir = options.certs_d / authority;
        std::vector<std::filesystem::path> files;
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            files.push_back(it->path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            if (f.extension() == ".crt") tls.ca_files.push_back(f.string());
            if (f.extension() == ".cert" && tls.client_cert.empty()) {
                auto key = f;
                key.replace_extension(".key");
                if (std::filesystem::exists(key, ec)) {
                    tls.client_cert = f.string();
                    tls.client_key = key.string();
                }
            }
        }
        return tls;
    }

    RegistryError from_transport(const TransportError& e, const std::string& prefix, const std::string& host) const {
        std::string msg = prefix + e.what();
        if (e.tls)
            msg += " (to trust " + host + "'s certificate: its CA in " + (options.certs_d / host / "ca.crt").string() +
                   ", or --ca-cert FILE)";
        const ErrorKind kind = e.tls                             ? ErrorKind::tls
                               : e.curl_code == CURLE_READ_ERROR ? ErrorKind::verify
                                                                 : ErrorKind::network;
        RegistryError r(kind, msg);
        r.retryable = e.retryable;
        return r;
    }

    // "https://host" or, where docker allows it and TLS does not work, "http://host" (client.hpp).
    const std::string& base_url(const std::string& api_host, const std::string& prefix) {
        if (auto it = base_urls.find(api_host); it != base_urls.end()) return it->second;
        const bool listed = listed_insecure(api_host);
        if (!listed && !detail::client_is_loopback(api_host)) return base_urls[api_host] = "https://" + api_host;
        Request probe;
        probe.url = "https://" + api_host + "/v2/";
        probe.tls = tls_for(api_host);
        try {
            transport.send(probe, true);
            return base_urls[api_host] = "https://" + api_host;
        } catch (const TransportError& e) {
            if (!e.tls) throw from_transport(e, prefix, api_host);
            probe.url = "http://" + api_host + "/v2/";
            try {
                const Response r = transport.send(probe, false);
                if (r.status == 400) throw from_transport(e, prefix, api_host);  // "HTTP request to an HTTPS server"
            } catch (const TransportError&) { throw from_transport(e, prefix, api_host); }
            transport.log(api_host + ": HTTPS failed (" + e.what() + "); using plain HTTP");
            return base_urls[api_host] = "http://" + api_host;
        }
    }

    RegistryError http_error(const detail::ClientCall& call, const Response& r) const {
        const auto errors = parse_error_body(r.body);
        const std::string code = errors.empty() ? "" : errors.front().code;
        const std::string described = describe_errors(errors);
        std::string msg = call.prefix + call.what;
        ErrorKind kind = ErrorKind::http;
        if (r.status == 404) {
            msg += " not found" + (code.empty() ? "" : " (" + code + ")");
        } else if (r.status == 401 || r.status == 403) {
            kind = ErrorKind::auth;
            msg +=
                ": access denied (HTTP " + std::to_string(r.status) + (described.empty() ? "" : ": " + described) + ")";
        } else {
            msg += ": HTTP " + std::to_string(r.status) + (described.empty() ? "" : " (" + described + ")");
        }
        RegistryError e(kind, msg, r.status, code);
        e.retryable = r.status >= 500 || r.status == 429;
        return e;
    }

    // One API request: the credentials it needs (a 401 answered once), redirects followed for GET
    // and HEAD (Authorization kept to the registry's host), transport errors as RegistryErrors.
    Response call(Request req, const detail::ClientCall& call) {
        const auto registry_url = parse_url(req.url);
        if (!registry_url) throw RegistryError(ErrorKind::protocol, call.prefix + "bad URL " + url_for_log(req.url));
        const std::vector<std::string> base_headers = req.headers;
        const auto with_auth = [&](const std::string& auth_line) {
            req.headers = base_headers;
            if (!auth_line.empty()) req.headers.push_back(auth_line);
        };
        try {
            req.tls = tls_for(registry_url->authority);
            with_auth(auth.header(call.registry, call.scopes));
            Response r = transport.send(req, call.retryable);
            if (r.status == 401) {
                with_auth(auth.answer(call.registry, call.scopes, r, call.prefix));
                if (req.restart) req.restart();
                r = transport.send(req, call.retryable);
                if (r.status == 401) throw auth.refused(call.registry, r.status, call.prefix);
            }
            for (int hops = 0; (req.method == "GET" || req.method == "HEAD") && r.status >= 300 && r.status < 400 &&
                               r.status != 304 && r.header("location");
                 ++hops) {
                if (hops == 10)
                    throw RegistryError(ErrorKind::protocol, call.prefix + call.what + ": more than 10 redirects");
                req.url = resolve_url(req.url, *r.header("location"));
                const auto next = parse_url(req.url);
                if (next->authority != registry_url->authority || next->scheme != registry_url->scheme)
                    req.headers = base_headers;  // the registry's credentials stay with the registry
                req.tls = tls_for(next->authority);
                if (req.restart) req.restart();
                r = transport.send(req, call.retryable);
            }
            return r;
        } catch (const TransportError& e) {
            auto u = parse_url(req.url);
            throw from_transport(e, call.prefix, u ? u->authority : registry_url->authority);
        } catch (const ResponseError& e) {
            throw RegistryError(ErrorKind::protocol, call.prefix + call.what + ": " + e.what());
        }
    }

    detail::ClientCall repo_call(const Reference& ref, std::string what, std::string actions) const {
        detail::ClientCall c;
        c.registry = ref.registry;
        c.prefix = ref.registry + "/" + ref.repository + ": ";
        c.what = std::move(what);
        c.scopes = {repository_scope(ref.repository, actions)};
        return c;
    }

    std::string repo_url(const Reference& ref, const std::string& prefix) {
        return base_url(ref.api_host(), prefix) + "/v2/" + ref.repository;
    }

    static oci::Digest header_digest(const Response& r, const detail::ClientCall& call) {
        const auto h = r.header("docker-content-digest");
        if (!h || h->empty()) return {};
        try {
            return oci::Digest::parse(*h);
        } catch (const oci::DigestError& e) {
            throw RegistryError(ErrorKind::protocol, call.prefix + call.what + ": Docker-Content-Digest: " + e.what());
        }
    }

    PushResult push(const Reference& repo, const oci::Descriptor& desc, const BlobReader& reader,
                    const PushOptions& opts);
    void upload(const Reference& repo, const oci::Descriptor& desc, const BlobReader& reader, const PushOptions& opts,
                std::string location, const detail::ClientCall& call);
};

}  // namespace xbuild::registry

#include "client_calls.inl"
