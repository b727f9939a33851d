// xbuild/builder/config.hpp: builders of several native nodes, as `docker buildx create --name
// NAME --append ENDPOINT` keeps them: each builder a list of nodes (an engine endpoint, its driver
// and the platforms it runs natively), one builder current. Kept as JSON in builders.json under
// config_dir(), read and rewritten under a lock, written atomically (xbuild/fs.hpp).
//
//   namespace xb = xbuild::builder;
//   xb::update_config(xb::config_dir(), [](xb::Config& c) {
//       auto& b = c.add_builder("duo");                     // throws ConfigError when taken/reserved
//       b.nodes.push_back({.name = "duo0", .endpoint = "unix:///run/docker.sock"});
//   });
//   auto routes = xb::route_platforms(b.nodes, platforms);   // which node builds each platform
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xbuild/platform.hpp"

namespace xbuild::builder {

// A bad name, endpoint or config file: the message says what is wrong and what is valid.
class ConfigError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// How a node is reached: a Docker Engine (docker -H ENDPOINT) or a BuildKit daemon (buildctl --addr).
enum class Driver { docker, remote };

std::string_view driver_name(Driver d);      // "docker", "remote"
Driver parse_driver(std::string_view name);  // throws ConfigError

// One engine of a builder.
struct Node {
    std::string name;      // "duo0"
    std::string endpoint;  // "unix:///run/docker.sock", "tcp://host:1234", "ssh://me@host"
    Driver driver = Driver::docker;
    std::vector<xbuild::Platform> platforms {};  // what it builds natively
    bool platforms_declared = false;             // given with --platform (else asked of the node)
};

// A named list of nodes.
struct Builder {
    std::string name;
    std::vector<Node> nodes {};
};

// Every builder, and the one `xbuild builder use` chose ("" for none: xbuild build's default).
struct Config {
    std::vector<Builder> builders {};
    std::string current {};

    Builder* find(std::string_view name);
    const Builder* find(std::string_view name) const;
    // A new empty builder: throws ConfigError when the name is invalid, reserved or taken.
    Builder& add_builder(const std::string& name);
    // Removes it (and current, when it was); false when there is none.
    bool remove_builder(std::string_view name);
};

// $XBUILD_CONFIG_DIR, else $XDG_CONFIG_HOME/xbuild, else $HOME/.config/xbuild.
std::string config_dir();
// The JSON text of a config, and back. parse_config throws ConfigError naming what is wrong.
std::string format_config(const Config& config);
Config parse_config(std::string_view json);
// DIR/builders.json read (an empty Config when the file does not exist). Throws ConfigError.
Config load_config(const std::string& dir);
// Reads DIR/builders.json, applies `change`, writes it back atomically, all under a lock on
// DIR/builders.lock (DIR is created). An exception from `change` leaves the file as it was.
Config update_config(const std::string& dir, const std::function<void(Config&)>& change);

// Builder names as buildx allows them: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
bool valid_name(std::string_view name);
// "docker" and "buildkit": `xbuild build --builder`'s built-in engines.
bool reserved_name(std::string_view name);
// A fresh name like buildx's ("gracious_hopper"), from `seed`, not in `config`.
std::string generated_name(const Config& config, unsigned seed);
// NAME + index, as buildx names nodes ("duo0", "duo1"), not taken in `b`.
std::string default_node_name(const Builder& b);

// Throws ConfigError unless `endpoint` is unix:///PATH, tcp://HOST:PORT, ssh://[USER@]HOST[:PORT],
// or another DOCKER_HOST value (npipe://, fd://) or, for the remote driver, a buildctl address
// (docker-container://, kube-pod://).
void check_endpoint(std::string_view endpoint, Driver driver);

// Which node builds one platform, and how.
struct Route {
    xbuild::Platform platform;
    std::size_t node = 0;  // index into the nodes
    bool native = false;   // the node runs it; else a cross build on the first node (through the
                           // frontend; emulated only where the frontend leaves a stage on the target)
};
// For each platform: the first node whose platforms include it exactly, else the first that runs
// it (runs_on: amd64 runs 386), else a cross build on node 0. Throws ConfigError for no nodes.
std::vector<Route> route_platforms(const std::vector<Node>& nodes, const std::vector<xbuild::Platform>& platforms);

}  // namespace xbuild::builder

#include "impl/config.inl"
