// Implementation of xbuild/builder/probe.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "xbuild/targets.hpp"

namespace xbuild::builder {

inline std::vector<std::string> docker_info_argv(const std::string& docker, const std::string& endpoint) {
    return {docker, "-H", endpoint, "info", "--format", "{{json .}}"};
}

inline std::vector<xbuild::Platform> platforms_from_docker_info(std::string_view json) {
    std::string os, machine;
    try {
        // The client may print warnings after the JSON line: read the first line only.
        const auto doc = nlohmann::json::parse(json.substr(0, json.find('\n')));
        // An engine that does not answer: the client still prints its half, with the error.
        if (const auto errors = doc.find("ServerErrors"); errors != doc.end() && errors->is_array() && !errors->empty())
            throw ConfigError(errors->front().get<std::string>());
        os = doc.value("OSType", "");
        machine = doc.value("Architecture", "");
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(std::string("docker info: not the JSON expected: ") + e.what());
    }
    const xbuild::Target* t = xbuild::find_target_by_uname(machine);
    if (!t || (!os.empty() && os != t->os))
        throw ConfigError("docker info: the engine's machine " + os + " " + machine +
                          " is not in the platform table (declare the node's platforms with --platform)");
    return {xbuild::platform_of(*t)};
}

inline std::vector<std::string> buildctl_workers_argv(const std::string& buildctl, const std::string& endpoint) {
    return {buildctl, "--addr", endpoint, "debug", "workers", "--format", "{{json .}}"};
}

inline std::vector<xbuild::Platform> platforms_from_buildctl_workers(std::string_view json) {
    std::vector<xbuild::Platform> out;
    try {
        const auto doc = nlohmann::json::parse(json);
        for (const auto& w : doc.is_array() ? doc : nlohmann::json::array({doc})) {
            for (const auto& p : w.value("Platforms", w.value("platforms", nlohmann::json::array()))) {
                std::string spec = p.value("os", "") + "/" + p.value("architecture", "");
                if (const auto v = p.value("variant", ""); !v.empty()) spec += "/" + v;
                try {
                    const auto platform = xbuild::parse_platform(spec);
                    bool seen = false;
                    for (const auto& q : out) seen = seen || q == platform;
                    if (!seen) out.push_back(platform);
                } catch (const xbuild::PlatformError&) {}
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(std::string("buildctl debug workers: not the JSON expected: ") + e.what());
    }
    return out;
}

}  // namespace xbuild::builder
