// Tests of xbuild/builder/config.hpp: names, endpoints, the JSON file, routing.
#include "xbuild/builder/config.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

using namespace xbuild::builder;
using xbuild::parse_platform;

TEST_CASE("builder names as buildx allows them; docker and buildkit reserved") {
    CHECK(valid_name("duo"));
    CHECK(valid_name("a1_b.c-d"));
    CHECK_FALSE(valid_name(""));
    CHECK_FALSE(valid_name("-x"));
    CHECK_FALSE(valid_name("a b"));
    CHECK_FALSE(valid_name("a/b"));
    Config c;
    CHECK_THROWS_WITH_AS(c.add_builder("docker"), doctest::Contains("reserved"), ConfigError);
    CHECK_THROWS_AS(c.add_builder("buildkit"), ConfigError);
    CHECK_THROWS_AS(c.add_builder("_x"), ConfigError);
    c.add_builder("duo");
    CHECK_THROWS_WITH_AS(c.add_builder("duo"), doctest::Contains("--append"), ConfigError);
    c.current = "duo";
    CHECK(c.remove_builder("duo"));
    CHECK(c.current.empty());
    CHECK_FALSE(c.remove_builder("duo"));
}

TEST_CASE("generated and node names") {
    Config c;
    const auto a = generated_name(c, 3);
    CHECK(valid_name(a));
    CHECK(a.find('_') != std::string::npos);
    c.add_builder(a);
    CHECK(generated_name(c, 3) != a);
    Builder b {"duo", {}};
    CHECK(default_node_name(b) == "duo0");
    b.nodes.push_back({.name = "duo0", .endpoint = "unix:///a"});
    CHECK(default_node_name(b) == "duo1");
}

TEST_CASE("endpoints: unix, tcp, ssh, DOCKER_HOST values; bad ones name the valid forms") {
    for (auto e : {"unix:///run/docker.sock", "tcp://10.0.0.2:2376", "ssh://me@host", "ssh://host:22", "fd://",
                   "npipe:////./pipe/docker_engine"})
        CHECK_NOTHROW(check_endpoint(e, Driver::docker));
    CHECK_NOTHROW(check_endpoint("docker-container://buildkitd", Driver::remote));
    CHECK_THROWS_AS(check_endpoint("docker-container://buildkitd", Driver::docker), ConfigError);
    CHECK_THROWS_WITH_AS(check_endpoint("/run/docker.sock", Driver::docker),
                         doctest::Contains("endpoint '/run/docker.sock' (no scheme): give unix:///PATH"), ConfigError);
    CHECK_THROWS_AS(check_endpoint("unix://relative", Driver::docker), ConfigError);
    CHECK_THROWS_WITH_AS(check_endpoint("tcp://host", Driver::docker), doctest::Contains("no port"), ConfigError);
    CHECK_THROWS_AS(check_endpoint("tcp://host:x", Driver::docker), ConfigError);
    CHECK_THROWS_AS(check_endpoint("ssh://", Driver::docker), ConfigError);
    CHECK_THROWS_AS(check_endpoint("ssh://me@", Driver::docker), ConfigError);
    CHECK_THROWS_AS(check_endpoint("http://host:1", Driver::docker), ConfigError);
}

TEST_CASE("the config file: JSON round trip, update under the lock, the folder from the environment") {
    Config c;
    auto& b = c.add_builder("duo");
    b.nodes.push_back(
        {.name = "duo0", .endpoint = "unix:///run/docker.sock", .platforms = {parse_platform("linux/amd64")}});
    b.nodes.push_back({.name = "duo1",
                       .endpoint = "tcp://h:1234",
                       .driver = Driver::remote,
                       .platforms = {parse_platform("linux/arm64"), parse_platform("linux/arm/v7")},
                       .platforms_declared = true});
    c.current = "duo";
    const auto text = format_config(c);
    CHECK(text.find("\"platforms_declared\": true") != std::string::npos);
    const auto back = parse_config(text);
    CHECK(format_config(back) == text);
    REQUIRE(back.find("duo"));
    CHECK(back.find("duo")->nodes[1].driver == Driver::remote);
    CHECK(back.find("duo")->nodes[1].platforms[1] == parse_platform("linux/arm/v7"));
    CHECK_THROWS_AS(parse_config("{"), ConfigError);
    CHECK_THROWS_AS(
        parse_config(R"({"builders":[{"name":"x","nodes":[{"name":"n","endpoint":"unix:///a","driver":"k"}]}]})"),
        ConfigError);

    namespace fs = std::filesystem;
    const auto dir =
        (fs::temp_directory_path() / ("xbuild-builder-test-" + std::to_string(::getpid())) / "cfg").string();
    CHECK(load_config(dir).builders.empty());
    update_config(dir, [&](Config& cfg) { cfg = c; });
    CHECK(format_config(load_config(dir)) == text);
    CHECK_THROWS(update_config(dir, [](Config& cfg) {
        cfg.builders.clear();
        throw ConfigError("no");
    }));
    CHECK(format_config(load_config(dir)) == text);  // unchanged
    ::setenv("XBUILD_CONFIG_DIR", dir.c_str(), 1);
    CHECK(config_dir() == dir);
    ::unsetenv("XBUILD_CONFIG_DIR");
    fs::remove_all(fs::path(dir).parent_path());
}

TEST_CASE("routing: native on the node that has the platform, else cross on the first node") {
    std::vector<Node> nodes = {{.name = "n1", .endpoint = "unix:///a", .platforms = {parse_platform("linux/amd64")}},
                               {.name = "n2", .endpoint = "unix:///b", .platforms = {parse_platform("linux/arm64")}}};
    const auto routes = route_platforms(nodes, {parse_platform("linux/amd64"), parse_platform("linux/arm64"),
                                                parse_platform("linux/riscv64"), parse_platform("linux/386")});
    REQUIRE(routes.size() == 4);
    CHECK((routes[0].node == 0 && routes[0].native));
    CHECK((routes[1].node == 1 && routes[1].native));
    CHECK((routes[2].node == 0 && !routes[2].native));
    CHECK((routes[3].node == 0 && routes[3].native));  // amd64 runs 386
    CHECK_THROWS_AS(route_platforms({}, {parse_platform("linux/amd64")}), ConfigError);
}
