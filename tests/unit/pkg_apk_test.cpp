// Tests of xbuild/pkg/apk.hpp: xx-apk's planning as pure functions (no apk involved).
#include "xbuild/pkg/apk.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "xbuild/strings.hpp"

using namespace xbuild;
using namespace xbuild::pkg;

namespace {

TargetEnv alpine(std::string platform, std::string version = "3.18.4", std::string machine = "x86_64") {
    auto lookup = [platform](std::string_view name) -> std::string {
        return name == "TARGETPLATFORM" ? platform : std::string();
    };
    return TargetEnv::resolve(lookup, OsRelease {true, "alpine", version}, machine);
}

std::vector<std::string> commands(const ApkPlan& plan) {
    std::vector<std::string> out;
    for (const auto& c : plan.commands) out.push_back(join(c, " "));
    return out;
}

const ApkSystem fresh {};
const ApkSystem ready {.config_present = true, .db_present = true};

}  // namespace

TEST_CASE("parse_apk_args: options anywhere, the first other argument is the applet") {
    auto a = parse_apk_args({"--no-cache", "add", "-t", ".build-deps", "zlib-dev", "--repository", "http://x", "gcc"});
    CHECK(a.command_name() == "add");
    CHECK(a.operand == std::vector<bool> {false, false, false, false, true, false, false, true});
    CHECK(parse_apk_args({"-X", "http://x", "update"}).command == 2);
    CHECK(parse_apk_args({"--repository=http://x", "info"}).command == 1);
    CHECK(parse_apk_args({"--version"}).command_name().empty());
    CHECK_THROWS_AS(parse_apk_args({"add", "--virtual"}), UsageError);
}

TEST_CASE("apk_meta_packages: musl-dev gcc, and libstdc++-dev (g++ before 3.17)") {
    CHECK(apk_meta_packages("xx-c-essentials", "3.18.4") == std::vector<std::string> {"musl-dev", "gcc"});
    CHECK(apk_meta_packages("xx-cxx-essentials", "3.18.4") ==
          std::vector<std::string> {"musl-dev", "gcc", "libstdc++-dev"});
    CHECK(apk_meta_packages("xx-cxx-essentials", "3.17.0") ==
          std::vector<std::string> {"musl-dev", "gcc", "libstdc++-dev"});
    CHECK(apk_meta_packages("xx-cxx-essentials", "3.21.0_alpha20240807") ==
          std::vector<std::string> {"musl-dev", "gcc", "libstdc++-dev"});
    CHECK(apk_meta_packages("xx-cxx-essentials", "3.16.2") == std::vector<std::string> {"musl-dev", "gcc", "g++"});
    CHECK(apk_meta_packages("xx-cxx-essentials", "") == std::vector<std::string> {"musl-dev", "gcc", "g++"});
    CHECK(apk_meta_packages("zlib-dev", "3.18").empty());
}

TEST_CASE("apk_target_root: xx-info sysroot without its slash, under XX_ROOT") {
    CHECK(apk_target_root(alpine("linux/arm64"), "") == "/aarch64-alpine-linux-musl");
    CHECK(apk_target_root(alpine("linux/arm/v7"), "/tmp/r") == "/tmp/r/armv7-alpine-linux-musleabihf");
    CHECK(apk_target_root(alpine("linux/arm/v6"), "") == "/armv6-alpine-linux-musleabihf");
    CHECK(apk_target_root(alpine("linux/386"), "") == "/i586-alpine-linux-musl");
}

