// Tests of xbuild/registry/client.hpp against real registries (distribution 2.8, /usr/bin/docker-registry)
// that this program starts in temp dirs on free ports: plain HTTP on loopback, TLS with htpasswd
// basic auth, Docker's token auth with a token server written here (RS256 JWTs with an x5c chain),
// registries whose storage was corrupted, fake ones answering wrongly (client_test_bad_answers.inl),
// and one that comes up only after the first request. The CLI cases run build/bin/xbuild (or $XBUILD_BIN).
// Needs docker-registry, openssl, htpasswd and skopeo on PATH; a missing one fails its cases (./x installs them).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "registry_fixture.hpp"
#include "xbuild/oci/image.hpp"
#include "xbuild/process.hpp"
#include "xbuild/registry/client.hpp"

namespace fs = std::filesystem;
using namespace xbuild;
using namespace xbuild::registry;

namespace {

using registry_fixture::free_port;
using registry_fixture::port_open;
using registry_fixture::read_file;
using registry_fixture::TempDir;
using registry_fixture::write_file;

bool have(const char* program) { return find_program(program).has_value(); }

// A test never passes by skipping: a missing tool fails the case, naming its Debian package.
void require_tools(std::initializer_list<const char*> programs) {
    for (const char* p : programs)
        REQUIRE_MESSAGE(have(p), p << " not found on PATH: apt-get install "
                                   << (std::string(p) == "htpasswd" ? "apache2-utils" : p)
                                   << " (./x deps installs it)");
}

void run(const std::vector<std::string>& argv) {
    const auto c = capture_program(argv, {}, {std::nullopt, true});
    REQUIRE_MESSAGE(c.status == 0, argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << " failed");
}

using registry_fixture::Registry;

std::string b64(std::string_view in, bool url) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                        reinterpret_cast<const unsigned char*>(in.data()),
                                                        static_cast<int>(in.size()))));
    if (url) {
        while (!out.empty() && out.back() == '=') out.pop_back();
        for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(gen());
    return s;
}

oci::Descriptor blob_desc(std::string_view media_type, std::string_view bytes) {
    oci::Descriptor d;
    d.media_type = std::string(media_type);
    d.digest = oci::sha256_of(bytes);
    d.size = static_cast<std::int64_t>(bytes.size());
    return d;
}

void docker_config(const fs::path& dir, const std::string& host, const std::string& user, const std::string& pass) {
    write_file(dir / "config.json",
               R"({"auths": {")" + host + R"(": {"auth": ")" + b64(user + ":" + pass, false) + R"("}}})");
}

ClientOptions quiet_options(const fs::path& config_dir) {
    ClientOptions o;
    o.docker_config = config_dir;
    o.certs_d = config_dir / "certs.d";  // empty: no extra CAs
    o.backoff = std::chrono::milliseconds(50);
    o.max_retries = 2;
    if (std::getenv("XBUILD_TEST_VERBOSE"))
        o.log = [](const std::string& l) { std::fprintf(stderr, "  | %s\n", l.c_str()); };
    return o;
}

// A minimal token server (Docker's token spec) on 127.0.0.1: answers GET /token with an RS256 JWT
// granting what was asked, after checking the basic credentials; records what it saw.
struct TokenServer {
    int listen_fd = -1;
    int port = 0;
    std::atomic<bool> stop {false};
    std::atomic<int> fail_first {0};  // answer 503 this many times first
    std::thread thread;
    std::mutex mu;
    std::vector<std::string> targets, authorizations;
    EVP_PKEY* key = nullptr;
    std::string cert_der_b64;
    std::string expected_basic;  // "Basic ..." it accepts
    // When set, answers every request instead (a whole HTTP response), from the target and Authorization.
    std::function<std::string(const std::string& target, const std::string& authorization)> handler;

