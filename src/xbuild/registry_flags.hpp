// The registry flags every image command shares (--insecure-registry, --ca-cert, --debug) and the
// registry client they configure.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "xbuild/registry/client.hpp"
#include "xbuild/registry/reference.hpp"

namespace xbuild::cli {

struct RegistryFlags {
    std::vector<std::string> insecure;  // --insecure-registry HOST[:PORT], also $XBUILD_INSECURE_REGISTRIES
    std::string ca_cert;                // --ca-cert FILE
    std::string certs_d;                // --certs-d DIR (default: /etc/docker/certs.d)
    bool debug = false;                 // --debug: each request on standard error (never a secret)
};

void add_registry_flags(CLI::App* command, RegistryFlags& flags);
xbuild::registry::ClientOptions client_options(const RegistryFlags& flags);

// Parses an image reference given on the command line (registry or oci-layout://); a bad one
// is a usage error (exit 2) naming the option or argument.
xbuild::registry::ImageRef image_ref_arg(const std::string& text, const std::string& what);

// A mistake on the command line: "xbuild COMMAND: MESSAGE" on standard error, exit status 2.
[[noreturn]] void usage_failure(const std::string& command, const std::string& message);
// A failure while working (registry, layout): "xbuild COMMAND: MESSAGE", exit status 1.
[[noreturn]] void work_failure(const std::string& command, const std::string& message);

}  // namespace xbuild::cli