TEST_CASE("not cross: apk with the arguments unchanged (meta names expanded)") {
    auto env = alpine("");
    CHECK_FALSE(env.is_cross());
    auto plan = plan_apk(parse_apk_args({"add", "--no-cache", "zlib-dev"}), env, fresh, "", false);
    CHECK(plan.root.empty());
    CHECK_FALSE(plan.copy_config);
    CHECK_FALSE(plan.remove_binaries);
    CHECK(commands(plan) == std::vector<std::string> {"apk add --no-cache zlib-dev"});
    CHECK(commands(plan_apk(parse_apk_args({"add", "xx-cxx-essentials"}), env, fresh, "", false)) ==
          std::vector<std::string> {"apk add musl-dev gcc libstdc++-dev"});
    CHECK(commands(plan_apk(parse_apk_args({"add", "zlib-dev"}), alpine("linux/arm64", "3.18", "aarch64"), fresh, "",
                            false)) == std::vector<std::string> {"apk add zlib-dev"});
}

TEST_CASE("cross, first use: config copied, database created, then the command; binaries removed") {
    auto plan = plan_apk(parse_apk_args({"add", "--no-cache", "zlib-dev"}), alpine("linux/arm64"), fresh, "/r", false);
    CHECK(plan.root == "/r/aarch64-alpine-linux-musl");
    CHECK(plan.arch == "aarch64");
    CHECK(plan.copy_config);
    CHECK(plan.remove_binaries);
    CHECK(commands(plan) ==
          std::vector<std::string> {
              "apk --root /r/aarch64-alpine-linux-musl --arch aarch64 --no-scripts --initdb add",
              "apk --root /r/aarch64-alpine-linux-musl --arch aarch64 --no-scripts add --no-cache zlib-dev"});
}

TEST_CASE("cross, root ready: only the command") {
    auto plan = plan_apk(parse_apk_args({"add", "xx-c-essentials", "xx-cxx-essentials"}), alpine("linux/arm/v7"), ready,
                         "", false);
    CHECK_FALSE(plan.copy_config);
    CHECK(commands(plan) == std::vector<std::string> {
                                "apk --root /armv7-alpine-linux-musleabihf --arch armv7 --no-scripts add musl-dev gcc "
                                "libstdc++-dev"});
    CHECK(plan.remove_binaries);
    // XX_APK_KEEP_BINARIES
    CHECK_FALSE(plan_apk(parse_apk_args({"add", "x"}), alpine("linux/arm/v7"), ready, "", true).remove_binaries);
    // applets that install nothing keep the binaries alone
    for (const char* cmd : {"del", "info", "update", "search"})
        CHECK_FALSE(plan_apk(parse_apk_args({cmd, "x"}), alpine("linux/riscv64"), ready, "", false).remove_binaries);
    for (const char* cmd : {"fix", "upgrade"})
        CHECK(plan_apk(parse_apk_args({cmd}), alpine("linux/riscv64"), ready, "", false).remove_binaries);
    CHECK(commands(plan_apk(parse_apk_args({"del", "xx-c-essentials"}), alpine("linux/s390x"), ready, "", false)) ==
          std::vector<std::string> {"apk --root /s390x-alpine-linux-musl --arch s390x --no-scripts del musl-dev gcc"});
    // meta names are package names only for add and del
    CHECK(commands(plan_apk(parse_apk_args({"info", "xx-c-essentials"}), alpine("linux/s390x"), ready, "", false)) ==
          std::vector<std::string> {
              "apk --root /s390x-alpine-linux-musl --arch s390x --no-scripts info xx-c-essentials"});
}

TEST_CASE("cross without an applet: no set-up") {
    auto plan = plan_apk(parse_apk_args({"--version"}), alpine("linux/arm64"), fresh, "", false);
    CHECK_FALSE(plan.copy_config);
    CHECK(commands(plan) ==
          std::vector<std::string> {"apk --root /aarch64-alpine-linux-musl --arch aarch64 --no-scripts --version"});
}

TEST_CASE("cross to an unsupported target: the UnsupportedTarget message") {
    CHECK_THROWS_WITH_AS(plan_apk(parse_apk_args({"add", "x"}), alpine("linux/ppc64"), fresh, "", false),
                         doctest::Contains("unsupported target: os=linux arch=ppc64"), UnsupportedTarget);
}
