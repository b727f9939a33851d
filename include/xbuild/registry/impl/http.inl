// Implementation of xbuild/registry/http.hpp.
#pragma once

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "xbuild/registry/responses.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::registry {

inline std::optional<std::string> Response::header(std::string_view name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it)
        if (it->first == name) return it->second;
    return std::nullopt;
}

namespace detail {

// What one exchange needs inside libcurl's callbacks.
struct HttpExchange {
    const Request* req = nullptr;
    Response* resp = nullptr;
    std::uint64_t sent = 0;   // body bytes given to curl
    bool short_body = false;  // the reader ended before body_size
    bool sink_failed = false;
    bool overflow = false;
    std::string reader_error;
};

inline bool http_is_2xx(int s) { return s >= 200 && s < 300; }

inline std::size_t http_on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<HttpExchange*>(user);
    std::string_view line(data, size * n);
    line = trim(line);
    if (line.substr(0, 5) == "HTTP/") {  // a new answer (after a 100 Continue): start over
        ex->resp->headers.clear();
        const auto sp = line.find(' ');
        ex->resp->status = 0;
        if (sp != std::string_view::npos)
            for (char c : line.substr(sp + 1, 3))
                if (c >= '0' && c <= '9') ex->resp->status = ex->resp->status * 10 + (c - '0');
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos && colon > 0) {
        ex->resp->headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
    }
    return size * n;
}

inline std::size_t http_on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<HttpExchange*>(user);
    const std::size_t len = size * n;
    if (http_is_2xx(ex->resp->status) && ex->req->sink) {
        if (!ex->req->sink(data, len)) {
            ex->sink_failed = true;
            return 0;
        }
        return len;
    }
    const std::size_t max = http_is_2xx(ex->resp->status) ? ex->req->max_body : std::size_t(64 << 10);
    if (ex->resp->body.size() + len > max) {
        ex->resp->body.append(data, max - ex->resp->body.size());
        ex->overflow = true;
        return 0;
    }
    ex->resp->body.append(data, len);
    return len;
}

inline std::size_t http_on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* ex = static_cast<HttpExchange*>(user);
    const Request& req = *ex->req;
    const std::uint64_t left = req.body_size - ex->sent;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * n));
    if (want == 0) return 0;
    std::size_t got = 0;
    if (req.reader) {
        try {
            while (got < want) {
                const std::size_t r = req.reader(req.body_offset + ex->sent + got, buffer + got, want - got);
                if (r == 0) break;
                got += r;
            }
        } catch (const std::exception& e) {
            ex->reader_error = e.what();
            return CURL_READFUNC_ABORT;
        }
        if (got == 0) {
            ex->short_body = true;
            return CURL_READFUNC_ABORT;
        }
    } else {
        got = want;
        std::copy_n(req.body.data() + ex->sent, got, buffer);
    }
    ex->sent += got;
    return got;
}

inline int http_on_seek(void* user, curl_off_t offset, int origin) {
    auto* ex = static_cast<HttpExchange*>(user);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > ex->req->body_size)
        return CURL_SEEKFUNC_CANTSEEK;
    ex->sent = static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

inline int http_on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    auto* ex = static_cast<HttpExchange*>(user);
    if (ex->req->progress) {
        if (ex->req->has_body)
            ex->req->progress(static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(ultotal));
        else ex->req->progress(static_cast<std::uint64_t>(dlnow), static_cast<std::uint64_t>(dltotal));
    }
    return 0;
}

// Adds the PEM certificates of the request's ca_files to the handshake's store (beside the
// system CAs curl loaded). Runs once per new connection.
inline CURLcode http_on_ssl_ctx(CURL*, void* ssl_ctx, void* user) {
    const auto* tls = static_cast<const TlsSettings*>(user);
    X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
    for (const auto& file : tls->ca_files) {
        FILE* f = std::fopen(file.c_str(), "r");
        if (!f) return CURLE_SSL_CACERT_BADFILE;
        int added = 0;
        while (X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
            X509_STORE_add_cert(store, cert);  // a duplicate is harmless
            X509_free(cert);
            ++added;
        }
        std::fclose(f);
        ERR_clear_error();  // the end-of-file "no start line" of the loop
        if (added == 0) return CURLE_SSL_CACERT_BADFILE;
    }
    return CURLE_OK;
}

