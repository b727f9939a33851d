// Implementation of xbuild/builder/config.hpp.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "xbuild/fs.hpp"

namespace xbuild::builder {

inline std::string_view driver_name(Driver d) { return d == Driver::remote ? "remote" : "docker"; }

inline Driver parse_driver(std::string_view name) {
    if (name == "docker") return Driver::docker;
    if (name == "remote") return Driver::remote;
    throw ConfigError("driver '" + std::string(name) +
                      "': give docker (a Docker Engine) or remote (a BuildKit daemon)");
}

inline Builder* Config::find(std::string_view name) {
    for (auto& b : builders)
        if (b.name == name) return &b;
    return nullptr;
}

inline const Builder* Config::find(std::string_view name) const {
    for (const auto& b : builders)
        if (b.name == name) return &b;
    return nullptr;
}

inline bool valid_name(std::string_view name) {
    if (name.empty() || !std::isalnum(static_cast<unsigned char>(name.front()))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

inline bool reserved_name(std::string_view name) { return name == "docker" || name == "buildkit"; }

inline Builder& Config::add_builder(const std::string& name) {
    if (!valid_name(name))
        throw ConfigError("builder name '" + name +
                          "': use letters, digits, '_', '.' and '-', starting with a letter or digit");
    if (reserved_name(name))
        throw ConfigError("builder name '" + name +
                          "' is reserved: docker and buildkit are xbuild build's own engines");
    if (find(name)) throw ConfigError("builder " + name + " exists (add a node to it with --append)");
    builders.push_back({name, {}});
    return builders.back();
}

inline bool Config::remove_builder(std::string_view name) {
    for (auto it = builders.begin(); it != builders.end(); ++it)
        if (it->name == name) {
            builders.erase(it);
            if (current == name) current.clear();
            return true;
        }
    return false;
}

inline std::string config_dir() {
    auto env = [](const char* n) {
        const char* v = std::getenv(n);
        return v ? std::string(v) : std::string();
    };
    if (auto d = env("XBUILD_CONFIG_DIR"); !d.empty()) return d;
    if (auto d = env("XDG_CONFIG_HOME"); !d.empty()) return d + "/xbuild";
    return env("HOME") + "/.config/xbuild";
}

inline std::string format_config(const Config& config) {
    nlohmann::ordered_json builders = nlohmann::ordered_json::array();
    for (const auto& b : config.builders) {
        nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
        for (const auto& n : b.nodes) {
            nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
            for (const auto& p : n.platforms) platforms.push_back(p.str());
            nodes.push_back({{"name", n.name},
                             {"endpoint", n.endpoint},
                             {"driver", driver_name(n.driver)},
                             {"platforms", platforms},
                             {"platforms_declared", n.platforms_declared}});
        }
        builders.push_back({{"name", b.name}, {"nodes", nodes}});
    }
    nlohmann::ordered_json doc = {{"current", config.current}, {"builders", builders}};
    return doc.dump(2) + "\n";
}

inline Config parse_config(std::string_view json) {
    Config config;
    try {
        const auto doc = nlohmann::json::parse(json);
        config.current = doc.value("current", "");
        for (const auto& b : doc.at("builders")) {
            Builder builder {b.at("name").get<std::string>(), {}};
            for (const auto& n : b.at("nodes")) {
                Node node {.name = n.at("name").get<std::string>(),
                           .endpoint = n.at("endpoint").get<std::string>(),
                           .driver = parse_driver(n.value("driver", "docker")),
                           .platforms = {},
                           .platforms_declared = n.value("platforms_declared", false)};
                for (const auto& p : n.value("platforms", nlohmann::json::array()))
                    node.platforms.push_back(xbuild::parse_platform(p.get<std::string>()));
                builder.nodes.push_back(std::move(node));
            }
            config.builders.push_back(std::move(builder));
        }
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(std::string("builders.json: ") + e.what());
    } catch (const xbuild::PlatformError& e) { throw ConfigError(std::string("builders.json: ") + e.what()); }
    return config;
}

inline Config load_config(const std::string& dir) {
    const auto text = xbuild::read_file(dir + "/builders.json");
    if (!text) return {};
    try {
        return parse_config(*text);
    } catch (const ConfigError& e) { throw ConfigError(dir + "/" + e.what()); }
}

inline Config update_config(const std::string& dir, const std::function<void(Config&)>& change) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw ConfigError("cannot create " + dir + ": " + ec.message());
    xbuild::ExclusiveLock lock(dir + "/builders.lock", "waiting for another xbuild builder command");
    Config config = load_config(dir);
    change(config);
    xbuild::write_file_atomically(dir + "/builders.json", format_config(config), 0600);
    return config;
}

inline std::string generated_name(const Config& config, unsigned seed) {
    static constexpr std::string_view adjectives[] = {"admiring", "brave",    "clever", "dazzling", "eager",
                                                      "focused",  "gracious", "happy",  "keen",     "lucid",
                                                      "modest",   "nifty",    "quirky", "sharp",    "zealous"};
    static constexpr std::string_view names[] = {"babbage",  "curie",   "darwin", "euler",   "hopper",
                                                 "lovelace", "noether", "pascal", "ritchie", "turing"};
    constexpr unsigned na = std::size(adjectives), nn = std::size(names);
    for (unsigned i = 0;; ++i) {
        const unsigned k = seed + i * 7;
        std::string name = std::string(adjectives[k % na]) + "_" + std::string(names[(k / na) % nn]) +
                           (i >= na * nn ? std::to_string(i) : "");
        if (!config.find(name)) return name;
    }
}

inline std::string default_node_name(const Builder& b) {
    for (std::size_t i = b.nodes.size();; ++i) {
        std::string name = b.name + std::to_string(i);
        bool taken = false;
        for (const auto& n : b.nodes) taken = taken || n.name == name;
        if (!taken) return name;
    }
}

inline void check_endpoint(std::string_view endpoint, Driver driver) {
    const std::string e(endpoint);
    const auto bad = [&](const std::string& why) {
        throw ConfigError(
            "endpoint '" + e + "'" + (why.empty() ? "" : " (" + why + ")") +
            ": give unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST, or another DOCKER_HOST value "
            "(npipe://, fd://)" +
            (driver == Driver::remote ? "; for buildctl also docker-container://NAME, kube-pod://NAME" : ""));
    };
    const auto scheme_end = e.find("://");
    if (scheme_end == std::string::npos) bad("no scheme");
    const std::string scheme = e.substr(0, scheme_end), rest = e.substr(scheme_end + 3);
    if (scheme == "unix") {
        if (rest.empty() || rest.front() != '/') bad("a socket's absolute path");
    } else if (scheme == "tcp") {
        const auto colon = rest.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) bad("no port");
        for (char c : rest.substr(colon + 1))
            if (!std::isdigit(static_cast<unsigned char>(c)) && c != '/') bad("the port is not a number");
    } else if (scheme == "ssh") {
        const auto at = rest.find('@');
        if (rest.empty() || at + 1 == rest.size() || at == 0) bad("no host");
    } else if (scheme == "npipe" || scheme == "fd") {
    } else if (driver == Driver::remote && (scheme == "docker-container" || scheme == "kube-pod")) {
        if (rest.empty()) bad("no name");
    } else {
        bad("unknown scheme " + scheme);
    }
}

inline std::vector<Route> route_platforms(const std::vector<Node>& nodes,
                                          const std::vector<xbuild::Platform>& platforms) {
    if (nodes.empty()) throw ConfigError("the builder has no nodes");
    std::vector<Route> routes;
    for (const auto& p : platforms) {
        Route r {p, 0, false};
        for (std::size_t i = 0; i < nodes.size() && !r.native; ++i)
            for (const auto& np : nodes[i].platforms)
                if (xbuild::matches_strict(np, p)) r = {p, i, true};
        for (std::size_t i = 0; i < nodes.size() && !r.native; ++i)
            for (const auto& np : nodes[i].platforms)
                if (!r.native && xbuild::runs_on(np, p)) r = {p, i, true};
        routes.push_back(r);
    }
    return routes;
}

}  // namespace xbuild::builder
