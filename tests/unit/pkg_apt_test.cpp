// Tests of xbuild/pkg/apt.hpp: xx-apt's planning, as pure functions of a command line, a target
// and a snapshot of the system (no apt, dpkg or network involved).
#include "xbuild/pkg/apt.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "xbuild/strings.hpp"

using namespace xbuild;
using namespace xbuild::pkg;

namespace {

// The target TARGETPLATFORM names, on a machine whose `uname -m` is `machine`, on distro `id`.
TargetEnv target(std::string platform, std::string id = "debian", std::string machine = "x86_64") {
    auto lookup = [platform](std::string_view name) -> std::string {
        return name == "TARGETPLATFORM" ? platform : std::string();
    };
    return TargetEnv::resolve(lookup, OsRelease {true, id, id == "ubuntu" ? "24.04" : "12"}, machine);
}
TargetEnv native() { return target(""); }

std::string plan(const std::vector<std::string>& args, const TargetEnv& env, const AptPackages& packages = {},
                 bool prefer_cross = false, AptTool tool = AptTool::apt_get) {
    return join(plan_apt_command(tool, parse_apt_args(args), env, packages, prefer_cross), " ");
}

AptPackages bookworm_names() {
    AptPackages p;
    p.names = {"libc6-dev",
               "libgcc-11-dev",
               "libgcc-12-dev",
               "libgcc-12-dev-arm64-cross",
               "libgcc-s1",
               "libgcc-11-dev-arm64-cross",
               "libstdc++-12-dev",
               "libstdc++-12-dev-arm64-cross",
               "libc6-dev-arm64-cross",
               "zlib1g-dev",
               "libgccjit-12-dev"};
    return p;
}

}  // namespace

TEST_CASE("parse_apt_args: options in place, the first other argument is the command") {
    auto a = parse_apt_args(
        {"-y", "-o", "Debug::X=1", "install", "--no-install-recommends", "foo", "-t", "bookworm", "bar"});
    CHECK(a.command_name() == "install");
    CHECK(a.command == 3);
    CHECK(a.operand == std::vector<bool> {false, false, false, false, false, true, false, false, true});

    CHECK(parse_apt_args({"-oDebug::X=1", "--option=A=B", "-qq", "update"}).command_name() == "update");
    CHECK(parse_apt_args({"--target-release", "bookworm", "install", "x"}).command == 2);
    CHECK(parse_apt_args({"-y"}).command_name().empty());
    auto dashdash = parse_apt_args({"install", "--", "-weird"});
    CHECK(dashdash.operand == std::vector<bool> {false, false, true});
    CHECK_THROWS_AS(parse_apt_args({"install", "foo", "-o"}), UsageError);
    CHECK_THROWS_WITH(parse_apt_args({"-t"}), doctest::Contains("-t needs a value"));
}

TEST_CASE("cross: packages get :<debian-arch>, options stay in place") {
    auto arm64 = target("linux/arm64");
    CHECK(plan({"install", "-y", "--no-install-recommends", "zlib1g-dev"}, arm64) ==
          "apt-get install -y --no-install-recommends zlib1g-dev:arm64");
    CHECK(plan({"-o", "APT::Get::Assume-Yes=true", "install", "zlib1g-dev", "libssl-dev"}, arm64) ==
          "apt-get -o APT::Get::Assume-Yes=true install zlib1g-dev:arm64 libssl-dev:arm64");
    CHECK(plan({"install", "zlib1g-dev"}, arm64, {}, false, AptTool::apt) == "apt install zlib1g-dev:arm64");
    CHECK(plan({"install", "-y", "zlib1g-dev"}, target("linux/arm/v7")) == "apt-get install -y zlib1g-dev:armhf");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/arm/v6")) == "apt-get install zlib1g-dev:armel");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/386")) == "apt-get install zlib1g-dev:i386");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/ppc64le")) == "apt-get install zlib1g-dev:ppc64el");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/mips64le")) == "apt-get install zlib1g-dev:mips64el");
    for (const char* cmd : {"remove", "purge", "reinstall", "download", "show", "policy", "autoremove"})
        CHECK(plan({cmd, "foo"}, arm64) == std::string("apt-get ") + cmd + " foo:arm64");
}

