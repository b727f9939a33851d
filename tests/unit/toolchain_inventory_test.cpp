// Tests of xbuild/toolchain/inventory.hpp: each toolchain's verdict per platform, on a fake machine.
#include "xbuild/toolchain/inventory.hpp"

#include <doctest/doctest.h>

#include "fake_machine.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

using namespace xbuild;
using namespace xbuild::toolchain;

namespace {

// A Debian amd64 machine with the given programs (in /usr/bin), files, folders and program outputs.
struct FakeMachine : test_support::FakeMachine {
    std::map<std::vector<std::string>, std::string> outputs;
    mutable int runs = 0;

    InventoryProbe probe() const {
        InventoryProbe p;
        p.files = test_support::FakeMachine::probe();
        p.os_release = parse_os_release("ID=debian\nVERSION_ID=12\n");
        p.machine = "x86_64";
        p.capture = [this](const std::vector<std::string>& argv) -> std::optional<std::string> {
            ++runs;
            auto it = outputs.find(argv);
            if (it == outputs.end()) return std::nullopt;
            return it->second;
        };
        return p;
    }
};

const Target& row(std::string_view os, std::string_view arch, std::string_view variant = "") {
    const Target* t = find_target(os, arch, variant);
    REQUIRE(t != nullptr);
    return *t;
}

FakeMachine debian_with_everything_for_arm64() {
    FakeMachine m;
    m.programs = {"go", "rustc", "clang", "ld.lld"};
    m.outputs[{"/usr/bin/go", "env", "GOVERSION"}] = "go1.19.8\n";
    m.outputs[{"/usr/bin/go", "tool", "dist", "list"}] = "linux/amd64\nlinux/arm64\nwindows/amd64\n";
    m.outputs[{"/usr/bin/rustc", "--print", "sysroot"}] = "/usr\n";
    m.dirs["/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib"] = {"libcore-1234.rlib", "libstd-1234.rlib"};
    m.files = {"/usr/lib/aarch64-linux-gnu/crt1.o"};
    return m;
}

}  // namespace

TEST_CASE("inventory: every toolchain found for a platform the machine is set up for") {
    auto m = debian_with_everything_for_arm64();
    Inventory inv(m.probe());
    auto t = inv.cross_tools(row("linux", "arm64"));
    CHECK(t.go.found);
    CHECK(t.go.detail == "go1.19.8");
    CHECK(t.c.found);
    CHECK(t.c.detail.starts_with("clang"));
    CHECK(t.rust.found);
    CHECK(t.rust.detail == "aarch64-unknown-linux-gnu");
    CHECK(t.any());
}

TEST_CASE("inventory: what is missing comes with the command that adds it") {
    auto m = debian_with_everything_for_arm64();
    Inventory inv(m.probe());
    auto t = inv.cross_tools(row("linux", "riscv64"));
    CHECK_FALSE(t.go.found);  // not in this Go's dist list
    CHECK(t.go.detail.find("linux/riscv64") != std::string::npos);
    CHECK_FALSE(t.c.found);
    CHECK(t.c.install == "apt-get install libc6-dev-riscv64-cross");
    CHECK(t.c.detail.find("crt1.o") != std::string::npos);
    CHECK_FALSE(t.rust.found);
    CHECK(t.rust.install == "TARGETPLATFORM=linux/riscv64 xx-apt-get install libstd-rust-dev");
}

TEST_CASE("inventory: Rust needs its std and a C toolchain to link with") {
    auto m = debian_with_everything_for_arm64();
    m.files.clear();  // no glibc for arm64
    Inventory inv(m.probe());
    auto t = inv.cross_tools(row("linux", "arm64"));
    CHECK_FALSE(t.c.found);
    CHECK_FALSE(t.rust.found);
    CHECK(t.rust.detail.find("no C toolchain") != std::string::npos);
    CHECK(t.rust.install == t.c.install);
}

TEST_CASE("inventory: nothing installed names the packages") {
    FakeMachine m;
    Inventory inv(m.probe());
    auto t = inv.cross_tools(row("linux", "arm", "v7"));
    CHECK_FALSE(t.any());
    CHECK(t.go.install == "apt-get install golang-go");
    CHECK(t.rust.install == "apt-get install rustc cargo");
    CHECK(t.c.install.find("gcc-arm-linux-gnueabihf") != std::string::npos);
}

TEST_CASE("inventory: programs run once, however many platforms are asked about") {
    auto m = debian_with_everything_for_arm64();
    Inventory inv(m.probe());
    for (const Target& t : targets())
        if (t.os == "linux") inv.cross_tools(t);
    CHECK(m.runs == 3);  // go env GOVERSION, go tool dist list, rustc --print sysroot
}

TEST_CASE("inventory: windows and darwin need their own C libraries") {
    auto m = debian_with_everything_for_arm64();
    Inventory inv(m.probe());
    auto win = inv.cross_tools(row("windows", "amd64"));
    CHECK(win.go.found);
    CHECK_FALSE(win.c.found);
    CHECK(win.c.install == "apt-get install mingw-w64");
    auto arm = inv.cross_tools(row("windows", "arm64"));
    CHECK_FALSE(arm.c.found);
    CHECK(arm.c.install.empty());  // Debian's mingw-w64 has no arm64
    auto mac = inv.cross_tools(row("darwin", "arm64"));
    CHECK_FALSE(mac.c.found);
    CHECK(mac.c.detail.find("/xx-sdk") != std::string::npos);
}