inline bool http_retryable_code(CURLcode c) {
    switch (c) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_HTTP3: return true;
        default: return false;
    }
}

inline bool http_tls_code(CURLcode c) {
    switch (c) {
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_USE_SSL_FAILED: return true;
        default: return false;
    }
}

inline void http_global_init() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) throw TransportError("libcurl could not be initialized", rc, false, false);
}

}  // namespace detail

inline Transport::Transport(const ClientOptions& options) : options_(options) {
    detail::http_global_init();
    curl_ = curl_easy_init();
    if (!curl_) throw TransportError("libcurl: no easy handle", CURLE_FAILED_INIT, false, false);
}

inline Transport::~Transport() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

inline Response Transport::perform(const Request& req) {
    CURL* c = static_cast<CURL*>(curl_);
    curl_easy_reset(c);  // keeps the connection cache, DNS cache and TLS sessions
    Response resp;
    detail::HttpExchange ex;
    ex.req = &req;
    ex.resp = &resp;
    char errbuf[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_timeout.count()));
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &detail::http_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &detail::http_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
    if (req.progress) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &detail::http_on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &ex);
    }
    // TLS: the system CAs plus the host's; verification off only when asked.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, req.tls.verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, req.tls.verify ? 2L : 0L);
    if (!req.tls.ca_files.empty()) {
#if LIBCURL_VERSION_NUM >= 0x075700
        curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 0L);  // the store is edited: do not share it
#endif
        curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, &detail::http_on_ssl_ctx);
        curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &req.tls);
    }
    if (!req.tls.client_cert.empty()) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, req.tls.client_cert.c_str());
        curl_easy_setopt(c, CURLOPT_SSLKEY, req.tls.client_key.c_str());
    }

    curl_slist* headers = nullptr;
    for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

    if (req.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (req.has_body) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body_size));
        curl_easy_setopt(c, CURLOPT_READFUNCTION, &detail::http_on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &ex);
        curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, &detail::http_on_seek);
        curl_easy_setopt(c, CURLOPT_SEEKDATA, &ex);
    } else if (req.method != "GET") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }

    const auto started = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    const std::string shown = req.method + " " + url_for_log(req.url);

    if (rc == CURLE_WRITE_ERROR && ex.overflow) {
        resp.truncated = true;
    } else if (rc != CURLE_OK) {
        if (ex.sink_failed) throw TransportError(shown + ": writing the answer failed", rc, false, false);
        if (!ex.reader_error.empty())
            throw TransportError(shown + ": reading the body: " + ex.reader_error, rc, false, false);
        if (ex.short_body)
            throw TransportError(shown + ": the body ended after " + std::to_string(ex.sent) + " of " +
                                     std::to_string(req.body_size) + " bytes",
                                 CURLE_READ_ERROR, false, false);
        const bool tls = detail::http_tls_code(rc);
        std::string what = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
        log(shown + " -> " + what + " (" + std::to_string(ms.count()) + " ms)");
        throw TransportError(shown + ": " + (tls ? "TLS: " : "") + what, rc, detail::http_retryable_code(rc), tls);
    }
    log(shown + " -> " + std::to_string(resp.status) + " (" + std::to_string(ms.count()) + " ms)");
    return resp;
}

inline Response Transport::send(const Request& req, bool retryable) {
    auto delay = options_.backoff;
    for (int attempt = 0;; ++attempt) {
        const bool last = !retryable || attempt >= options_.max_retries;
        if (attempt > 0 && req.restart) req.restart();
        std::chrono::milliseconds wait = delay;
        try {
            Response r = perform(req);
            if (last || !(r.status >= 500 || r.status == 429)) return r;
            if (auto ra = r.header("retry-after"); ra && (r.status == 429 || r.status == 503))
                if (auto s = parse_retry_after(*ra))
                    wait = std::min<std::chrono::milliseconds>(*s, std::chrono::seconds(30));
            log("HTTP " + std::to_string(r.status) + ": retrying in " + std::to_string(wait.count()) + " ms");
        } catch (const TransportError& e) {
            if (last || !e.retryable) throw;
            log(std::string(e.what()) + ": retrying in " + std::to_string(wait.count()) + " ms");
        }
        std::this_thread::sleep_for(wait);
        delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(30));
    }
}

}  // namespace xbuild::registry