TEST_CASE("cross: already-qualified names, versions, releases and .deb files") {
    auto arm64 = target("linux/arm64");
    CHECK(plan({"install", "foo:amd64", "bar:arm64", "baz:all"}, arm64) ==
          "apt-get install foo:amd64 bar:arm64 baz:all");
    CHECK(plan({"install", "foo=1:2.3-1"}, arm64) == "apt-get install foo:arm64=1:2.3-1");
    CHECK(plan({"install", "foo/bookworm-backports"}, arm64) == "apt-get install foo:arm64/bookworm-backports");
    CHECK(plan({"install", "./foo_1.0_arm64.deb", "/tmp/bar.deb"}, arm64) ==
          "apt-get install ./foo_1.0_arm64.deb /tmp/bar.deb");
}

TEST_CASE("cross: commands without binary package operands keep them") {
    auto arm64 = target("linux/arm64");
    CHECK(plan({"update"}, arm64) == "apt-get update");
    CHECK(plan({"-q", "update"}, arm64) == "apt-get -q update");
    CHECK(plan({"source", "zlib"}, arm64) == "apt-get source zlib");
    CHECK(plan({"upgrade", "-y"}, arm64) == "apt-get upgrade -y");
    CHECK(plan({"build-dep", "zlib"}, arm64) == "apt-get build-dep -a arm64 zlib");
    CHECK(plan({"build-dep", "-a", "armhf", "zlib"}, arm64) == "apt-get build-dep -a armhf zlib");
    CHECK(plan({"--version"}, arm64) == "apt-get --version");
}

TEST_CASE("not cross: packages unchanged") {
    auto env = native();
    CHECK_FALSE(env.is_cross());
    CHECK(plan({"install", "-y", "zlib1g-dev", "gcc", "g++", "binutils"}, env) ==
          "apt-get install -y zlib1g-dev gcc g++ binutils");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/amd64")) == "apt-get install zlib1g-dev");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/amd64/v3")) == "apt-get install zlib1g-dev");
    CHECK(plan({"install", "zlib1g-dev"}, target("linux/arm64", "debian", "aarch64")) == "apt-get install zlib1g-dev");
    CHECK(plan({"build-dep", "zlib"}, env) == "apt-get build-dep zlib");
}

TEST_CASE("cross: gcc, g++ and binutils are the host's cross packages for the triple") {
    CHECK(plan({"install", "-y", "gcc", "g++", "binutils", "make"}, target("linux/arm64")) ==
          "apt-get install -y gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu make:arm64");
    CHECK(plan({"install", "gcc"}, target("linux/arm/v7")) == "apt-get install gcc-arm-linux-gnueabihf");
    CHECK(plan({"install", "gcc"}, target("linux/arm/v6")) == "apt-get install gcc-arm-linux-gnueabi");
    CHECK(plan({"install", "gcc"}, target("linux/386")) == "apt-get install gcc-i686-linux-gnu");
    CHECK(plan({"install", "gcc"}, target("linux/mips64le")) == "apt-get install gcc-mips64el-linux-gnuabi64");
    CHECK(plan({"install", "gcc"}, target("linux/riscv64", "ubuntu")) == "apt-get install gcc-riscv64-linux-gnu");
    CHECK(plan({"remove", "g++"}, target("linux/arm64")) == "apt-get remove g++-aarch64-linux-gnu");
    CHECK(plan({"install", "gcc:amd64"}, target("linux/arm64")) == "apt-get install gcc:amd64");
}

