// xbuild/registry/auth.hpp: the Authorization a registry wants, found through its 401 challenges
// (Docker's token auth spec: https://distribution.github.io/distribution/spec/auth/token/).
//
//   Authenticator auth(transport, options, tls_for);
//   std::string h = auth.header("ghcr.io", {"repository:o/app:pull"});    // "" before any challenge
//   ... request with h (when not empty) ... -> 401
//   h = auth.answer("ghcr.io", {"repository:o/app:pull"}, response);    // a token, or basic auth
//   ... request again with h ... -> 401 again: throw auth.refused("ghcr.io", prefix)
//
// Bearer: GET <realm>?service=<service>&scope=<each scope> with basic auth from the Docker CLI's
// credentials when there are any (anonymous otherwise), or, with an identity token, a POST of the
// OAuth2 form grant_type=refresh_token. The scopes asked for are the request's plus any the
// challenge names. Tokens are kept per (registry, scopes) until 10 s before they expire (a pull
// token is also used for reads when only a pull,push one is cached). Basic: the credentials, on
// every later request to that registry. Nothing here logs or throws a secret.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"
#include "credentials.hpp"
#include "http.hpp"
#include "responses.hpp"
#include "www_authenticate.hpp"

namespace xbuild::registry {

// "repository:NAME:ACTIONS" as the token spec spells a scope.
inline std::string repository_scope(std::string_view repository, std::string_view actions) {
    return "repository:" + std::string(repository) + ":" + std::string(actions);
}

class Authenticator {
   public:
    // How to reach a token realm's host (its CAs, whether to verify), from the client.
    using TlsFor = std::function<TlsSettings(const Url&)>;
    Authenticator(Transport& transport, const ClientOptions& options, TlsFor tls_for)
        : transport_(transport), options_(options), tls_for_(std::move(tls_for)) {}

    // The "Authorization: ..." header line for a request to `registry` (as in Reference::registry)
    // needing `scopes`, or "" when none is known yet.
    std::string header(const std::string& registry, const std::vector<std::string>& scopes);

    // After a 401 from `registry`: reads its WWW-Authenticate, gets what it asks for, and returns the
    // header line to retry with. Throws RegistryError (kind auth, or protocol for a bad challenge or
    // token answer); `prefix` starts its messages ("127.0.0.1:5001/app: ").
    std::string answer(const std::string& registry, const std::vector<std::string>& scopes, const Response& r,
                       const std::string& prefix);

    // The error for a request still refused after answer(): names where credentials were looked for
    // and says to run `docker login HOST` when there were none.
    RegistryError refused(const std::string& registry, int status, const std::string& prefix);

   private:
    const std::optional<Credentials>& credentials(const std::string& registry, const std::string& prefix);
    std::string fetch_token(const std::string& registry, const Challenge& bearer,
                            const std::vector<std::string>& scopes, std::chrono::seconds& expires_in,
                            const std::string& prefix);

    struct Token {
        std::string header;
        std::chrono::steady_clock::time_point expires;
    };
    Transport& transport_;
    const ClientOptions& options_;
    TlsFor tls_for_;
    std::map<std::string, Token> tokens_;       // registry '\n' scopes
    std::map<std::string, std::string> basic_;  // registry -> header, once it asked for Basic
    std::map<std::string, std::optional<Credentials>> credentials_;
    std::map<std::string, std::string> searched_;  // registry -> where credentials were looked for
};

}  // namespace xbuild::registry

#include "impl/auth.inl"
