#include "registry_flags.hpp"

#include <cstdio>
#include <cstdlib>

#include "xbuild/strings.hpp"

namespace xbuild::cli {

void add_registry_flags(CLI::App* command, RegistryFlags& flags) {
    command
        ->add_option("--insecure-registry", flags.insecure,
                     "HOST[:PORT] to reach over plain HTTP or unverified HTTPS, as dockerd's --insecure-registry "
                     "(loopback registries need none); also $XBUILD_INSECURE_REGISTRIES, comma-separated")
        ->allow_extra_args(false);
    command->add_option("--ca-cert", flags.ca_cert, "a CA certificate (PEM) trusted for every registry")
        ->check(CLI::ExistingFile);
    command->add_option(
        "--certs-d", flags.certs_d,
        "Docker's per-registry certificate folders, DIR/HOST[:PORT]/ca.crt (default: /etc/docker/certs.d)");
    command->add_flag("--debug", flags.debug, "print each registry request on standard error (never credentials)");
}

xbuild::registry::ClientOptions client_options(const RegistryFlags& flags) {
    xbuild::registry::ClientOptions o;
    o.insecure_registries = flags.insecure;
    if (const char* env = std::getenv("XBUILD_INSECURE_REGISTRIES"))
        for (const auto& host : xbuild::split(std::string_view(env), ','))
            if (!host.empty()) o.insecure_registries.push_back(std::string(host));
    o.ca_cert = flags.ca_cert;
    if (!flags.certs_d.empty()) o.certs_d = flags.certs_d;
    if (flags.debug) o.log = [](const std::string& line) { std::fprintf(stderr, "registry: %s\n", line.c_str()); };
    return o;
}

xbuild::registry::ImageRef image_ref_arg(const std::string& text, const std::string& what) {
    try {
        return xbuild::registry::parse_image_ref(text);
    } catch (const xbuild::registry::ReferenceError& e) { throw CLI::ValidationError(what, e.what()); }
}

void usage_failure(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "xbuild %s: %s\n", command.c_str(), message.c_str());
    throw CLI::RuntimeError(2);
}

void work_failure(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "xbuild %s: %s\n", command.c_str(), message.c_str());
    throw CLI::RuntimeError(1);
}

}  // namespace xbuild::cli