TEST_CASE("newest_gcc_major: the newest libgcc-<N>-dev apt knows, else the installed gcc") {
    CHECK(newest_gcc_major(bookworm_names()) == "12");
    AptPackages p;
    p.names = {"libgcc-9-dev", "libgcc-10-dev", "libgcc-13-dev-arm64-cross", "libgcc-s1", "libgcc-x-dev"};
    CHECK(newest_gcc_major(p) == "10");
    AptPackages fallback;
    fallback.names = {"zlib1g-dev"};
    fallback.gcc_major = "13";
    CHECK(newest_gcc_major(fallback) == "13");
    CHECK(newest_gcc_major(AptPackages {}).empty());
}

TEST_CASE("meta names: xx-c-essentials and xx-cxx-essentials") {
    auto arm64 = target("linux/arm64");
    const auto names = bookworm_names();
    CHECK(plan({"install", "-y", "xx-c-essentials"}, arm64, names) ==
          "apt-get install -y libc6-dev:arm64 libgcc-12-dev:arm64");
    CHECK(plan({"install", "xx-cxx-essentials"}, arm64, names) ==
          "apt-get install libc6-dev:arm64 libgcc-12-dev:arm64 libstdc++-12-dev:arm64");
    CHECK(plan({"install", "xx-c-essentials", "xx-cxx-essentials", "zlib1g-dev"}, arm64, names) ==
          "apt-get install libc6-dev:arm64 libgcc-12-dev:arm64 libstdc++-12-dev:arm64 zlib1g-dev:arm64");
    CHECK(plan({"install", "xx-cxx-essentials"}, target("linux/arm/v7"), names) ==
          "apt-get install libc6-dev:armhf libgcc-12-dev:armhf libstdc++-12-dev:armhf");
    // not cross: the same names, unqualified
    CHECK(plan({"install", "xx-cxx-essentials"}, native(), names) ==
          "apt-get install libc6-dev libgcc-12-dev libstdc++-12-dev");
    // apt knows no libgcc-<N>-dev: the installed gcc's version; nothing at all: libc6-dev alone
    AptPackages gcc13;
    gcc13.gcc_major = "13";
    CHECK(plan({"install", "xx-cxx-essentials"}, arm64, gcc13) ==
          "apt-get install libc6-dev:arm64 libgcc-13-dev:arm64 libstdc++-13-dev:arm64");
    CHECK(plan({"install", "xx-c-essentials"}, arm64) == "apt-get install libc6-dev:arm64");
    CHECK(plan({"remove", "xx-c-essentials"}, arm64, names) == "apt-get remove libc6-dev:arm64 libgcc-12-dev:arm64");
    // only in commands that take packages
    CHECK(plan({"source", "xx-c-essentials"}, arm64, names) == "apt-get source xx-c-essentials");
}

TEST_CASE("XX_APT_PREFER_CROSS: <pkg>-<debian-arch>-cross where apt knows it") {
    auto arm64 = target("linux/arm64");
    const auto names = bookworm_names();
    CHECK(plan({"install", "xx-cxx-essentials"}, arm64, names, true) ==
          "apt-get install libc6-dev-arm64-cross libgcc-12-dev-arm64-cross libstdc++-12-dev-arm64-cross");
    CHECK(plan({"install", "libc6-dev", "zlib1g-dev"}, arm64, names, true) ==
          "apt-get install libc6-dev-arm64-cross zlib1g-dev:arm64");
    // none known for armhf in this snapshot: multiarch packages
    CHECK(plan({"install", "xx-c-essentials"}, target("linux/arm/v7"), names, true) ==
          "apt-get install libc6-dev:armhf libgcc-12-dev:armhf");
    // not cross: nothing to prefer
    CHECK(plan({"install", "libc6-dev"}, native(), names, true) == "apt-get install libc6-dev");
}

TEST_CASE("needs_package_names: only for meta names, or XX_APT_PREFER_CROSS when cross") {
    auto arm64 = target("linux/arm64");
    CHECK(needs_package_names(parse_apt_args({"install", "xx-c-essentials"}), arm64, false));
    CHECK(needs_package_names(parse_apt_args({"install", "xx-cxx-essentials"}), native(), false));
    CHECK_FALSE(needs_package_names(parse_apt_args({"install", "zlib1g-dev"}), arm64, false));
    CHECK(needs_package_names(parse_apt_args({"install", "zlib1g-dev"}), arm64, true));
    CHECK_FALSE(needs_package_names(parse_apt_args({"install", "zlib1g-dev"}), native(), true));
    CHECK_FALSE(needs_package_names(parse_apt_args({"update"}), arm64, true));
}

