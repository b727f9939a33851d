// Implementation of xbuild/registry/auth.hpp.
#pragma once

#include <openssl/evp.h>

#include <algorithm>

#include "xbuild/registry/www_authenticate.hpp"

namespace xbuild::registry {

namespace detail {

inline std::string auth_base64(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

inline std::string auth_key(const std::string& registry, const std::vector<std::string>& scopes) {
    std::string k = registry + "\n";
    for (const auto& s : scopes) k += s + " ";
    return k;
}

inline std::string auth_login_hint(const std::string& registry) {
    return registry == "docker.io" ? "run `docker login`" : "run `docker login " + registry + "`";
}

}  // namespace detail

inline std::string Authenticator::header(const std::string& registry, const std::vector<std::string>& scopes) {
    if (auto b = basic_.find(registry); b != basic_.end()) return b->second;
    const auto now = std::chrono::steady_clock::now();
    const auto lookup = [&](const std::vector<std::string>& s) -> std::string {
        auto it = tokens_.find(detail::auth_key(registry, s));
        return it != tokens_.end() && it->second.expires > now ? it->second.header : std::string();
    };
    std::string h = lookup(scopes);
    if (h.empty()) {  // a read may use a pull,push token
        std::vector<std::string> wider = scopes;
        bool changed = false;
        for (auto& s : wider)
            if (s.size() > 5 && s.compare(s.size() - 5, 5, ":pull") == 0) {
                s += ",push";
                changed = true;
            }
        if (changed) h = lookup(wider);
    }
    return h;
}

inline const std::optional<Credentials>& Authenticator::credentials(const std::string& registry,
                                                                    const std::string& prefix) {
    auto it = credentials_.find(registry);
    if (it != credentials_.end()) return it->second;
    try {
        CredentialLookup found = options_.docker_config.empty() ? find_credentials(registry)
                                                                : find_credentials(registry, options_.docker_config);
        searched_[registry] = found.searched;
        if (found.credentials && found.credentials->username == "<token>" &&
            found.credentials->identity_token.empty()) {
            found.credentials->identity_token = found.credentials->password;  // docker's helper convention
            found.credentials->password.clear();
        }
        transport_.log(registry + ": " + (found.credentials ? "credentials" : "no credentials") + " in " +
                       found.searched);
        return credentials_[registry] = std::move(found.credentials);
    } catch (const CredentialsError& e) { throw RegistryError(ErrorKind::auth, prefix + e.what()); }
}

inline std::string Authenticator::fetch_token(const std::string& registry, const Challenge& bearer,
                                              const std::vector<std::string>& scopes, std::chrono::seconds& expires_in,
                                              const std::string& prefix) {
    const auto realm_it = bearer.params.find("realm");
    if (realm_it == bearer.params.end() || realm_it->second.empty())
        throw RegistryError(ErrorKind::protocol, prefix + "the Bearer challenge names no realm");
    const auto realm = parse_url(realm_it->second);
    if (!realm)
        throw RegistryError(ErrorKind::protocol,
                            prefix + "token realm is not an http(s) URL: " + url_for_log(realm_it->second));
    const auto service_it = bearer.params.find("service");
    const std::string service = service_it == bearer.params.end() ? "" : service_it->second;
    const auto& creds = credentials(registry, prefix);

    Request req;
    req.tls = tls_for_(*realm);
    req.headers.push_back("Accept: application/json");
    std::string shown_scopes;
    for (const auto& s : scopes) shown_scopes += (shown_scopes.empty() ? "" : " ") + s;
    std::string form;
    if (creds && !creds->identity_token.empty()) {
        // OAuth2 refresh-token grant: what docker does with an identity token.
        req.method = "POST";
        req.url = realm->str();
        form = "grant_type=refresh_token&client_id=" + url_encode(options_.user_agent) +
               "&refresh_token=" + url_encode(creds->identity_token);
        if (!service.empty()) form += "&service=" + url_encode(service);
        if (!scopes.empty()) form += "&scope=" + url_encode(shown_scopes);
        req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        req.body = form;
        req.body_size = form.size();
        req.has_body = true;
    } else {
        std::string url = realm->str();
        if (!service.empty()) url = append_query(url, "service", service);
        for (const auto& s : scopes) url = append_query(url, "scope", s);
        req.url = url;
        if (creds && !(creds->username.empty() && creds->password.empty()))
            req.headers.push_back("Authorization: Basic " +
                                  detail::auth_base64(creds->username + ":" + creds->password));
    }
    transport_.log(registry + ": token for '" + shown_scopes + "' from " + url_for_log(req.url) +
                   (creds ? " with credentials" : " anonymously"));
    Response r;
    try {
        r = transport_.send(req, true);
    } catch (const TransportError& e) {
        RegistryError err(e.tls ? ErrorKind::tls : ErrorKind::network, prefix + "token server: " + e.what());
        err.retryable = e.retryable;
        throw err;
    }
    if (r.status == 401 || r.status == 403) {
        std::string msg = prefix + "the token server " + realm->authority + " refused ";
        // Without credentials the fix is a login; naming where we looked tells a user whose login
        // went to another config.json (sudo, $DOCKER_CONFIG) why it was not used.
        msg += creds ? "the credentials from " + searched_[registry] + " (HTTP " + std::to_string(r.status) + ")"
                     : "anonymous access (HTTP " + std::to_string(r.status) + ") and there are no credentials for " +
                           registry + " in " + searched_[registry] + ": " + detail::auth_login_hint(registry);
        throw RegistryError(ErrorKind::auth, msg, r.status);
    }
    if (r.status != 200) {
        const std::string detail = describe_errors(parse_error_body(r.body));
        RegistryError e(ErrorKind::auth,
                        prefix + "the token server " + realm->authority + " answered HTTP " + std::to_string(r.status) +
                            (detail.empty() ? "" : " (" + detail + ")"),
                        r.status);
        e.retryable = r.status >= 500 || r.status == 429;
        throw e;
    }
    try {
        TokenResponse t = parse_token_response(r.body);
        expires_in = t.expires_in;
        return t.token;
    } catch (const ResponseError& e) {
        throw RegistryError(ErrorKind::protocol, prefix + "the token server " + realm->authority + ": " + e.what());
    }
}

inline std::string Authenticator::answer(const std::string& registry, const std::vector<std::string>& scopes,
                                         const Response& r, const std::string& prefix) {
    std::vector<Challenge> challenges;
    try {
        challenges = parse_www_authenticate(r.header("www-authenticate").value_or(""));
    } catch (const AuthParseError& e) { throw RegistryError(ErrorKind::protocol, prefix + e.what(), r.status); }
    if (const Challenge* bearer = find_challenge(challenges, "bearer")) {
        std::vector<std::string> wanted = scopes;
        if (auto s = bearer->params.find("scope"); s != bearer->params.end())
            for (auto part : split(std::string_view(s->second), ' '))
                if (!part.empty() && std::find(wanted.begin(), wanted.end(), part) == wanted.end())
                    wanted.emplace_back(part);
        std::chrono::seconds expires_in {60};
        const std::string token = fetch_token(registry, *bearer, wanted, expires_in, prefix);
        const auto margin = std::min<std::chrono::seconds>(std::chrono::seconds(10), expires_in / 2);
        Token t {"Authorization: Bearer " + token, std::chrono::steady_clock::now() + expires_in - margin};
        tokens_[detail::auth_key(registry, scopes)] = t;
        return t.header;
    }
    if (find_challenge(challenges, "basic")) {
        const auto& creds = credentials(registry, prefix);
        if (!creds || (creds->username.empty() && creds->password.empty())) throw refused(registry, r.status, prefix);
        std::string h = "Authorization: Basic " + detail::auth_base64(creds->username + ":" + creds->password);
        if (basic_.count(registry)) throw refused(registry, r.status, prefix);  // sent already, and refused
        basic_[registry] = h;
        return h;
    }
    throw RegistryError(ErrorKind::auth,
                        prefix + "HTTP " + std::to_string(r.status) + " without a Bearer or Basic challenge", r.status);
}

inline RegistryError Authenticator::refused(const std::string& registry, int status, const std::string& prefix) {
    const auto it = credentials_.find(registry);
    const bool have = it != credentials_.end() && it->second;
    std::string msg = prefix;
    if (have)
        msg += "access denied (HTTP " + std::to_string(status) + ") with the credentials from " + searched_[registry];
    else
        msg += "authentication required (HTTP " + std::to_string(status) + ") and no credentials for " + registry +
               (searched_.count(registry) ? " in " + searched_[registry] : "") + ": " +
               detail::auth_login_hint(registry);
    return RegistryError(ErrorKind::auth, msg, status);
}

}  // namespace xbuild::registry
