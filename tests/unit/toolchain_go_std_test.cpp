// Tests of xbuild/toolchain/go_std.hpp: when xx-go (XX_AUTO_INSTALL=1) fetches Debian's
// precompiled standard library for the target, what it fetches and where it puts it.
#include "xbuild/toolchain/go_std.hpp"

#include <doctest/doctest.h>

using xbuild::toolchain::debian_arch_for_go;
using xbuild::toolchain::debian_go_release;
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

TEST_CASE("debian_arch_for_go: Go's names to Debian's") {
    CHECK(debian_arch_for_go("arm64", "") == "arm64");
    CHECK(debian_arch_for_go("amd64", "") == "amd64");
    CHECK(debian_arch_for_go("386", "") == "i386");
    CHECK(debian_arch_for_go("ppc64le", "") == "ppc64el");
    CHECK(debian_arch_for_go("mips64le", "") == "mips64el");
    CHECK(debian_arch_for_go("mipsle", "") == "mipsel");
    CHECK(debian_arch_for_go("riscv64", "") == "riscv64");
    CHECK(debian_arch_for_go("s390x", "") == "s390x");
    CHECK(debian_arch_for_go("arm", "7") == "armhf");
    CHECK(debian_arch_for_go("arm", "6") == "armhf");
    CHECK(debian_arch_for_go("arm", "5") == "armel");
    CHECK_FALSE(debian_arch_for_go("loong64", ""));
    CHECK_FALSE(debian_arch_for_go("mips", ""));
    CHECK_FALSE(debian_arch_for_go("wasm", ""));
}

TEST_CASE("plan_go_std: a cross build with Debian's Go fetches the target's package of the same version") {
    auto plan = plan_go_std(arm64_on_debian());
    REQUIRE(plan.action == GoStdAction::fetch);
    CHECK(plan.package == "golang-1.19-go:arm64=1.19.8-2");
    CHECK(plan.member == "./usr/lib/go-1.19/pkg/linux_arm64");
    CHECK(plan.destination == "/usr/lib/go-1.19/pkg/linux_arm64");
    CHECK(plan.reason.find("linux/arm64") != std::string::npos);

    auto f = arm64_on_debian();
    f.goarch = "arm", f.goarm = "5";
    plan = plan_go_std(f);
    CHECK(plan.package == "golang-1.19-go:armel=1.19.8-2");
    CHECK(plan.destination == "/usr/lib/go-1.19/pkg/linux_arm");
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