TEST_CASE("unsupported targets fail with the UnsupportedTarget message") {
    CHECK_THROWS_WITH_AS(plan({"install", "zlib1g-dev"}, target("linux/ppc64")),
                         doctest::Contains("unsupported target: os=linux arch=ppc64"), UnsupportedTarget);
    AptSystem system {"debian", "amd64", {}, {}, {}};
    CHECK_THROWS_AS(plan_apt_setup(parse_apt_args({"install", "x"}), target("linux/ppc64"), system), UnsupportedTarget);
}

TEST_CASE("has_package_lists: a Packages list of that architecture, compressed or not") {
    std::vector<std::string> lists = {"deb.debian.org_debian_dists_bookworm_InRelease",
                                      "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
                                      "deb.debian.org_debian_dists_bookworm_main_binary-mips64el_Packages",
                                      "deb.debian.org_debian_dists_bookworm_main_binary-armel_Packages.xz"};
    CHECK(has_package_lists(lists, "amd64"));
    CHECK(has_package_lists(lists, "mips64el"));
    CHECK(has_package_lists(lists, "armel"));
    CHECK_FALSE(has_package_lists(lists, "mips64"));
    CHECK_FALSE(has_package_lists(lists, "armhf"));
    CHECK_FALSE(has_package_lists(lists, "arm64"));
}

TEST_CASE("plan_apt_setup: architecture, sources and update") {
    const std::vector<std::string> amd64_lists = {"x_main_binary-amd64_Packages.lz4"};
    const std::vector<std::string> both_lists = {"x_main_binary-amd64_Packages.lz4",
                                                 "x_main_binary-arm64_Packages.lz4"};
    auto arm64 = target("linux/arm64");
    auto install = parse_apt_args({"install", "-y", "zlib1g-dev"});

    SUBCASE("cross, architecture not added: add it, then update") {
        AptSystem system {"debian", "amd64", {}, amd64_lists, {}};
        auto s = plan_apt_setup(install, arm64, system);
        CHECK(s.add_arch == "arm64");
        CHECK(s.new_sources.empty());
        CHECK(s.update);
        CHECK(s.update_reason == "the arm64 architecture is new");
        // the user's own update: the architecture first, no second update
        auto u = plan_apt_setup(parse_apt_args({"update"}), arm64, system);
        CHECK(u.add_arch == "arm64");
        CHECK_FALSE(u.update);
    }
    SUBCASE("cross, architecture added and lists present: nothing to do") {
        AptSystem system {"debian", "amd64", {"i386", "arm64"}, both_lists, {}};
        CHECK_FALSE(plan_apt_setup(install, arm64, system).changes_system());
    }
    SUBCASE("cross, architecture added but no lists for it: update only") {
        AptSystem system {"debian", "amd64", {"arm64"}, amd64_lists, {}};
        auto s = plan_apt_setup(install, arm64, system);
        CHECK(s.add_arch.empty());
        CHECK(s.update);
        CHECK(s.update_reason == "there are no package lists for arm64 yet");
    }
    SUBCASE("not cross: no architecture; update only when the native lists are missing") {
        AptSystem system {"debian", "amd64", {}, amd64_lists, {}};
        CHECK_FALSE(plan_apt_setup(install, native(), system).changes_system());
        system.list_files.clear();
        auto s = plan_apt_setup(install, native(), system);
        CHECK(s.add_arch.empty());
        CHECK(s.update);
    }
    SUBCASE("commands that need no set-up") {
        AptSystem system {"debian", "amd64", {}, {}, {}};
        for (auto args : {std::vector<std::string> {"--version"}, {"clean"}, {"depends", "x"}})
            CHECK_FALSE(plan_apt_setup(parse_apt_args(args), arm64, system).changes_system());
    }
    SUBCASE("queries of a new architecture: it is added and its lists fetched first, as the shell helper does") {
        AptSystem system {"debian", "amd64", {}, {}, {}};
        for (auto args : {std::vector<std::string> {"show", "zlib1g-dev"}, {"search", "zlib"}, {"remove", "x"}}) {
            const AptSetup s = plan_apt_setup(parse_apt_args(args), arm64, system);
            CHECK(s.add_arch == "arm64");
            CHECK(s.update);
        }
    }
    SUBCASE("Ubuntu, a ports architecture: the sources are fixed too") {
        SourceFile list {"/etc/apt/sources.list", "deb http://archive.ubuntu.com/ubuntu/ jammy main\n"};
        AptSystem system {"ubuntu", "amd64", {"arm64"}, both_lists, {list}};
        auto s = plan_apt_setup(install, target("linux/arm64", "ubuntu"), system);
        CHECK(s.add_arch.empty());
        REQUIRE(s.new_sources.size() == 1);
        CHECK(s.new_sources[0].path == "/etc/apt/sources.list");
        CHECK(s.update);
        CHECK(s.update_reason == "the sources are new for arm64");
        // i386 is on the main archive: the sources stay
        auto i386 = plan_apt_setup(install, target("linux/386", "ubuntu"), system);
        CHECK(i386.add_arch == "i386");
        CHECK(i386.new_sources.empty());
        // Debian: never touched
        system.distro = "debian";
        CHECK(plan_apt_setup(install, target("linux/arm64"), system).new_sources.empty());
    }
}

