// `xbuild builder create|ls|inspect|use|rm`: builders of several native nodes, as `docker buildx
// create --name NAME --append ENDPOINT` makes them (xbuild/builder/config.hpp keeps them in
// builders.json; builder_nodes.cpp asks the nodes). `xbuild build --builder NAME` builds each
// platform on the node that runs it.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "builder_nodes.hpp"
#include "commands.hpp"
#include "xbuild/builder/config.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace {

namespace xb = xbuild::builder;

struct CreateOptions {
    std::string name;
    std::string endpoint;
    std::string node_name;
    std::string platforms;
    std::string driver = "docker";
    bool append = false;
    bool use = false;
};

std::string docker_flag() {
    const char* d = std::getenv("XBUILD_DOCKER");
    return d ? d : "";
}

// Exit status 2: a mistake in what was asked (a name, an endpoint, a platform, a builder that
// is not there); 1: what was asked could not be done (a node that does not answer, the config file).
[[noreturn]] void fail(const std::string& message, int status = 2) {
    std::fprintf(stderr, "xbuild builder: %s\n", message.c_str());
    throw CLI::RuntimeError(status);
}

[[noreturn]] void fail(const std::exception& e) {
    const bool mistake = dynamic_cast<const xb::ConfigError*>(&e) || dynamic_cast<const std::invalid_argument*>(&e);
    fail(e.what(), mistake ? 2 : 1);
}

std::string platform_list(const std::vector<xbuild::Platform>& platforms, bool declared) {
    std::vector<std::string> names;
    for (const auto& p : platforms) names.push_back(p.str() + (declared ? "*" : ""));
    return xbuild::join(names, ", ");
}

void run_create(const CreateOptions& o) {
    xb::Node node;
    try {
        node.driver = xb::parse_driver(o.driver);
        xb::check_endpoint(o.endpoint, node.driver);
        if (!o.platforms.empty()) {
            node.platforms = xbuild::parse_platform_list(o.platforms);
            node.platforms_declared = true;
        }
    } catch (const std::exception& e) { fail(e); }
    node.endpoint = o.endpoint;
    if (!o.node_name.empty() && !xb::valid_name(o.node_name))
        fail("node name '" + o.node_name + "': use letters, digits, '_', '.' and '-'");
    if (!node.platforms_declared) {  // ask the node
        const auto status = probe_node(node, docker_flag());
        if (!status.running)
            fail("cannot ask " + node.endpoint + " for its platforms: " + status.error +
                     (status.error.find("--platform") == std::string::npos ? " (declare them with --platform LIST)"
                                                                           : ""),
                 1);
        node.platforms = status.platforms;
    }
    if (o.append && o.name.empty()) fail("--append needs the builder's NAME");
    std::string name;
    try {
        xb::update_config(xb::config_dir(), [&](xb::Config& c) {
            name =
                o.name.empty() ? xb::generated_name(c, static_cast<unsigned>(std::time(nullptr) ^ ::getpid())) : o.name;
            xb::Builder* b = c.find(name);
            if (o.append) {
                if (!b) throw xb::ConfigError("--append: no builder " + name + " (create it first, without --append)");
            } else {
                b = &c.add_builder(name);
            }
            node.name = o.node_name.empty() ? xb::default_node_name(*b) : o.node_name;
            for (const auto& n : b->nodes)
                if (n.name == node.name) throw xb::ConfigError("builder " + name + " has a node " + node.name);
            b->nodes.push_back(node);
            if (o.use) c.current = name;
        });
    } catch (const std::exception& e) { fail(e); }
    std::printf("%s\n", name.c_str());
}

struct NodeView {
    const xb::Node* node;
    NodeStatus status;
};

std::vector<NodeView> probe_all(const xb::Builder& b) {
    std::vector<NodeView> out;
    for (const auto& n : b.nodes) out.push_back({&n, probe_node(n, docker_flag())});
    return out;
}

xb::Config load() {
    try {
        return xb::load_config(xb::config_dir());
    } catch (const std::exception& e) { fail(e); }
}

void run_ls() {
    const auto config = load();
    std::vector<std::array<std::string, 4>> rows = {{"NAME/NODE", "DRIVER/ENDPOINT", "STATUS", "PLATFORMS"}};
    for (const auto& b : config.builders) {
        rows.push_back({b.name + (b.name == config.current ? " *" : ""), "", "", ""});
        for (const auto& v : probe_all(b)) {
            const auto& n = *v.node;
            rows.push_back({"  \\_ " + n.name, std::string(xb::driver_name(n.driver)) + " " + n.endpoint,
                            v.status.running ? "running" : "unreachable",
                            platform_list(n.platforms, n.platforms_declared)});
        }
    }
    std::array<std::size_t, 4> width {};
    for (const auto& r : rows)
        for (std::size_t i = 0; i < 4; ++i) width[i] = std::max(width[i], r[i].size());
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < 4; ++i) line += i == 3 ? r[i] : r[i] + std::string(width[i] - r[i].size() + 3, ' ');
        while (!line.empty() && line.back() == ' ') line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

