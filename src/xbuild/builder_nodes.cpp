#include "builder_nodes.hpp"

#include <map>

#include "xbuild/builder/probe.hpp"
#include "xbuild/process.hpp"

namespace xbuild::cli {

namespace xb = xbuild::builder;

namespace {

std::string first_line(const std::string& s) {
    auto line = s.substr(0, s.find('\n'));
    return line.empty() ? "no answer" : line;
}

// The docker client, found once per run however many nodes use it: find_docker runs each
// candidate to ask its version. Throws EngineError.
const Engine& docker_client(const std::string& docker) {
    static std::map<std::string, Engine> found;
    auto it = found.find(docker);
    if (it == found.end()) it = found.emplace(docker, find_docker(docker)).first;
    return it->second;
}

// The client program for a node's driver; throws EngineError.
std::string node_client(const xb::Node& node, const std::string& docker) {
    if (node.driver == xb::Driver::docker) return docker_client(docker).program;
    return find_buildctl(node.endpoint).program;
}

}  // namespace

NodeStatus probe_node(const xb::Node& node, const std::string& docker) {
    NodeStatus s;
    std::string program;
    try {
        program = node_client(node, docker);
    } catch (const EngineError& e) {
        s.error = e.what();
        return s;
    }
    xbuild::Captured c;
    try {
        c = xbuild::capture_program(xb::probe_argv(node, program), {}, {.input = "", .merge_errors = true});
    } catch (const xbuild::ProcessError& e) {
        s.error = e.what();
        return s;
    }
    if (c.status != 0) {
        s.error = first_line(c.out);
        return s;
    }
    try {
        s.platforms = xb::probed_platforms(node, c.out);
        s.running = true;
    } catch (const xb::ConfigError& e) { s.error = e.what(); }
    return s;
}

std::optional<NodePlan> plan_builder(const std::string& builder_flag, bool buildkit_addr_given,
                                     const std::vector<xbuild::Platform>& platforms, const std::string& docker) {
    std::string name = builder_flag;
    xb::Config config;
    if (name.empty() && buildkit_addr_given) return std::nullopt;
    if (name.empty() || !xb::reserved_name(name)) {
        try {
            config = xb::load_config(xb::config_dir());
        } catch (const xb::ConfigError& e) { throw EngineError(e.what()); }
        if (name.empty()) name = config.current;
    }
    if (name.empty() || xb::reserved_name(name)) return std::nullopt;
    const xb::Builder* b = config.find(name);
    if (!b)
        throw EngineError("--builder " + name + ": no such builder (`xbuild builder ls` lists them; docker and " +
                          "buildkit are the built-in engines)");
    std::vector<xb::Route> routes;
    try {
        routes = xb::route_platforms(b->nodes, platforms);
    } catch (const xb::ConfigError& e) { throw EngineError("builder " + name + ": " + e.what()); }

    // One engine per node used, asked first whether it answers.
    std::vector<std::optional<Engine>> node_engines(b->nodes.size());
    NodePlan plan;
    plan.builder = name;
    for (const auto& r : routes) {
        const auto& node = b->nodes[r.node];
        auto& e = node_engines[r.node];
        if (!e) {
            const auto status = probe_node(node, docker);
            if (!status.running)
                throw EngineError("builder " + name + ": node " + node.name + " (" + node.endpoint +
                                  ") does not answer: " + status.error);
            if (node.driver == xb::Driver::docker) {
                e = docker_client(docker);
                e->host = node.endpoint;
            } else {
                e = find_buildctl(node.endpoint);
            }
        }
        plan.engines.push_back(*e);
        const std::string how = r.native ? "native" : "cross";
        plan.labels.push_back(r.platform.str() + " on " + node.name + " (" + how + ")");
        plan.describe += (plan.describe.empty() ? "" : ", ") + r.platform.str() + " on " + node.name + " (" + how +
                         ", " + e->describe() + ")";
    }
    return plan;
}

}  // namespace xbuild::cli
