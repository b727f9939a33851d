// Tests of xbuild/builder/probe.hpp: the probe commands and their answers.
#include "xbuild/builder/probe.hpp"

#include <doctest/doctest.h>

using namespace xbuild::builder;
using xbuild::parse_platform;

TEST_CASE("docker info: argv, and OSType + Architecture through the platform table") {
    CHECK(docker_info_argv("/usr/bin/docker", "unix:///s") ==
          std::vector<std::string> {"/usr/bin/docker", "-H", "unix:///s", "info", "--format", "{{json .}}"});
    CHECK(platforms_from_docker_info(R"({"OSType":"linux","Architecture":"x86_64","Name":"h"})") ==
          std::vector {parse_platform("linux/amd64")});
    CHECK(platforms_from_docker_info("{\"OSType\":\"linux\",\"Architecture\":\"aarch64\"}\nWARNING: x\n") ==
          std::vector {parse_platform("linux/arm64")});
    CHECK_THROWS_WITH_AS(platforms_from_docker_info(R"({"OSType":"linux","Architecture":"pdp11"})"),
                         doctest::Contains("--platform"), ConfigError);
    CHECK_THROWS_AS(platforms_from_docker_info("Cannot connect"), ConfigError);
    CHECK_THROWS_WITH_AS(platforms_from_docker_info(R"({"OSType":"","ServerErrors":["Cannot connect to the daemon"]})"),
                         "Cannot connect to the daemon", ConfigError);
}

TEST_CASE("buildctl debug workers: argv, and every worker's platforms once") {
    CHECK(
        buildctl_workers_argv("buildctl", "tcp://h:1234") ==
        std::vector<std::string> {"buildctl", "--addr", "tcp://h:1234", "debug", "workers", "--format", "{{json .}}"});
    const auto json = R"([{"ID":"a","Platforms":[{"architecture":"amd64","os":"linux"},
        {"architecture":"arm","os":"linux","variant":"v7"},{"architecture":"weird","os":"linux"}]},
        {"ID":"b","Platforms":[{"architecture":"amd64","os":"linux"}]}])";
    CHECK(platforms_from_buildctl_workers(json) ==
          std::vector {parse_platform("linux/amd64"), parse_platform("linux/arm/v7")});
    CHECK_THROWS_AS(platforms_from_buildctl_workers("nope"), ConfigError);
    Node n {.name = "r", .endpoint = "tcp://h:1", .driver = Driver::remote};
    CHECK(probe_argv(n, "buildctl")[3] == "debug");
    n.driver = Driver::docker;
    CHECK(probe_argv(n, "docker")[3] == "info");
}