void run_inspect(const std::string& wanted, const std::string& format) {
    const auto config = load();
    const std::string name = wanted.empty() ? config.current : wanted;
    if (name.empty()) fail("no builder is in use: give its NAME (`xbuild builder ls` lists them)");
    const xb::Builder* b = config.find(name);
    if (!b) fail("no builder " + name + " (`xbuild builder ls` lists them)");
    const auto views = probe_all(*b);
    if (format == "json") {
        nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
        for (const auto& v : views) {
            nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
            for (const auto& p : v.node->platforms) platforms.push_back(p.str());
            nodes.push_back({{"name", v.node->name},
                             {"endpoint", v.node->endpoint},
                             {"driver", xb::driver_name(v.node->driver)},
                             {"status", v.status.running ? "running" : "unreachable"},
                             {"error", v.status.error},
                             {"platforms", platforms},
                             {"platforms_declared", v.node->platforms_declared}});
        }
        nlohmann::ordered_json doc = {{"name", b->name}, {"current", b->name == config.current}, {"nodes", nodes}};
        std::printf("%s\n", doc.dump(2).c_str());
        return;
    }
    std::printf("Name:    %s\nCurrent: %s\n", b->name.c_str(), b->name == config.current ? "yes" : "no");
    for (const auto& v : views) {
        const auto& n = *v.node;
        std::printf("\nNode:      %s\nEndpoint:  %s\nDriver:    %s\nStatus:    %s\nPlatforms: %s (%s)\n",
                    n.name.c_str(), n.endpoint.c_str(), std::string(xb::driver_name(n.driver)).c_str(),
                    v.status.running ? "running" : ("unreachable: " + v.status.error).c_str(),
                    platform_list(n.platforms, false).c_str(), n.platforms_declared ? "declared" : "from the node");
    }
}

void run_use(const std::string& name) {
    try {
        xb::update_config(xb::config_dir(), [&](xb::Config& c) {
            if (name == "docker") c.current.clear();  // back to xbuild build's default
            else if (!c.find(name))
                throw xb::ConfigError("no builder " + name +
                                      " (`xbuild builder ls` lists them; docker is the default)");
            else c.current = name;
        });
    } catch (const std::exception& e) { fail(e); }
}

void run_rm(const std::string& name) {
    try {
        xb::update_config(xb::config_dir(), [&](xb::Config& c) {
            if (!c.remove_builder(name)) throw xb::ConfigError("no builder " + name);
        });
    } catch (const std::exception& e) { fail(e); }
}

}  // namespace

void add_builder_commands(CLI::App& app) {
    CLI::App* builder = app.add_subcommand(
        "builder", "builders of several native nodes (docker buildx create --append): each platform built on its node");
    builder->require_subcommand(1);

    auto c = std::make_shared<CreateOptions>();
    CLI::App* create = builder->add_subcommand("create", "make a builder, or add a node to one (--append)");
    create->add_option("name", c->name, "the builder's name (default: a generated one)");
    create
        ->add_option("--node", c->endpoint,
                     "the node's endpoint: unix:///PATH, tcp://HOST:PORT, ssh://[USER@]HOST (a DOCKER_HOST value), "
                     "or a\nbuildctl address (--driver remote)")
        ->required();
    create->add_option("--node-name", c->node_name, "the node's name (default: NAME0, NAME1, ...)");
    create->add_option("--platform", c->platforms,
                       "the platforms the node builds natively (default: asked of the node)");
    create->add_option("--driver", c->driver, "docker (a Docker Engine) or remote (a BuildKit daemon)")
        ->check(CLI::IsMember({"docker", "remote"}))
        ->capture_default_str();
    create->add_flag("--append", c->append, "add the node to the existing builder NAME");
    create->add_flag("--use", c->use, "make it the current builder (xbuild build's default)");
    create->callback([c] { run_create(*c); });

    builder->add_subcommand("ls", "list builders and their nodes (* the current one)")->callback([] { run_ls(); });

    auto inspect_name = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("text");
    CLI::App* inspect = builder->add_subcommand("inspect", "a builder's nodes, endpoints, status and platforms");
    inspect->add_option("name", *inspect_name, "the builder (default: the current one)");
    inspect->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    inspect->callback([inspect_name, format] { run_inspect(*inspect_name, *format); });

    auto use_name = std::make_shared<std::string>();
    CLI::App* use = builder->add_subcommand("use", "make NAME the current builder (docker: back to the default)");
    use->add_option("name", *use_name, "the builder")->required();
    use->callback([use_name] { run_use(*use_name); });

    auto rm_name = std::make_shared<std::string>();
    CLI::App* rm = builder->add_subcommand("rm", "remove a builder");
    rm->add_option("name", *rm_name, "the builder")->required();
    rm->callback([rm_name] { run_rm(*rm_name); });
}

}  // namespace xbuild::cli
