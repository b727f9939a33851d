// Tests of xbuild/toolchain/go_std.hpp: when xx-go (XX_AUTO_INSTALL=1) fetches Debian's
// precompiled standard library for the target, what it fetches and where it puts it.
#include "xbuild/toolchain/go_std.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using xbuild::toolchain::debian_arch_for_go;
using xbuild::toolchain::debian_go_release;
using xbuild::toolchain::go_std_cache_home;
using xbuild::toolchain::go_variant_variable;
using xbuild::toolchain::go_variant_variables;
using xbuild::toolchain::GoStdAction;
using xbuild::toolchain::GoStdFacts;
using xbuild::toolchain::plan_go_std;

namespace {

// A cross build for linux/arm64 with Debian's Go 1.19 on amd64, as root with apt-get.
GoStdFacts arm64_on_debian() {
    GoStdFacts f;
    f.enabled = f.compiles = true;
    f.goroot = "/usr/lib/go-1.19";
    f.goos = "linux", f.goarch = "arm64";
    f.gohostos = "linux", f.gohostarch = "amd64";
    f.installed_version = "1.19.8-2";
    f.root = f.apt_get = f.dpkg_deb = true;
    return f;
}

}  // namespace

TEST_CASE("debian_go_release: only Debian's /usr/lib/go-1.NN layout") {
    CHECK(debian_go_release("/usr/lib/go-1.19") == "1.19");
    CHECK(debian_go_release("/usr/lib/go-1.21/") == "1.21");
    CHECK(debian_go_release("/tmp/t/root/usr/lib/go-1.19") == "1.19");  // a copy keeps the layout
    CHECK_FALSE(debian_go_release("/usr/local/go"));
    CHECK_FALSE(debian_go_release("/usr/lib/go"));
    CHECK_FALSE(debian_go_release("/usr/lib/go-1"));
    CHECK_FALSE(debian_go_release("/usr/lib/go-1."));
    CHECK_FALSE(debian_go_release("/usr/lib/go-.19"));
    CHECK_FALSE(debian_go_release("/usr/lib/go-1.19rc1"));
    CHECK_FALSE(debian_go_release(""));
}

TEST_CASE("go_variant_variable: the GO* variable of each GOARCH's variants, from the table") {
    CHECK(go_variant_variable("arm") == "GOARM");
    CHECK(go_variant_variable("amd64") == "GOAMD64");
    CHECK(go_variant_variable("386") == "GO386");
    CHECK(go_variant_variable("mipsle") == "GOMIPS");
    CHECK(go_variant_variable("arm64") == "");
    CHECK(go_variant_variable("wasm") == "");
    const auto all = go_variant_variables();
    CHECK(std::count(all.begin(), all.end(), "GOARM") == 1);
    CHECK(std::count(all.begin(), all.end(), "GOAMD64") == 1);
    CHECK(std::count(all.begin(), all.end(), "GOMIPS64") == 1);
    CHECK(std::count(all.begin(), all.end(), "") == 0);
}

TEST_CASE("debian_arch_for_go: Go's names to Debian's, for the GO* value Debian built its std with") {
    CHECK(debian_arch_for_go("arm64", "") == "arm64");
    CHECK(debian_arch_for_go("amd64", "v1") == "amd64");
    CHECK(debian_arch_for_go("ppc64le", "") == "ppc64el");
    CHECK(debian_arch_for_go("mips64le", "hardfloat") == "mips64el");
    CHECK(debian_arch_for_go("mipsle", "hardfloat") == "mipsel");
    CHECK(debian_arch_for_go("riscv64", "") == "riscv64");
    CHECK(debian_arch_for_go("s390x", "") == "s390x");
    CHECK(debian_arch_for_go("arm", "6") == "armhf");
    CHECK(debian_arch_for_go("arm", "5") == "armel");
    // Debian's armhf std is built with GOARM=6, its amd64 one with GOAMD64=v1, its i386 one with
    // GO386=softfloat: go takes them as stale for these values, so none is fetched.
    CHECK_FALSE(debian_arch_for_go("arm", "7"));
    CHECK_FALSE(debian_arch_for_go("amd64", "v3"));
    CHECK_FALSE(debian_arch_for_go("386", "sse2"));
    CHECK_FALSE(debian_arch_for_go("386", "softfloat"));  // no row builds for it
    CHECK_FALSE(debian_arch_for_go("mipsle", "softfloat"));
    CHECK_FALSE(debian_arch_for_go("loong64", ""));
    CHECK_FALSE(debian_arch_for_go("mips", ""));
    CHECK_FALSE(debian_arch_for_go("wasm", ""));
}

TEST_CASE("plan_go_std: a cross build with Debian's Go fetches the target's package of the same version") {
    auto plan = plan_go_std(arm64_on_debian());
    REQUIRE(plan.action == GoStdAction::fetch);
    CHECK(plan.package == "golang-1.19-go:arm64=1.19.8-2");
    CHECK(plan.apt_platform == "linux/arm64");
    CHECK(plan.member == "./usr/lib/go-1.19/pkg/linux_arm64");
    CHECK(plan.destination == "/usr/lib/go-1.19/pkg/linux_arm64");
    CHECK(plan.reason.find("linux/arm64") != std::string::npos);

    CHECK(plan.cache_entry.empty());  // no cache folder known

    auto f = arm64_on_debian();
    f.goarch = "arm", f.go_variant = "5";
    plan = plan_go_std(f);
    CHECK(plan.package == "golang-1.19-go:armel=1.19.8-2");
    CHECK(plan.destination == "/usr/lib/go-1.19/pkg/linux_arm");
    CHECK(plan.apt_platform == "linux/arm/v5");
    f.go_variant = "6";  // arm/v6, whose Debian architecture is armel, takes armhf's
    plan = plan_go_std(f);
    CHECK(plan.package == "golang-1.19-go:armhf=1.19.8-2");
    CHECK(plan.apt_platform == "linux/arm/v7");  // xx-apt-get's architecture: armhf
}