    void start(const fs::path& key_pem = {}, const fs::path& cert_pem = {}) {
        if (!handler) load_key(key_pem, cert_pem);
        listen_now();
    }
    void load_key(const fs::path& key_pem, const fs::path& cert_pem) {
        FILE* f = std::fopen(key_pem.c_str(), "r");
        REQUIRE(f);
        key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        f = std::fopen(cert_pem.c_str(), "r");
        REQUIRE(f);
        X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        REQUIRE((key && cert));
        unsigned char* der = nullptr;
        const int n = i2d_X509(cert, &der);
        cert_der_b64 = b64(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(n)), false);
        OPENSSL_free(der);
        X509_free(cert);
    }
    void listen_now() {
        listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        REQUIRE(::listen(listen_fd, 16) == 0);
        thread = std::thread([this] { serve(); });
    }
    ~TokenServer() {
        stop = true;
        if (thread.joinable()) thread.join();
        if (listen_fd >= 0) ::close(listen_fd);
        EVP_PKEY_free(key);
    }

    std::string sign(const std::string& input) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        sig.resize(len);
        EVP_MD_CTX_free(ctx);
        return sig;
    }

    static std::string decode(std::string_view s) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size()) {
                out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                out += s[i] == '+' ? ' ' : s[i];
            }
        }
        return out;
    }

    std::string jwt(const std::vector<std::string>& scopes) {
        nlohmann::json access = nlohmann::json::array();
        for (const auto& s : scopes) {  // repository:NAME:ACTIONS
            const auto first = s.find(':'), last = s.rfind(':');
            if (first == std::string::npos || first == last) continue;
            nlohmann::json actions = nlohmann::json::array();
            for (auto a : split(std::string_view(s).substr(last + 1), ',')) actions.push_back(std::string(a));
            access.push_back(
                {{"type", s.substr(0, first)}, {"name", s.substr(first + 1, last - first - 1)}, {"actions", actions}});
        }
        const long long now =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5c", {cert_der_b64}}};
        const nlohmann::json claims = {{"iss", "xbuild-test-issuer"},
                                       {"sub", "tokuser"},
                                       {"aud", "xbuild-test"},
                                       {"exp", now + 300},
                                       {"nbf", now - 10},
                                       {"iat", now},
                                       {"jti", std::to_string(now) + "-" + std::to_string(targets.size())},
                                       {"access", access}};
        const std::string input = b64(header.dump(), true) + "." + b64(claims.dump(), true);
        return input + "." + b64(sign(input), true);
    }

    void serve() {
        while (!stop) {
            pollfd p {listen_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(listen_fd, nullptr, nullptr);
            if (c < 0) continue;
            timeval tv {2, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::string req;
            char buf[4096];
            while (req.find("\r\n\r\n") == std::string::npos) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<std::size_t>(n));
                if (req[0] == '\x16') break;  // a TLS ClientHello: answer like a plain HTTP server does
            }
            if (!req.empty() && req[0] == '\x16') {
                const std::string bad = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
                (void)!::send(c, bad.data(), bad.size(), MSG_NOSIGNAL);
                ::close(c);
                continue;
            }
            const std::string line = req.substr(0, req.find("\r\n"));
            const auto sp1 = line.find(' '), sp2 = line.rfind(' ');
            const std::string target = sp1 != std::string::npos && sp2 > sp1 ? line.substr(sp1 + 1, sp2 - sp1 - 1) : "";
            std::string authz;
            for (auto h : split(std::string_view(req), '\n')) {
                if (h.size() > 14 && to_lower(h.substr(0, 14)) == "authorization:")
                    authz = std::string(trim(h.substr(14)));
            }
            std::vector<std::string> scopes;
            const auto q = target.find('?');
            if (q != std::string::npos)
                for (auto kv : split(std::string_view(target).substr(q + 1), '&'))
                    if (kv.substr(0, 6) == "scope=") scopes.push_back(decode(kv.substr(6)));
            {
                std::lock_guard<std::mutex> lock(mu);
                targets.push_back(decode(target));
                authorizations.push_back(authz);
            }
            std::string status = "200 OK", body;
            if (handler) {
                const std::string resp = handler(decode(target), authz);
                (void)!::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
                ::close(c);
                continue;
            }
            if (fail_first > 0) {
                --fail_first;
                status = "503 Service Unavailable";
                body = "{}";
            } else if (authz != expected_basic) {
                status = "401 Unauthorized";
                body = R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})";
            } else {
                body = nlohmann::json {{"token", jwt(scopes)}, {"expires_in", 300}}.dump();
            }
            const std::string resp = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            (void)!::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }
};

}  // namespace

#include "client_test_cases.inl"
#include "client_test_bad_answers.inl"
