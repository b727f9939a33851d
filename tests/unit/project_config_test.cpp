// project/config.hpp: xbuild.toml, the project file of a standalone cross-build.
#include "xbuild/project/config.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>

using namespace xbuild::project;

namespace {

// The ConfigError parse_config throws for `text` (fails the test when it parses).
ConfigError error_of(std::string_view text) {
    try {
        (void)parse_config(text);
    } catch (const ConfigError& e) { return e; }
    FAIL("parsed: " << text);
    return ConfigError("", 0, 0, "");
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// A fresh folder, removed with what is in it at the end of scope.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static int n = 0;
        path = std::filesystem::temp_directory_path() /
               ("xbuild-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("a full example: every key lands in the model") {
    const Config c = parse_config(R"(# a project
platforms = ["linux/amd64", "linux/arm64", "windows/amd64"]
jobs = 4
fail-fast = true
kind = "go"
output = ["type=local,dest=out", "type=oci,dest=app.tar"]

[go]
packages = ["./cmd/app"]
ldflags = "-s -w"
tags = ["netgo", "osusergo"]
cgo = false
flags = ["-trimpath"]

[rust]
profile = "dist"
features = ["tls"]
all-features = true
no-default-features = true
bins = ["app", "tool"]
flags = ["--locked"]

[cmake]
args = ["-DWITH_TESTS=OFF"]
build-type = "MinSizeRel"
[meson]
args = ["-Dtests=false"]
[configure]
args = ["--disable-nls"]
[make]
args = ["V=1"]

[artifacts]
include = ["bin/*", "lib/*.so"]
exclude = ["*.debug"]

[image]
base = "debian:bookworm-slim"
path = "/usr/local/bin"
entrypoint = ["/usr/local/bin/app", "serve"]
cmd = ["--help"]
env = { ZED = "last", ALPHA = "first" }
labels = { "org.opencontainers.image.title" = "app", b = "2" }
user = "1000:1000"
workdir = "/data"
ports = [8080, "53/udp"]
)");
    CHECK(c.platforms == std::vector<std::string> {"linux/amd64", "linux/arm64", "windows/amd64"});
    CHECK(c.jobs == 4u);
    CHECK(c.fail_fast == true);
    CHECK(c.kind == "go");
    CHECK(c.command.empty());
    CHECK(c.outputs == std::vector<std::string> {"type=local,dest=out", "type=oci,dest=app.tar"});

    CHECK(c.go.packages == std::vector<std::string> {"./cmd/app"});
    CHECK(c.go.ldflags == "-s -w");
    CHECK(c.go.tags == std::vector<std::string> {"netgo", "osusergo"});
    CHECK(c.go.cgo == false);
    CHECK(c.go.flags == std::vector<std::string> {"-trimpath"});

    CHECK(c.rust.profile == "dist");
    CHECK(c.rust.features == std::vector<std::string> {"tls"});
    CHECK(c.rust.all_features);
    CHECK(c.rust.no_default_features);
    CHECK(c.rust.bins == std::vector<std::string> {"app", "tool"});
    CHECK(c.rust.flags == std::vector<std::string> {"--locked"});

    CHECK(c.cmake.args == std::vector<std::string> {"-DWITH_TESTS=OFF"});
    CHECK(c.cmake_build_type == "MinSizeRel");
    CHECK(c.meson.args == std::vector<std::string> {"-Dtests=false"});
    CHECK(c.configure.args == std::vector<std::string> {"--disable-nls"});
    CHECK(c.make.args == std::vector<std::string> {"V=1"});

    CHECK(c.artifacts.include == std::vector<std::string> {"bin/*", "lib/*.so"});
    CHECK(c.artifacts.exclude == std::vector<std::string> {"*.debug"});

    CHECK(c.image.base == "debian:bookworm-slim");
    CHECK(c.image.path == "/usr/local/bin");
    CHECK(c.image.entrypoint == std::vector<std::string> {"/usr/local/bin/app", "serve"});
    CHECK(c.image.cmd == std::vector<std::string> {"--help"});
    // File order, not name order.
    CHECK(c.image.env == std::vector<std::pair<std::string, std::string>> {{"ZED", "last"}, {"ALPHA", "first"}});
    CHECK(c.image.labels == std::map<std::string, std::string> {{"org.opencontainers.image.title", "app"}, {"b", "2"}});
    CHECK(c.image.user == "1000:1000");
    CHECK(c.image.workdir == "/data");
    CHECK(c.image.ports == std::vector<std::string> {"8080/tcp", "53/udp"});
}

TEST_CASE("defaults: an empty file, or only comments, sets nothing") {
    for (std::string_view text : {"", "# nothing here\n\n"}) {
        const Config c = parse_config(text);
        CHECK(c.platforms.empty());
        CHECK(!c.jobs);
        CHECK(!c.fail_fast);
        CHECK(c.kind.empty());
        CHECK(c.command.empty());
        CHECK(c.outputs.empty());
        CHECK(c.go.packages.empty());
        CHECK(c.go.ldflags.empty());
        CHECK(!c.go.cgo);
        CHECK(c.rust.profile.empty());
        CHECK(!c.rust.all_features);
        CHECK(!c.rust.no_default_features);
        CHECK(c.cmake.args.empty());
        CHECK(c.cmake_build_type.empty());
        CHECK(c.artifacts.include.empty());
        CHECK(c.image.base.empty());
        CHECK(c.image.env.empty());
        CHECK(c.image.labels.empty());
        CHECK(c.image.ports.empty());
    }
    // Empty tables are fine too.
    const Config c = parse_config("[go]\n[image]\n");
    CHECK(c.go.packages.empty());
    CHECK(!c.go.cgo);
}

TEST_CASE("string-or-array keys: a lone string is one element, never split") {
    const Config c = parse_config(R"(output = "type=local,dest=out"
[image]
entrypoint = "/usr/local/bin/app serve"
cmd = "--help"
)");
    CHECK(c.outputs == std::vector<std::string> {"type=local,dest=out"});
    CHECK(c.image.entrypoint == std::vector<std::string> {"/usr/local/bin/app serve"});
    CHECK(c.image.cmd == std::vector<std::string> {"--help"});
    CHECK(parse_config("platforms = \"linux/arm64\"\n").platforms == std::vector<std::string> {"linux/arm64"});
    CHECK(parse_config("output = []\n").outputs.empty());
}

TEST_CASE("dotted keys and inline tables mean the same as sections") {
    const Config c = parse_config("go.tags = [\"netgo\"]\nimage = { user = \"app\", env = { A = \"1\" } }\n");
    CHECK(c.go.tags == std::vector<std::string> {"netgo"});
    CHECK(c.image.user == "app");
    CHECK(c.image.env == std::vector<std::pair<std::string, std::string>> {{"A", "1"}});
}

TEST_CASE("command: kind = \"command\" runs it; alone it implies that kind") {
    const Config c = parse_config("kind = \"command\"\ncommand = [\"make\", \"dist\"]\n");
    CHECK(c.kind == "command");
    CHECK(c.command == std::vector<std::string> {"make", "dist"});
    CHECK(parse_config("command = [\"./build.sh\"]\n").kind == "command");

    ConfigError missing = error_of("\nkind = \"command\"\n");
    CHECK(missing.line() == 2);
    CHECK(missing.column() == 8);
    CHECK(contains(missing.what(), "needs command"));

    ConfigError other = error_of("kind = \"go\"\ncommand = [\"make\"]\n");
    CHECK(other.line() == 2);
    CHECK(contains(other.what(), "kind is \"go\""));

    CHECK(error_of("command = []\n").line() == 1);
    CHECK(contains(error_of("command = \"make dist\"\n").what(), "command: expected an array of strings, got string"));
}

TEST_CASE("TOML syntax errors: toml++'s description at its position") {
    ConfigError e = error_of("jobs = 4\nplatforms = [\"linux/amd64\"\n");
    CHECK(e.line() == 2);
    CHECK(e.column() > 0);
    CHECK(std::string(e.what()).starts_with("xbuild.toml:2:"));
    CHECK(!e.message().empty());

    ConfigError dup = error_of("jobs = 1\njobs = 2\n");
    CHECK(dup.line() == 2);

    ConfigError named = [] {
        try {
            (void)parse_config("= 1\n", "/src/app/xbuild.toml");
        } catch (const ConfigError& e) { return e; }
        return ConfigError("", 0, 0, "");
    }();
    CHECK(named.source() == "/src/app/xbuild.toml");
    CHECK(std::string(named.what()).starts_with("/src/app/xbuild.toml:1:"));
}

TEST_CASE("unknown keys and tables: the dotted path, and the valid keys of that table") {
    ConfigError top = error_of("jobs = 2\nplatfroms = [\"linux/amd64\"]\n");
    CHECK(top.line() == 2);
    CHECK(top.column() == 1);
    CHECK(std::string(top.what()).starts_with("xbuild.toml:2:1: unknown key 'platfroms'"));
    CHECK(contains(top.what(), "platforms, jobs, fail-fast, kind, command, output"));
    CHECK(contains(top.what(), "go, rust, cmake"));

    ConfigError table = error_of("[golang]\ntags = []\n");
    CHECK(table.line() == 1);
    CHECK(contains(table.what(), "unknown table 'golang'"));

    ConfigError nested = error_of("[go]\ncgo = true\ntgas = [\"netgo\"]\n");
    CHECK(nested.line() == 3);
    CHECK(contains(nested.what(), "unknown key 'go.tgas'"));
    CHECK(contains(nested.what(), "valid keys in [go]: packages, ldflags, tags, cgo, flags"));

    ConfigError sub = error_of("[image.volumes]\n");
    CHECK(contains(sub.what(), "unknown table 'image.volumes'"));

    CHECK(contains(error_of("[cmake]\nbuild_type = \"Debug\"\n").what(), "did you mean 'build-type'?"));
    CHECK(contains(error_of("fail_fast = true\n").what(), "did you mean 'fail-fast'?"));
    CHECK(contains(error_of("[meson]\nbuild-type = \"debug\"\n").what(), "valid keys in [meson]: args"));

    // The first mistake in the file is the one reported, whatever the key names.
    CHECK(error_of("zzz = 1\naaa = 2\n").line() == 1);
}

TEST_CASE("wrong types: the path, what was expected and what was there") {
    ConfigError tags = error_of("[go]\ntags = 3\n");
    CHECK(tags.line() == 2);
    CHECK(tags.column() == 8);
    CHECK(tags.message() == "go.tags: expected an array of strings, got integer");

    ConfigError item = error_of("[rust]\nfeatures = [\"a\", 2]\n");
    CHECK(item.line() == 2);
    CHECK(item.column() == 18);
    CHECK(item.message() == "rust.features[1]: expected a string, got integer");

    CHECK(error_of("jobs = \"4\"\n").message() == "jobs: expected an integer, got string");
    CHECK(error_of("jobs = 1.5\n").message() == "jobs: expected an integer, got float");
    CHECK(error_of("fail-fast = \"yes\"\n").message() == "fail-fast: expected a boolean (true or false), got string");
    CHECK(error_of("go = 1\n").message() == "go: expected a table, got integer");
    CHECK(error_of("[[image]]\n").message() == "image: expected a table, got array");
    CHECK(error_of("output = 1\n").message() == "output: expected a string or an array of strings, got integer");
    CHECK(error_of("[image]\nenv = { A = 1 }\n").message() == "image.env.A: expected a string, got integer");
    CHECK(error_of("[image]\nenv = [\"A=1\"]\n").message() == "image.env: expected a table, got array");
    CHECK(contains(error_of("[image.labels]\norg.opencontainers.x = \"y\"\n").what(), "quote a key that holds dots"));
    CHECK(error_of("[image]\nports = [true]\n").message() ==
          "image.ports[0]: expected a string or an integer, got boolean");
    CHECK(error_of("[image]\nuser = 1000\n").message() == "image.user: expected a string, got integer");
    CHECK(error_of("[go]\ncgo = 1\n").message() == "go.cgo: expected a boolean (true or false), got integer");
    CHECK(error_of("[cmake]\nbuild-type = 1979-05-27\n").message() == "cmake.build-type: expected a string, got date");
}

TEST_CASE("bad values: jobs, kind, platforms, ports") {
    ConfigError jobs = error_of("jobs = 0\n");
    CHECK(jobs.line() == 1);
    CHECK(jobs.column() == 8);
    CHECK(jobs.message() == "jobs: must be at least 1, got 0");
    CHECK(contains(error_of("jobs = -3\n").what(), "at least 1"));
    CHECK(contains(error_of("jobs = 99999999999\n").what(), "too large"));
    CHECK(parse_config("jobs = 1\n").jobs == 1u);

    ConfigError kind = error_of("kind = \"rust\"\n");
    CHECK(kind.line() == 1);
    CHECK(contains(kind.what(), "unknown kind 'rust'"));
    CHECK(contains(kind.what(), "go, cargo, cmake, meson, configure, make, command"));
    for (auto k : config_kinds())
        if (k != "command") CHECK(parse_config("kind = \"" + std::string(k) + "\"\n").kind == k);

    ConfigError platform = error_of("platforms = [\"linux/amd64\",\n  \"linux/nosucharch\"]\n");
    CHECK(platform.line() == 2);
    CHECK(platform.column() == 3);
    CHECK(std::string(platform.what()).starts_with("xbuild.toml:2:3: platforms[1]: "));
    CHECK(contains(platform.what(), "nosucharch"));
    CHECK(contains(error_of("platforms = []\n").what(), "platforms: empty"));
    // As written: parse_platform's normalization is the engine's business.
    CHECK(parse_config("platforms = [\"aarch64\"]\n").platforms == std::vector<std::string> {"aarch64"});

    CHECK(error_of("[image]\nports = [0]\n").message() == "image.ports[0]: port 0 is not in 1-65535");
    CHECK(contains(error_of("[image]\nports = [70000]\n").what(), "not in 1-65535"));
    CHECK(contains(error_of("[image]\nports = [\"\"]\n").what(), "image.ports[0]: empty"));
    CHECK(contains(error_of("output = [\"\"]\n").what(), "output[0]: empty"));
    CHECK(contains(error_of("[rust]\nprofile = \"\"\n").what(), "rust.profile: empty"));
}

TEST_CASE("ConfigError: what() with and without a position") {
    CHECK(std::string(ConfigError("xbuild.toml", 3, 1, "unknown key 'x'").what()) ==
          "xbuild.toml:3:1: unknown key 'x'");
    CHECK(std::string(ConfigError("xbuild.toml", 3, 0, "m").what()) == "xbuild.toml:3: m");
    CHECK(std::string(ConfigError("/p/xbuild.toml", 0, 0, "cannot read").what()) == "/p/xbuild.toml: cannot read");
}

TEST_CASE("load_config: <dir>/xbuild.toml, nullopt without one, errors name the path") {
    TempDir dir;
    CHECK(!load_config(dir.path));
    CHECK(!load_config(dir.path / "no-such-folder"));

    std::ofstream(dir.path / "xbuild.toml") << "platforms = [\"linux/arm64\"]\njobs = 2\n";
    auto c = load_config(dir.path);
    REQUIRE(c);
    CHECK(c->platforms == std::vector<std::string> {"linux/arm64"});
    CHECK(c->jobs == 2u);

    std::ofstream(dir.path / "xbuild.toml") << "jobs = 0\n";
    try {
        (void)load_config(dir.path);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.line() == 1);
        CHECK(std::string(e.what()).starts_with((dir.path / "xbuild.toml").string() + ":1:8: jobs"));
    }

    TempDir other;
    std::filesystem::create_directory(other.path / "xbuild.toml");
    try {
        (void)load_config(other.path);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.line() == 0);
        CHECK(contains(e.what(), (other.path / "xbuild.toml").string()));
    }
}