TEST_CASE("plan_go_std: arm/v7 (GOARM=7) fetches nothing and says nothing: Debian's armhf std is GOARM=6's") {
    auto f = arm64_on_debian();
    f.goarch = "arm", f.go_variant = "7";
    auto plan = plan_go_std(f);
    CHECK(plan.action == GoStdAction::none);
    CHECK(plan.reason.find("linux/arm with GOARM=7") != std::string::npos);
    f.root = false;  // not even the warning that it cannot be fetched
    CHECK(plan_go_std(f).action == GoStdAction::none);
}

TEST_CASE("go_std_cache_home: $XDG_CACHE_HOME, else $HOME/.cache, absolute paths only") {
    CHECK(go_std_cache_home("/x/cache", "/root") == "/x/cache");
    CHECK(go_std_cache_home(nullptr, "/root") == "/root/.cache");
    CHECK(go_std_cache_home("", "/home/u") == "/home/u/.cache");
    CHECK(go_std_cache_home("relative", "/root") == "/root/.cache");
    CHECK(go_std_cache_home(nullptr, "/") == "/.cache");
    CHECK(go_std_cache_home(nullptr, nullptr) == "");
    CHECK(go_std_cache_home(nullptr, "") == "");
}

TEST_CASE("plan_go_std: the cache entry, per package version and architecture; a cached one is copied") {
    auto f = arm64_on_debian();
    f.cache_home = "/root/.cache/";
    auto plan = plan_go_std(f);
    REQUIRE(plan.action == GoStdAction::fetch);
    CHECK(plan.cache_entry == "/root/.cache/xx/go-std/golang-1.19-go_1.19.8-2_arm64/linux_arm64");

    f.cached = true;
    plan = plan_go_std(f);
    REQUIRE(plan.action == GoStdAction::copy);
    CHECK(plan.cache_entry == "/root/.cache/xx/go-std/golang-1.19-go_1.19.8-2_arm64/linux_arm64");
    CHECK(plan.destination == "/usr/lib/go-1.19/pkg/linux_arm64");
    CHECK(plan.reason.find("from /root/.cache/xx/go-std/") != std::string::npos);
    f.apt_get = f.dpkg_deb = false;  // a copy needs neither
    CHECK(plan_go_std(f).action == GoStdAction::copy);
    f.root = false;  // but GOROOT/pkg is root's
    CHECK(plan_go_std(f).action == GoStdAction::warn);

    // armel and armhf both fill linux_arm: their entries differ by the package.
    f = arm64_on_debian();
    f.cache_home = "/c";
    f.goarch = "arm", f.go_variant = "5";
    CHECK(plan_go_std(f).cache_entry == "/c/xx/go-std/golang-1.19-go_1.19.8-2_armel/linux_arm");
    f.go_variant = "6";
    CHECK(plan_go_std(f).cache_entry == "/c/xx/go-std/golang-1.19-go_1.19.8-2_armhf/linux_arm");
}

TEST_CASE("plan_go_std: nothing to do, nothing said") {
    auto none = [](GoStdFacts f) { return plan_go_std(f).action == GoStdAction::none; };
    auto f = arm64_on_debian();
    f.enabled = false;
    CHECK(none(f));
    f = arm64_on_debian();
    f.compiles = false;
    CHECK(none(f));
    f = arm64_on_debian();
    f.goarch = "amd64";  // the machine's own platform: Debian's package has it already
    CHECK(none(f));
    f = arm64_on_debian();
    f.goroot = "/usr/local/go";  // a release toolchain ships every target's std, or none
    CHECK(none(f));
    f = arm64_on_debian();
    f.target_pkg_exists = true;
    CHECK(none(f));
    f = arm64_on_debian();
    f.installed_version = "";  // a copy of the layout that dpkg does not know
    CHECK(none(f));
    f = arm64_on_debian();
    f.goos = "windows", f.goarch = "amd64";  // Debian builds Go's std only for linux
    CHECK(none(f));
    f = arm64_on_debian();
    f.goarch = "loong64";
    CHECK(none(f));
}

TEST_CASE("plan_go_std: it would help but cannot be done here: a warning that says why") {
    auto f = arm64_on_debian();
    f.root = false;
    auto plan = plan_go_std(f);
    CHECK(plan.action == GoStdAction::warn);
    CHECK(plan.reason.find("not root") != std::string::npos);
    CHECK(plan.reason.find("golang-1.19-go:arm64=1.19.8-2") != std::string::npos);
    f = arm64_on_debian();
    f.apt_get = false;
    CHECK(plan_go_std(f).reason.find("no apt-get") != std::string::npos);
    f = arm64_on_debian();
    f.dpkg_deb = false;
    CHECK(plan_go_std(f).reason.find("no dpkg-deb") != std::string::npos);
}
