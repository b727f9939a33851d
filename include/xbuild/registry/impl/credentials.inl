// Implementation of xbuild/registry/credentials.hpp.
#pragma once

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../process.hpp"

namespace xbuild::registry {

namespace detail {

inline bool is_docker_hub(std::string_view host) {
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

// The Docker CLI's key normalization for `auths`: no scheme, nothing from the first '/' on.
inline std::string auths_key_host(std::string_view key) {
    for (std::string_view scheme : {"https://", "http://"})
        if (key.substr(0, scheme.size()) == scheme) key.remove_prefix(scheme.size());
    return std::string(key.substr(0, key.find('/')));
}

inline std::string base64_decode(std::string_view in, bool& ok) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    unsigned bits = 0;
    int count = 0;
    ok = true;
    for (char c : in) {
        if (c == '=' || c == '\n' || c == '\r') continue;
        const int v = value(c);
        if (v < 0) {
            ok = false;
            return {};
        }
        bits = (bits << 6) | unsigned(v);
        if ((count += 6) >= 8) {
            count -= 8;
            out += char((bits >> count) & 0xff);
        }
    }
    return out;
}

inline std::optional<Credentials> from_helper(const std::string& helper, std::string_view host) {
    const std::string server = is_docker_hub(host) ? "https://index.docker.io/v1/" : std::string(host);
    const std::string program = "docker-credential-" + helper;
    // Its standard error is dropped: helpers may print secrets there when they fail.
    Captured answer;
    try {
        answer = capture_program({program, "get"}, {}, {.input = server, .quiet = true});
    } catch (const ProcessError&) {
        answer.status = 127;  // not on PATH
    }
    const std::string& out = answer.out;
    const int status = answer.status;
    if (out.find("credentials not found") != std::string::npos) return std::nullopt;
    if (status == 127)
        throw CredentialsError("credential helper docker-credential-" + helper +
                               " (named in config.json) was not found on PATH");
    if (status != 0)
        throw CredentialsError("credential helper docker-credential-" + helper + " failed for " + server +
                               " (exit status " + std::to_string(status) + ")");
    nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
    if (!j.is_object() || !j.contains("Secret") || !j["Secret"].is_string() ||
        (j.contains("Username") && !j["Username"].is_string()))
        throw CredentialsError("credential helper docker-credential-" + helper + " answered for " + server +
                               " with something other than {\"Username\": ..., \"Secret\": ...}");
    Credentials c;
    const std::string user = j.value("Username", "");
    if (user == "<token>") c.identity_token = j["Secret"].get<std::string>();
    else {
        c.username = user;
        c.password = j["Secret"].get<std::string>();
    }
    return c;
}

inline std::optional<Credentials> from_auths(const nlohmann::json& auths, std::string_view host,
                                             const std::string& file) {
    if (!auths.is_object()) throw CredentialsError(file + ": \"auths\" must be an object");
    for (const auto& item : auths.items()) {
        // Named copies: clang 14 cannot capture structured bindings in the lambda below.
        const std::string key = item.key();
        const nlohmann::json& entry = item.value();
        const std::string h = auths_key_host(key);
        if (!(h == host || (is_docker_hub(host) && is_docker_hub(h)))) continue;
        if (!entry.is_object()) throw CredentialsError(file + ": auths[\"" + key + "\"] must be an object");
        Credentials c;
        auto text = [&](const char* name) {
            if (!entry.contains(name)) return std::string();
            if (!entry[name].is_string())
                throw CredentialsError(file + ": auths[\"" + key + "\"]." + name + " must be a string");
            return entry[name].get<std::string>();
        };
        if (const std::string auth = text("auth"); !auth.empty()) {
            bool ok = false;
            const std::string pair = base64_decode(auth, ok);
            const auto colon = pair.find(':');
            if (!ok || colon == std::string::npos)
                throw CredentialsError(file + ": auths[\"" + key + "\"].auth is not base64 of USER:PASSWORD");
            c.username = pair.substr(0, colon);
            c.password = pair.substr(colon + 1);
        }
        if (c.username.empty()) c.username = text("username");
        if (c.password.empty()) c.password = text("password");
        c.identity_token = text("identitytoken");
        if (!c.empty()) return c;
    }
    return std::nullopt;
}

}  // namespace detail

inline std::filesystem::path docker_config_dir() {
    if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return d;
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/root") / ".docker";
}

inline CredentialLookup find_credentials(std::string_view registry_host) {
    return find_credentials(registry_host, docker_config_dir());
}

inline CredentialLookup find_credentials(std::string_view host, const std::filesystem::path& config_dir) {
    const std::string file = (config_dir / "config.json").string();
    CredentialLookup found;
    found.searched = file + " (credHelpers, credsStore, auths)";
    std::ifstream in(file, std::ios::binary);
    if (!in) return found;  // no config: no credentials, as for docker
    std::ostringstream text;
    text << in.rdbuf();
    const nlohmann::json config = nlohmann::json::parse(text.str(), nullptr, false);
    if (config.is_discarded() || !config.is_object()) throw CredentialsError(file + " is not a JSON object");
    if (config.contains("credHelpers")) {
        const auto& helpers = config["credHelpers"];
        if (!helpers.is_object()) throw CredentialsError(file + ": \"credHelpers\" must be an object");
        for (const auto& [key, helper] : helpers.items()) {
            const std::string h = detail::auths_key_host(key);
            if (!(h == host || (detail::is_docker_hub(host) && detail::is_docker_hub(h)))) continue;
            if (!helper.is_string())
                throw CredentialsError(file + ": credHelpers[\"" + key + "\"] must be a helper name");
            found.credentials = detail::from_helper(helper.get<std::string>(), host);
            return found;
        }
    }
    if (config.contains("credsStore")) {
        if (!config["credsStore"].is_string()) throw CredentialsError(file + ": \"credsStore\" must be a helper name");
        if (const std::string store = config["credsStore"].get<std::string>(); !store.empty()) {
            found.credentials = detail::from_helper(store, host);
            if (found.credentials) return found;
        }
    }
    if (config.contains("auths")) found.credentials = detail::from_auths(config["auths"], host, file);
    return found;
}

}  // namespace xbuild::registry