TEST_CASE("characters toml++ 3.3 cannot classify are read as TOML says, wherever they stand") {
    // Non-ASCII in string values and comments is what real files hold.
    const Config c = parse_config(
        "# café ☕\n[image]\nlabels = { title = \"Café «crème»\", t = 'ÿ' }\nenv = { A = \"\"\"\nπ \\\\ é\"\"\" }\n");
    CHECK(c.image.labels.at("title") == "Café «crème»");
    CHECK(c.image.env.at(0).second == "π \\ é");
    // Quoted keys and a line-ending backslash (tomlplusplus#190) too.
    const Config q =
        parse_config("[image.labels]\n\"caf\xc3\xa9\" = \"x\"\n[image]\nuser = \"\"\"\\\n  \xc2\xa7\"\"\"\n");
    CHECK(q.image.labels.at("caf\xc3\xa9") == "x");
    CHECK(q.image.user == "\xc2\xa7");

    // Outside strings they are not TOML: toml++'s error, at the character, naming it as it is.
    ConfigError outside = error_of("a = 1\n\xc3\xa9 = 2\n");
    CHECK(outside.line() == 2);
    CHECK(outside.column() == 1);
    CHECK_FALSE(contains(outside.what(), "\xf3"));  // no stand-in (U+F00E9 starts with F3) in the message
    CHECK(error_of("\xcc\xaa").line() == 1);        // U+032A, tomlplusplus#295
    CHECK(error_of("x = tru\xc3\xa9\n").line() == 1);
    // What the fuzzer found past a first, scanning guard: a string that is not a string to toml++.
    CHECK(error_of("platfroms = -\"lin'uxeeeef\xc3\xa9 \xc2\xab\x63reee\xcc\x35\x30= 1 }\n").line() == 1);
    // The stand-ins' own plane is refused.
    CHECK(contains(error_of("# \xf3\xb0\x80\x80\n").what(), "private-use plane"));
}
