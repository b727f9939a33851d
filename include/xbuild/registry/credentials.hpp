// xbuild/registry/credentials.hpp: the credentials the Docker CLI would use for a registry, found the
// way it finds them, so `docker login` is all a user needs to do for xbuild to push.
//
//   CredentialLookup found = find_credentials("ghcr.io");
//   if (found.credentials) ... basic auth with found.credentials->username / password ...
//   else throw std::runtime_error("no credentials for ghcr.io in " + found.searched);
//
// The rules: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (a missing file means none).
// credHelpers[host] first, then credsStore, then auths. auths keys may be "host", "https://host",
// "http://host/v1/"..., and docker.io's is "https://index.docker.io/v1/". A helper is run as
// `docker-credential-<name> get` with the server URL on its standard input; it answers
// {"Username": ..., "Secret": ...} on standard output, or "credentials not found" (none).
// Secrets never appear in messages: errors name the file or helper and what was wrong with it.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xbuild::registry {

struct Credentials {
    // Basic auth; or, as docker stores an identity token from a helper, username "<token>" and the
    // token in password.
    std::string username;
    std::string password;
    std::string identity_token;  // config.json "identitytoken": an OAuth refresh token for the token endpoint
    bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// A malformed config.json, or a credential helper that failed. Never includes a secret.
class CredentialsError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

struct CredentialLookup {
    std::optional<Credentials> credentials;  // nullopt: none configured for this host
    // Where we looked, for messages: "/root/.docker/config.json (credHelpers, credsStore, auths)".
    std::string searched;
};

// `registry_host` as in Reference::registry ("docker.io", "ghcr.io", "localhost:5000"); "index.docker.io"
// and "registry-1.docker.io" are taken as docker.io. Throws CredentialsError.
CredentialLookup find_credentials(std::string_view registry_host);
// The same with the directory holding config.json given (tests; --config-dir style options).
CredentialLookup find_credentials(std::string_view registry_host, const std::filesystem::path& config_dir);

// The config directory the Docker CLI uses: $DOCKER_CONFIG, else $HOME/.docker.
std::filesystem::path docker_config_dir();

}  // namespace xbuild::registry

#include "impl/credentials.inl"