namespace {

const char* jammy_list =
    "# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to\n"
    "deb http://archive.ubuntu.com/ubuntu/ jammy main restricted\n"
    "# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted\n"
    "deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted\n"
    "deb http://de.archive.ubuntu.com/ubuntu/ jammy universe\n"
    "\n"
    "deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted\n"
    "deb-src http://archive.ubuntu.com/ubuntu/ jammy universe\n"
    "deb [signed-by=/usr/share/keyrings/x.gpg] https://example.com/apt stable main\n";

const char* jammy_list_arm64 =
    "# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to\n"
    "deb [arch=amd64,i386] http://archive.ubuntu.com/ubuntu/ jammy main restricted\n"
    "# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted\n"
    "deb [arch=amd64,i386] http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted\n"
    "deb [arch=amd64,i386] http://de.archive.ubuntu.com/ubuntu/ jammy universe\n"
    "\n"
    "deb [arch=amd64,i386] http://security.ubuntu.com/ubuntu/ jammy-security main restricted\n"
    "deb-src http://archive.ubuntu.com/ubuntu/ jammy universe\n"
    "deb [signed-by=/usr/share/keyrings/x.gpg] https://example.com/apt stable main\n"
    "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
    "deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy main restricted\n"
    "deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy-updates main restricted\n"
    "deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy universe\n"
    "deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ jammy-security main restricted\n";

const char* noble_sources =
    "Types: deb\n"
    "URIs: http://archive.ubuntu.com/ubuntu/\n"
    "Suites: noble noble-updates noble-backports\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
    "\n"
    "## Ubuntu security updates. Aside from URIs and Suites,\n"
    "## this should mirror your choices in the previous section.\n"
    "Types: deb\n"
    "URIs: http://security.ubuntu.com/ubuntu/\n"
    "Suites: noble-security\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n";

const char* noble_sources_arm64 =
    "Types: deb\n"
    "URIs: http://archive.ubuntu.com/ubuntu/\n"
    "Suites: noble noble-updates noble-backports\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
    "Architectures: amd64 i386\n"
    "\n"
    "## Ubuntu security updates. Aside from URIs and Suites,\n"
    "## this should mirror your choices in the previous section.\n"
    "Types: deb\n"
    "URIs: http://security.ubuntu.com/ubuntu/\n"
    "Suites: noble-security\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
    "Architectures: amd64 i386\n"
    "\n"
    "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
    "Types: deb\n"
    "URIs: http://ports.ubuntu.com/ubuntu-ports/\n"
    "Suites: noble noble-updates noble-backports\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
    "Architectures: arm64\n"
    "\n"
    "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
    "Types: deb\n"
    "URIs: http://ports.ubuntu.com/ubuntu-ports/\n"
    "Suites: noble-security\n"
    "Components: main universe restricted multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n"
    "Architectures: arm64\n";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

}  // namespace

