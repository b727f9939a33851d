// A configured builder's nodes (xbuild/builder/config.hpp) as the CLI reaches them: each node's
// client, whether it answers and what it runs (`xbuild builder ls|inspect|create`), and for
// `xbuild build --builder NAME` the engine that builds each platform on its routed node.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "build_engine.hpp"
#include "xbuild/builder/config.hpp"

namespace xbuild::cli {

// What a node said when asked (docker info / buildctl debug workers).
struct NodeStatus {
    bool running = false;
    std::vector<xbuild::Platform> platforms;  // what it reported (empty when not running)
    std::string error;                        // why not running: the client's first line, or "no docker client"
};

// Asks `node` through its driver's client (`docker` is --docker / XBUILD_DOCKER, "" for PATH's).
NodeStatus probe_node(const xbuild::builder::Node& node, const std::string& docker);

// `xbuild build` on a configured builder: one engine per platform, on the node the routing chose.
struct NodePlan {
    std::string builder;              // its name
    std::vector<Engine> engines;      // per platform
    std::vector<std::string> labels;  // per platform: "linux/arm64 on duo1 (native)"
    std::string describe;             // the start line's "who builds what"
};

// nullopt when `builder_flag` (else the current builder, unless --buildkit-addr is given) is one of
// the built-in engines (docker, buildkit) or nothing is configured: today's behaviour. Throws
// EngineError for an unknown builder, a node without a client, or a node that does not answer.
std::optional<NodePlan> plan_builder(const std::string& builder_flag, bool buildkit_addr_given,
                                     const std::vector<xbuild::Platform>& platforms, const std::string& docker);

}  // namespace xbuild::cli
