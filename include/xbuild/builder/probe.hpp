// xbuild/builder/probe.hpp: asking a builder's node what it is: the client commands, and their
// answers read into platforms. Running them is the caller's (xbuild::capture_program).
//
//   auto argv = xbuild::builder::docker_info_argv("/usr/bin/docker", "unix:///run/docker.sock");
//   auto out = xbuild::capture_program(argv);      // docker -H ... info --format '{{json .}}'
//   auto platforms = xbuild::builder::platforms_from_docker_info(out.out);   // {linux/amd64}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xbuild/builder/config.hpp"
#include "xbuild/platform.hpp"

namespace xbuild::builder {

// `DOCKER -H ENDPOINT info --format {{json .}}`: the engine's OSType and Architecture.
std::vector<std::string> docker_info_argv(const std::string& docker, const std::string& endpoint);
// The platform of `docker info`'s JSON: OSType with Architecture (`uname -m`'s form, looked up in
// the platform table). Throws ConfigError with the engine's error when it did not answer
// (ServerErrors), or when the JSON or the machine is not understood.
std::vector<xbuild::Platform> platforms_from_docker_info(std::string_view json);

// `BUILDCTL --addr ENDPOINT debug workers --format {{json .}}`: the daemon's workers.
std::vector<std::string> buildctl_workers_argv(const std::string& buildctl, const std::string& endpoint);
// Every worker's platforms (OCI {os, architecture, variant}), duplicates dropped, in order; those
// the platform table does not know are skipped. Throws ConfigError for JSON it cannot read.
std::vector<xbuild::Platform> platforms_from_buildctl_workers(std::string_view json);

// The probe for `node`'s driver, with the client `program` (docker or buildctl).
inline std::vector<std::string> probe_argv(const Node& node, const std::string& program) {
    return node.driver == Driver::docker ? docker_info_argv(program, node.endpoint)
                                         : buildctl_workers_argv(program, node.endpoint);
}
// The probe's answer read by the driver's parser.
inline std::vector<xbuild::Platform> probed_platforms(const Node& node, std::string_view json) {
    return node.driver == Driver::docker ? platforms_from_docker_info(json) : platforms_from_buildctl_workers(json);
}

}  // namespace xbuild::builder

#include "impl/probe.inl"