TEST_CASE("fix_ubuntu_sources, one-line format") {
    const auto one_line = SourceFormat::one_line;
    std::string fixed = fix_ubuntu_sources(jammy_list, one_line, "arm64");
    CHECK(fixed == jammy_list_arm64);
    // idempotent
    CHECK(fix_ubuntu_sources(fixed, one_line, "arm64") == fixed);
    // a second ports architecture joins the ports entries
    std::string both = fix_ubuntu_sources(fixed, one_line, "armhf");
    CHECK(both == replace_all(jammy_list_arm64, "arch=arm64]", "arch=arm64,armhf]"));
    CHECK(fix_ubuntu_sources(both, one_line, "arm64") == both);
    CHECK(fix_ubuntu_sources(both, one_line, "armhf") == both);
    // main-archive architectures: nothing to do
    CHECK(fix_ubuntu_sources(jammy_list, one_line, "i386") == jammy_list);
    CHECK(fix_ubuntu_sources(jammy_list, one_line, "amd64") == jammy_list);
    // options are kept and merged; an entry that lists the architecture is the user's choice
    CHECK(fix_ubuntu_sources("deb [signed-by=/k.gpg] http://archive.ubuntu.com/ubuntu noble main\n", one_line,
                             "riscv64") ==
          "deb [arch=amd64,i386 signed-by=/k.gpg] http://archive.ubuntu.com/ubuntu noble main\n"
          "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
          "deb [arch=riscv64 signed-by=/k.gpg] http://ports.ubuntu.com/ubuntu-ports/ noble main\n");
    const char* own = "deb [arch=arm64] http://archive.ubuntu.com/ubuntu noble main\n";
    CHECK(fix_ubuntu_sources(own, one_line, "arm64") == own);
    // an existing ports entry without an architecture list covers every architecture
    const char* ports_all =
        "deb [arch=amd64] http://archive.ubuntu.com/ubuntu noble main\n"
        "deb http://ports.ubuntu.com/ubuntu-ports noble main\n";
    CHECK(fix_ubuntu_sources(ports_all, one_line, "s390x") == ports_all);
    // no final newline, no entries
    CHECK(fix_ubuntu_sources("deb http://archive.ubuntu.com/ubuntu noble main", one_line, "arm64") ==
          "deb [arch=amd64,i386] http://archive.ubuntu.com/ubuntu noble main\n"
          "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
          "deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports/ noble main\n");
    CHECK(fix_ubuntu_sources("", one_line, "arm64").empty());
    CHECK(fix_ubuntu_sources("# only comments\n", one_line, "arm64") == "# only comments\n");
}

TEST_CASE("fix_ubuntu_sources, deb822 format (Ubuntu 24.04's ubuntu.sources)") {
    const auto deb822 = SourceFormat::deb822;
    std::string fixed = fix_ubuntu_sources(noble_sources, deb822, "arm64");
    CHECK(fixed == noble_sources_arm64);
    CHECK(fix_ubuntu_sources(fixed, deb822, "arm64") == fixed);
    std::string both = fix_ubuntu_sources(fixed, deb822, "ppc64el");
    CHECK(both == replace_all(noble_sources_arm64, "Architectures: arm64\n", "Architectures: arm64 ppc64el\n"));
    CHECK(fix_ubuntu_sources(both, deb822, "ppc64el") == both);
    CHECK(fix_ubuntu_sources(noble_sources, deb822, "i386") == noble_sources);

    // disabled stanzas, other hosts and deb-src-only stanzas are left alone; a multi-line
    // Signed-By is copied whole; an explicit Architectures list is extended with no new field.
    const char* mixed =
        "Types: deb-src\n"
        "URIs: http://archive.ubuntu.com/ubuntu/\n"
        "Suites: noble\n"
        "Components: main\n"
        "\n"
        "Types: deb\n"
        "URIs: http://archive.ubuntu.com/ubuntu/\n"
        "Suites: noble\n"
        "Components: main\n"
        "Enabled: no\n"
        "\n"
        "Types: deb\n"
        "URIs: https://example.com/apt\n"
        "Suites: stable\n"
        "Components: main\n"
        "\n"
        "Types: deb deb-src\n"
        "URIs: http://archive.ubuntu.com/ubuntu/\n"
        "Suites: noble\n"
        "Components: main\n"
        "Architectures: amd64\n"
        "Signed-By:\n"
        " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        " .\n"
        " abc\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n";
    std::string out = fix_ubuntu_sources(mixed, deb822, "s390x");
    CHECK(out == std::string(mixed) +
                     "\n"
                     "# Ubuntu's architectures other than amd64, i386 come from ports.ubuntu.com (added by xx-apt)\n"
                     "Types: deb\n"
                     "URIs: http://ports.ubuntu.com/ubuntu-ports/\n"
                     "Suites: noble\n"
                     "Components: main\n"
                     "Signed-By:\n"
                     " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                     " .\n"
                     " abc\n"
                     " -----END PGP PUBLIC KEY BLOCK-----\n"
                     "Architectures: s390x\n");
    CHECK(fix_ubuntu_sources(out, deb822, "s390x") == out);
}

TEST_CASE("source_format, has_entries and main_source_file") {
    CHECK(source_format("/etc/apt/sources.list") == SourceFormat::one_line);
    CHECK(source_format("/etc/apt/sources.list.d/x.list") == SourceFormat::one_line);
    CHECK(source_format("/etc/apt/sources.list.d/ubuntu.sources") == SourceFormat::deb822);
    CHECK(has_entries("# c\n\ndeb http://x y z\n"));
    CHECK_FALSE(has_entries("# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n\n"));

    const std::string r = "/fake";
    SourceFile list {r + "/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n"};
    SourceFile empty_list {r + "/etc/apt/sources.list", "# moved\n"};
    SourceFile ubuntu {r + "/etc/apt/sources.list.d/ubuntu.sources", noble_sources};
    SourceFile debian {r + "/etc/apt/sources.list.d/debian.sources", "Types: deb\n"};
    CHECK(main_source_file({list, debian}, r, "debian") == r + "/etc/apt/sources.list");
    CHECK(main_source_file({empty_list, ubuntu}, r, "ubuntu") == r + "/etc/apt/sources.list.d/ubuntu.sources");
    CHECK(main_source_file({debian}, r, "debian") == r + "/etc/apt/sources.list.d/debian.sources");
    CHECK(main_source_file({ubuntu}, r, "") == r + "/etc/apt/sources.list.d/ubuntu.sources");
    CHECK(main_source_file({empty_list}, r, "debian") == r + "/etc/apt/sources.list");
    CHECK(main_source_file({}, r, "debian").empty());
    CHECK(main_source_file({{"/etc/apt/sources.list", list.text}}, "", "debian") == "/etc/apt/sources.list");
}

TEST_CASE("apt_update_errors: the Err: lines") {
    const char* out =
        "Hit:1 http://deb.debian.org/debian bookworm InRelease\n"
        "Err:5 http://deb.debian.org/debian-security bookworm-security/main armhf Packages\n"
        "  404  Not Found [IP: 1.2.3.4 80]\n"
        "Reading package lists...\n";
    CHECK(
        apt_update_errors(out) ==
        std::vector<std::string> {"Err:5 http://deb.debian.org/debian-security bookworm-security/main armhf Packages"});
    CHECK(apt_update_errors("Hit:1 x\n").empty());
}
