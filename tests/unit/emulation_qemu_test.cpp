// Tests of xbuild/emulation/qemu.hpp: xx-run's decision for every linux row of the table,
// static and dynamic, with each kind of sysroot, with and without binfmt_misc and emulators, plus
// windows (wine) and --sysroot. The machine is a fake RunProbe: nothing runs, except the tiny probe programs, which
// really run under QEMU.
#include "xbuild/emulation/qemu.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "xbuild/platform.hpp"
#include "xbuild/process.hpp"
#include "test_support.hpp"

namespace em = xbuild::emulation;
using test_support::elf_head;
using test_support::qemu_binfmt_text;
using xbuild::ObjectInfo;
using xbuild::Platform;
using xbuild::Target;

namespace {

const Platform amd64_host {"linux", "amd64", ""};
const Platform arm64_host {"linux", "arm64", ""};

// What a fake machine has.
struct Machine {
    std::set<std::string> files;                  // paths that exist
    std::map<std::string, std::string> programs;  // name -> path
    std::vector<em::BinfmtEntry> binfmt;
    bool runs_32bit = false;  // the kernel's answer for a 32-bit sibling
    std::map<std::string, std::string> env;
    mutable int native_probes = 0;

    em::RunProbe probe() const {
        em::RunProbe p;
        p.find_program = [this](std::string_view name) -> std::optional<std::string> {
            auto it = programs.find(std::string(name));
            if (it == programs.end()) return std::nullopt;
            return it->second;
        };
        p.exists = [this](const std::string& path) { return files.count(path) > 0; };
        p.binfmt_entries = [this] { return binfmt; };
        p.runs_natively = [this](const Target&) {
            ++native_probes;
            return runs_32bit;
        };
        p.getenv = [this](std::string_view name) {
            auto it = env.find(std::string(name));
            return it == env.end() ? std::string() : it->second;
        };
        return p;
    }
    // Every QEMU of Debian's qemu-user-static.
    void add_qemu_static() {
        for (const Target& t : xbuild::targets())
            if (!t.qemu.empty())
                programs["qemu-" + std::string(t.qemu) + "-static"] =
                    "/usr/bin/qemu-" + std::string(t.qemu) + "-static";
    }
};

// The loader a glibc binary of row `t` names (only its path matters to the decision).
std::string loader_of(const Target& t) { return "/lib/ld-" + std::string(t.debian) + ".so.1"; }

// What read_object says about a binary of row `t`.
ObjectInfo object_for(const Target& t, bool is_static) {
    ObjectInfo info;
    info.format = xbuild::ObjectFormat::elf;
    info.kind = xbuild::ObjectKind::executable;
    info.bits = t.bits;
    info.endian = t.endian;
    info.machine = t.elf_machine;
    info.os = "linux";
    if (t.elf_arm_arch_max) {
        info.arm_eabi = 5;
        info.arm_cpu_arch = t.elf_arm_arch_min ? t.elf_arm_arch_min : 4;  // v5: v5TE
    }
    info.is_static = is_static;
    if (!is_static) {
        info.interpreter = loader_of(t);
        info.needed = {"libc.so.6"};
    }
    return info;
}

em::BinfmtEntry binfmt_for(const Target& t, std::string_view flags = "POCF", bool enabled = true) {
    auto e = em::parse_binfmt_entry("qemu-" + std::string(t.qemu), qemu_binfmt_text(t, flags, enabled));
    REQUIRE(e.has_value());
    return *e;
}

std::vector<const Target*> linux_rows() {
    std::vector<const Target*> rows;
    for (const Target& t : xbuild::targets())
        if (t.os == "linux") rows.push_back(&t);
    return rows;
}

bool has_env(const xbuild::Command& c, const std::string& entry) {
    return std::find(c.env.begin(), c.env.end(), entry) != c.env.end();
}

std::string error_of(auto&& f, int* status = nullptr) { return test_support::error_status_of<em::RunError>(f, status); }

}  // namespace

// --- the platform of a binary -------------------------------------------------------------------

TEST_CASE("platform from the headers: every linux row") {
    for (const Target* t : linux_rows()) {
        CAPTURE(xbuild::platform_of(*t).str());
        Platform got = em::detect_platform(object_for(*t, false), "prog");
        // The headers cannot tell amd64/vN from amd64, nor arm/v8's tag range from... arm/v8.
        Platform want = xbuild::platform_of(*t);
        if (t->arch == "amd64") want.variant = "";
        CHECK(got == want);
    }
}

TEST_CASE("platform from the headers: ARM variants and the environment's hint") {
    const Target& v7 = *xbuild::find_target("linux", "arm", "v7");
    ObjectInfo go = object_for(v7, true);
    go.arm_cpu_arch.reset();  // Go binaries carry no Tag_CPU_arch
    CHECK(em::detect_platform(go, "prog").str() == "linux/arm/v7");
    CHECK(em::detect_platform(go, "prog", "v6").str() == "linux/arm/v6");
    CHECK(em::detect_platform(go, "prog", "v5").str() == "linux/arm/v5");
    CHECK(em::detect_platform(go, "prog", "v9").str() == "linux/arm/v7");  // not a variant: the default

    // lld keeps the C runtime's v5TE tag on arm/v6 code: the environment's newer variant wins...
    ObjectInfo lld_v6 = object_for(*xbuild::find_target("linux", "arm", "v5"), false);
    CHECK(em::detect_platform(lld_v6, "prog").str() == "linux/arm/v5");
    CHECK(em::detect_platform(lld_v6, "prog", "v6").str() == "linux/arm/v6");
    // ...but an older hint never lowers what the tag says.
    ObjectInfo v7bin = object_for(v7, false);
    CHECK(em::detect_platform(v7bin, "prog", "v6").str() == "linux/arm/v7");
}

TEST_CASE("platform from the headers: what is not a program for a known platform") {
    int status = 0;
    ObjectInfo obj = object_for(*xbuild::find_target("linux", "arm64", ""), true);
    obj.kind = xbuild::ObjectKind::relocatable;
    CHECK(error_of([&] { em::detect_platform(obj, "hello.o"); }, &status).find("hello.o") != std::string::npos);
    CHECK(status == 126);
    ObjectInfo odd = object_for(*xbuild::find_target("linux", "arm64", ""), true);
    odd.machine = 0x2a;  // SuperH: not in the table
    CHECK(error_of([&] { em::detect_platform(odd, "sh4prog"); }, &status).find("no platform xx-run knows") !=
          std::string::npos);
    CHECK(status == 126);
}

TEST_CASE("--platform is checked against the binary") {
    const Target& arm64 = *xbuild::find_target("linux", "arm64", "");
    ObjectInfo bin = object_for(arm64, false);
    int status = 0;
    std::string msg =
        error_of([&] { em::check_platform(bin, "./hello", xbuild::parse_platform("linux/riscv64")); }, &status);
    CHECK(msg == "cannot run ./hello as linux/riscv64: it is built for linux/arm64 (ELF 64-bit LSB ARM aarch64)");
    CHECK(status == 126);
    CHECK(em::check_platform(bin, "./hello", xbuild::parse_platform("aarch64")).str() == "linux/arm64");

    // Older ARM code runs on a newer variant; newer code is refused on an older one.
    ObjectInfo v5 = object_for(*xbuild::find_target("linux", "arm", "v5"), false);
    CHECK(em::check_platform(v5, "p", xbuild::parse_platform("linux/arm/v7")).str() == "linux/arm/v7");
    ObjectInfo v7 = object_for(*xbuild::find_target("linux", "arm", "v7"), false);
    CHECK(error_of([&] {
              em::check_platform(v7, "p", xbuild::parse_platform("linux/arm/v6"));
          }).find("built for linux/arm/v7") != std::string::npos);
    // An x86-64 binary runs as amd64/v3 (under QEMU's max CPU); a 386 one does not run as amd64.
    ObjectInfo x64 = object_for(*xbuild::find_target("linux", "amd64", ""), false);
    CHECK(em::check_platform(x64, "p", xbuild::parse_platform("linux/amd64/v3")).str() == "linux/amd64/v3");
    ObjectInfo x86 = object_for(*xbuild::find_target("linux", "386", ""), false);
    CHECK(error_of([&] { em::check_platform(x86, "p", xbuild::parse_platform("linux/amd64")); }) != "no error");
}

// --- names ----------------------------------------------------------------------------------------

TEST_CASE("triples and sysroot candidates come from the table through xx-info's rules") {
    auto p = [](std::string_view s) { return xbuild::parse_platform(s); };
    CHECK(em::debian_triple(p("linux/arm64")) == "aarch64-linux-gnu");
    CHECK(em::debian_triple(p("linux/arm/v7")) == "arm-linux-gnueabihf");
    CHECK(em::debian_triple(p("linux/arm/v6")) == "arm-linux-gnueabi");
    CHECK(em::debian_triple(p("linux/arm/v5")) == "arm-linux-gnueabi");
    CHECK(em::debian_triple(p("linux/386")) == "i686-linux-gnu");
    CHECK(em::debian_triple(p("linux/mips64le")) == "mips64el-linux-gnuabi64");
    CHECK(em::debian_triple(p("linux/ppc64le")) == "powerpc64le-linux-gnu");
    CHECK(em::alpine_triple(p("linux/arm64")) == "aarch64-alpine-linux-musl");
    CHECK(em::alpine_triple(p("linux/arm/v6")) == "armv6-alpine-linux-musleabihf");
    CHECK(em::alpine_triple(p("linux/386")) == "i586-alpine-linux-musl");
    CHECK(em::sysroot_candidates(p("linux/riscv64")) ==
          std::vector<std::string> {"/riscv64-alpine-linux-musl", "/usr/riscv64-linux-gnu", "/"});
}

// --- the decision, row by row -----------------------------------------------------------------------

TEST_CASE("every linux row, static and dynamic, each sysroot kind, with and without binfmt_misc") {
    enum class Root { alpine, debian_cross, multiarch, given, none };
    for (const Target* t : linux_rows()) {
        const Platform p = xbuild::platform_of(*t);
        const bool native = xbuild::runs_on(amd64_host, p) && t->arch == "amd64";
        const std::string qemu = "qemu-" + std::string(t->qemu) + "-static";
        for (bool is_static : {true, false}) {
            for (Root root : {Root::alpine, Root::debian_cross, Root::multiarch, Root::given, Root::none}) {
                for (bool binfmt : {false, true}) {
                    CAPTURE(p.str());
                    CAPTURE(is_static);
                    CAPTURE(int(root));
                    CAPTURE(binfmt);
                    Machine m;
                    m.add_qemu_static();
                    const ObjectInfo info = object_for(*t, is_static);
                    const std::string interp = loader_of(*t);
                    std::string expect_root;
                    em::RunRequest req {"./prog", {"a b", "-x"}, "", ""};
                    switch (root) {
                        case Root::alpine: expect_root = "/" + em::alpine_triple(p); break;
                        case Root::debian_cross: expect_root = "/usr/" + em::debian_triple(p); break;
                        case Root::multiarch: expect_root = "/"; break;
                        case Root::given: expect_root = req.sysroot = "/srv/root"; break;
                        case Root::none: break;
                    }
                    if (root != Root::none && root != Root::given)
                        m.files.insert(expect_root == "/" ? interp : expect_root + interp);
                    if (binfmt) m.binfmt.push_back(binfmt_for(*t));
                    const auto head = elf_head(*t);

                    if (native) {
                        auto plan = em::plan_run(req, p, info, head, amd64_host, m.probe());
                        CHECK(plan.via == em::RunVia::native);
                        CHECK(plan.command.program == "./prog");
                        CHECK(plan.command.argv == std::vector<std::string> {"./prog", "a b", "-x"});
                        CHECK(plan.command.env.empty());
                        continue;
                    }
                    if (!is_static && root == Root::none) {
                        int status = 0;
                        std::string msg =
                            error_of([&] { em::plan_run(req, p, info, head, amd64_host, m.probe()); }, &status);
                        CHECK(status == 127);
                        CHECK(msg.find("cannot run ./prog (" + p.str() + "): its loader " + interp) == 0);
                        CHECK(msg.find("libc6-" + std::string(t->debian) + "-cross") != std::string::npos);
                        CHECK(msg.find("--sysroot") != std::string::npos);
                        continue;
                    }
                    auto plan = em::plan_run(req, p, info, head, amd64_host, m.probe());
                    const std::string want_root = is_static && root != Root::given ? "" : expect_root;
                    CHECK(plan.sysroot == want_root);
                    const auto& c = plan.command;
                    if (binfmt) {
                        // The kernel runs QEMU: the program itself, QEMU told by environment.
                        CHECK(plan.via == em::RunVia::binfmt);
                        CHECK(c.program == "./prog");
                        CHECK(c.argv == std::vector<std::string> {"./prog", "a b", "-x"});
                        CHECK(has_env(c, "QEMU_LD_PREFIX=" + want_root) == !want_root.empty());
                        bool set_env = false;
                        for (const auto& e : c.env)
                            set_env = set_env || e.rfind("QEMU_SET_ENV=LD_LIBRARY_PATH=", 0) == 0;
                        CHECK(set_env == !is_static);
                        CHECK(has_env(c, "QEMU_CPU=" + std::string(t->qemu_cpu)) == !t->qemu_cpu.empty());
                        continue;
                    }
                    CHECK(plan.via == em::RunVia::qemu);
                    CHECK(c.program == "/usr/bin/" + qemu);
                    CHECK(c.env.empty());
                    std::vector<std::string> argv {qemu};
                    if (!want_root.empty()) argv.insert(argv.end(), {"-L", want_root});
                    if (!is_static) {
                        // Nothing in the fake root but the loader: the fallback folders.
                        std::string libs = want_root == "/" ? "/lib/" + std::string(t->multiarch) + ":/usr/lib/" +
                                                                  std::string(t->multiarch)
                                                            : want_root + "/lib";
                        argv.insert(argv.end(), {"-E", "LD_LIBRARY_PATH=" + libs});
                    }
                    if (!t->qemu_cpu.empty()) argv.insert(argv.end(), {"-cpu", std::string(t->qemu_cpu)});
                    argv.insert(argv.end(), {"./prog", "a b", "-x"});
                    CHECK(c.argv == argv);
                }
            }
        }
    }
}

TEST_CASE("the commands for the targets xx-run is tested with, spelled out") {
    Machine m;
    m.add_qemu_static();
    for (const char* root : {"/usr/aarch64-linux-gnu", "/usr/arm-linux-gnueabi", "/usr/mips64el-linux-gnuabi64"})
        m.files.insert(root + std::string("/lib"));
    m.files.insert("/usr/mips64el-linux-gnuabi64/lib64");
    auto plan = [&](std::string_view platform, ObjectInfo info) {
        Platform p = xbuild::parse_platform(platform);
        return em::plan_run({"./hello", {}, "", ""}, p, info, {}, amd64_host, m.probe()).command.argv;
    };
    auto dyn = [&](std::string_view platform, std::string interp) {
        ObjectInfo info = object_for(xbuild::target_of(xbuild::parse_platform(platform)), false);
        info.interpreter = std::move(interp);
        return info;
    };
    using V = std::vector<std::string>;
    m.files.insert("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1");
    CHECK(plan("linux/arm64", dyn("linux/arm64", "/lib/ld-linux-aarch64.so.1")) ==
          V {"qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu", "-E", "LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib",
             "./hello"});
    m.files.insert("/usr/arm-linux-gnueabi/lib/ld-linux.so.3");
    CHECK(plan("linux/arm/v6", dyn("linux/arm/v6", "/lib/ld-linux.so.3")) ==
          V {"qemu-arm-static", "-L", "/usr/arm-linux-gnueabi", "-E", "LD_LIBRARY_PATH=/usr/arm-linux-gnueabi/lib",
             "-cpu", "arm1176", "./hello"});
    CHECK(plan("linux/arm/v5", object_for(*xbuild::find_target("linux", "arm", "v5"), true)) ==
          V {"qemu-arm-static", "-cpu", "arm926", "./hello"});
    m.files.insert("/usr/mips64el-linux-gnuabi64/lib64/ld.so.1");
    CHECK(plan("linux/mips64le", dyn("linux/mips64le", "/lib64/ld.so.1")) ==
          V {"qemu-mips64el-static", "-L", "/usr/mips64el-linux-gnuabi64", "-E",
             "LD_LIBRARY_PATH=/usr/mips64el-linux-gnuabi64/lib:/usr/mips64el-linux-gnuabi64/lib64", "./hello"});
    CHECK(plan("linux/386", object_for(*xbuild::find_target("linux", "386", ""), true)) ==
          V {"qemu-i386-static", "./hello"});
    CHECK(plan("linux/amd64/v3", object_for(*xbuild::find_target("linux", "amd64", ""), true)) ==
          V {"qemu-x86_64-static", "-cpu", "max", "./hello"});
    // Debian multiarch (libc6:arm64): the loader in /, the multiarch library folders.
    Machine multi;
    multi.add_qemu_static();
    multi.files = {"/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"};
    CHECK(em::plan_run({"./hello", {}, "", ""}, xbuild::parse_platform("linux/arm64"),
                       dyn("linux/arm64", "/lib/ld-linux-aarch64.so.1"), {}, amd64_host, multi.probe())
              .command.argv == V {"qemu-aarch64-static", "-L", "/", "-E",
                                  "LD_LIBRARY_PATH=/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu", "./hello"});
}

TEST_CASE("sysroot order: --sysroot, then Alpine's, then Debian's cross root, then /") {
    const Platform p = xbuild::parse_platform("linux/arm64");
    const ObjectInfo info = object_for(xbuild::target_of(p), false);
    const std::string interp = info.interpreter;
    Machine m;
    m.files = {"/aarch64-alpine-linux-musl" + interp, "/usr/aarch64-linux-gnu" + interp, interp};
    CHECK(em::choose_sysroot(p, info, "x", "", m.probe()) == "/aarch64-alpine-linux-musl");
    m.files.erase("/aarch64-alpine-linux-musl" + interp);
    CHECK(em::choose_sysroot(p, info, "x", "", m.probe()) == "/usr/aarch64-linux-gnu");
    m.files.erase("/usr/aarch64-linux-gnu" + interp);
    CHECK(em::choose_sysroot(p, info, "x", "", m.probe()) == "/");
    CHECK(em::choose_sysroot(p, info, "x", "/srv/arm64/", m.probe()) == "/srv/arm64");  // as given, no check
    CHECK(em::choose_sysroot(p, object_for(xbuild::target_of(p), true), "x", "", m.probe()).empty());

    // A musl binary without its root: says how to get musl.
    ObjectInfo musl = info;
    musl.interpreter = "/lib/ld-musl-aarch64.so.1";
    std::string msg = error_of([&] { em::choose_sysroot(p, musl, "./hello", "", m.probe()); });
    CHECK(msg.find("xx-apk add musl") != std::string::npos);
    CHECK(msg.find("/aarch64-alpine-linux-musl") != std::string::npos);

    // An arm/v5 binary run as arm/v7: armhf's roots first, then armel's, where its loader is.
    const Platform v7 = xbuild::parse_platform("linux/arm/v7");
    ObjectInfo v5 = object_for(*xbuild::find_target("linux", "arm", "v5"), false);
    Machine armel;
    armel.files = {"/usr/arm-linux-gnueabi" + v5.interpreter};
    CHECK(em::choose_sysroot(v7, v5, "x", "", armel.probe()) == "/usr/arm-linux-gnueabi");
}

TEST_CASE("library folders: those that exist in the sysroot, multiarch ones in /") {
    const Target& arm64 = *xbuild::find_target("linux", "arm64", "");
    Machine m;
    m.files = {"/srv/root/lib/aarch64-linux-gnu", "/srv/root/usr/lib/aarch64-linux-gnu", "/srv/root/lib",
               "/srv/root/usr/lib", "/lib/aarch64-linux-gnu"};
    CHECK(em::library_dirs(arm64, "/srv/root", m.probe()) ==
          std::vector<std::string> {"/srv/root/lib/aarch64-linux-gnu", "/srv/root/usr/lib/aarch64-linux-gnu",
                                    "/srv/root/lib", "/srv/root/usr/lib"});
    CHECK(em::library_dirs(arm64, "/", m.probe()) == std::vector<std::string> {"/lib/aarch64-linux-gnu"});
    CHECK(em::library_dirs(arm64, "/empty", m.probe()) == std::vector<std::string> {"/empty/lib"});
}

TEST_CASE("the user's LD_LIBRARY_PATH and QEMU_SET_ENV are kept") {
    const Platform p = xbuild::parse_platform("linux/arm64");
    const Target& t = xbuild::target_of(p);
    const ObjectInfo info = object_for(t, false);
    Machine m;
    m.add_qemu_static();
    m.files = {"/usr/aarch64-linux-gnu" + info.interpreter, "/usr/aarch64-linux-gnu/lib"};
    m.env = {{"LD_LIBRARY_PATH", "/work/build/lib"}, {"QEMU_SET_ENV", "FOO=1"}};
    auto q = em::plan_run({"./t", {}, "", ""}, p, info, {}, amd64_host, m.probe());
    CHECK(std::find(q.command.argv.begin(), q.command.argv.end(),
                    "LD_LIBRARY_PATH=/work/build/lib:/usr/aarch64-linux-gnu/lib") != q.command.argv.end());
    m.binfmt.push_back(binfmt_for(t));
    auto b = em::plan_run({"./t", {}, "", ""}, p, info, elf_head(t), amd64_host, m.probe());
    CHECK(b.via == em::RunVia::binfmt);
    CHECK(has_env(b.command, "QEMU_SET_ENV=FOO=1,LD_LIBRARY_PATH=/work/build/lib:/usr/aarch64-linux-gnu/lib"));
    CHECK(has_env(b.command, "QEMU_LD_PREFIX=/usr/aarch64-linux-gnu"));
    // A comma would split QEMU_SET_ENV's list: that LD_LIBRARY_PATH is left out.
    m.env["LD_LIBRARY_PATH"] = "/a,b";
    b = em::plan_run({"./t", {}, "", ""}, p, info, elf_head(t), amd64_host, m.probe());
    CHECK(has_env(b.command, "QEMU_SET_ENV=FOO=1,LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib"));
}

TEST_CASE("binfmt_misc entries that would not run the file are passed over") {
    const Platform p = xbuild::parse_platform("linux/riscv64");
    const Target& t = xbuild::target_of(p);
    const ObjectInfo info = object_for(t, true);
    Machine m;
    m.add_qemu_static();
    m.binfmt.push_back(binfmt_for(t, "PF", false));                              // disabled
    m.binfmt.push_back(binfmt_for(*xbuild::find_target("linux", "arm64", "")));  // another machine
    m.binfmt.push_back(binfmt_for(t, "P"));  // no F: its interpreter must exist, and does not
    auto plan = em::plan_run({"./p", {}, "", ""}, p, info, elf_head(t), amd64_host, m.probe());
    CHECK(plan.via == em::RunVia::qemu);
    m.files.insert(m.binfmt.back().interpreter);
    plan = em::plan_run({"./p", {}, "", ""}, p, info, elf_head(t), amd64_host, m.probe());
    CHECK(plan.via == em::RunVia::binfmt);
}

TEST_CASE("a missing emulator is named with the package that provides it") {
    const Platform p = xbuild::parse_platform("linux/riscv64");
    const ObjectInfo info = object_for(xbuild::target_of(p), true);
    Machine m;
    int status = 0;
    std::string msg = error_of(
        [&] {
            em::plan_run({"hello", {}, "", ""}, p, info, {}, amd64_host, m.probe());
        },
        &status);
    CHECK(msg ==
          "cannot run hello (linux/riscv64): qemu-riscv64-static not found; install Debian's "
          "qemu-user-static (or qemu-user; on Alpine: apk add qemu-riscv64)");
    CHECK(status == 127);
    // qemu-user's dynamic emulator serves as well.
    m.programs["qemu-riscv64"] = "/usr/bin/qemu-riscv64";
    auto plan = em::plan_run({"hello", {}, "", ""}, p, info, {}, amd64_host, m.probe());
    CHECK(plan.command.program == "/usr/bin/qemu-riscv64");
    CHECK(plan.command.argv.front() == "qemu-riscv64");
}

TEST_CASE("32-bit siblings run directly only when the kernel does") {
    const Platform i386 = xbuild::parse_platform("linux/386");
    const ObjectInfo info = object_for(xbuild::target_of(i386), true);
    Machine m;
    m.add_qemu_static();
    m.runs_32bit = false;  // this machine: 32-bit emulation switched off
    auto plan = em::plan_run({"./p", {}, "", ""}, i386, info, {}, amd64_host, m.probe());
    CHECK(plan.via == em::RunVia::qemu);
    CHECK(plan.command.argv.front() == "qemu-i386-static");
    CHECK(m.native_probes == 1);
    m.runs_32bit = true;
    CHECK(em::plan_run({"./p", {}, "", ""}, i386, info, {}, amd64_host, m.probe()).via == em::RunVia::native);
    // A dynamic one also needs its loader here (libc6-i386); without it, QEMU and the sysroot.
    const ObjectInfo dynamic = object_for(xbuild::target_of(i386), false);
    m.files.insert("/usr/i686-linux-gnu" + dynamic.interpreter);  // Debian's libc6-i386-cross
    CHECK(em::plan_run({"./p", {}, "", ""}, i386, dynamic, {}, amd64_host, m.probe()).via == em::RunVia::qemu);
    m.files.insert(dynamic.interpreter);
    CHECK(em::plan_run({"./p", {}, "", ""}, i386, dynamic, {}, amd64_host, m.probe()).via == em::RunVia::native);

    // arm64 hosts and 32-bit ARM: the same probe; amd64 itself is never probed.
    for (const char* v : {"v5", "v6", "v7", "v8"}) {
        const Platform arm {"linux", "arm", v};
        const ObjectInfo a = object_for(xbuild::target_of(arm), true);
        m.runs_32bit = true;
        CHECK(em::plan_run({"./p", {}, "", ""}, arm, a, {}, arm64_host, m.probe()).via == em::RunVia::native);
        m.runs_32bit = false;
        CHECK(em::plan_run({"./p", {}, "", ""}, arm, a, {}, arm64_host, m.probe()).via == em::RunVia::qemu);
    }
    m.native_probes = 0;
    const Platform amd64 = xbuild::parse_platform("linux/amd64");
    CHECK(
        em::plan_run({"./p", {}, "", ""}, amd64, object_for(xbuild::target_of(amd64), false), {}, amd64_host, m.probe())
            .via == em::RunVia::native);
    CHECK(m.native_probes == 0);
    // A host that is not the binary's arch at all: QEMU, no probe.
    CHECK(
        em::plan_run({"./p", {}, "", ""}, amd64, object_for(xbuild::target_of(amd64), true), {}, arm64_host, m.probe())
            .command.argv.front() == "qemu-x86_64-static");
    CHECK(m.native_probes == 0);
}

TEST_CASE("windows binaries go to wine") {
    auto pe = [](std::string_view platform) {
        const Target& t = xbuild::target_of(xbuild::parse_platform(platform));
        ObjectInfo info;
        info.format = xbuild::ObjectFormat::pe;
        info.kind = xbuild::ObjectKind::executable;
        info.bits = t.bits;
        info.machine = t.pe_machine;
        info.os = "windows";
        return info;
    };
    const Platform w64 = xbuild::parse_platform("windows/amd64"), w32 = xbuild::parse_platform("windows/386");
    CHECK(em::detect_platform(pe("windows/amd64"), "x.exe") == w64);
    CHECK(em::detect_platform(pe("windows/386"), "x.exe") == w32);

    Machine m;
    m.programs = {{"wine64", "/usr/bin/wine64"}, {"wine", "/usr/bin/wine"}};
    auto plan = em::plan_run({"./x.exe", {"arg"}, "/ignored", ""}, w64, pe("windows/amd64"), {}, amd64_host, m.probe());
    CHECK(plan.via == em::RunVia::wine);
    CHECK(plan.command.program == "/usr/bin/wine64");
    CHECK(plan.command.argv == std::vector<std::string> {"wine64", "./x.exe", "arg"});
    plan = em::plan_run({"./x.exe", {}, "", ""}, w32, pe("windows/386"), {}, amd64_host, m.probe());
    CHECK(plan.command.argv == std::vector<std::string> {"wine", "./x.exe"});

    // Debian's wine64 package keeps its loader out of PATH; the `wine` script serves too.
    m.programs = {{"/usr/lib/wine/wine64", "/usr/lib/wine/wine64"}};
    CHECK(em::plan_run({"x.exe", {}, "", ""}, w64, pe("windows/amd64"), {}, amd64_host, m.probe()).command.program ==
          "/usr/lib/wine/wine64");
    m.programs = {{"wine", "/usr/bin/wine"}};
    CHECK(em::plan_run({"x.exe", {}, "", ""}, w64, pe("windows/amd64"), {}, amd64_host, m.probe()).command.program ==
          "/usr/bin/wine");

    m.programs.clear();
    int status = 0;
    CHECK(error_of(
              [&] {
                  em::plan_run({"x.exe", {}, "", ""}, w64, pe("windows/amd64"), {}, amd64_host, m.probe());
              },
              &status) ==
          "cannot run x.exe (windows/amd64): wine64 not found; install Debian's wine64 "
          "(apt-get install wine64)");
    CHECK(status == 127);
    CHECK(error_of([&] {
              em::plan_run({"x.exe", {}, "", ""}, w32, pe("windows/386"), {}, amd64_host, m.probe());
          }).find("(dpkg --add-architecture i386; apt-get install wine wine32)") != std::string::npos);
    const Platform warm = xbuild::parse_platform("windows/arm64");
    CHECK(error_of(
              [&] {
                  em::plan_run({"x.exe", {}, "", ""}, warm, pe("windows/arm64"), {}, amd64_host, m.probe());
              },
              &status)
              .find("wine runs x86 Windows programs") != std::string::npos);
    CHECK(status == 126);
}

TEST_CASE("other operating systems are refused") {
    Machine m;
    m.add_qemu_static();
    int status = 0;
    const Platform darwin = xbuild::parse_platform("darwin/arm64");
    CHECK(error_of(
              [&] {
                  em::plan_run({"x", {}, "", ""}, darwin, ObjectInfo {}, {}, amd64_host, m.probe());
              },
              &status)
              .find("linux and windows programs only") != std::string::npos);
    CHECK(status == 126);
}

TEST_CASE("argv[0] is what the user typed; the path is what is opened") {
    const Platform p = xbuild::parse_platform("linux/amd64");
    Machine m;
    auto plan = em::plan_run({"/usr/local/bin/tool", {"-v"}, "", "tool"}, p, object_for(xbuild::target_of(p), false),
                             {}, amd64_host, m.probe());
    CHECK(plan.command.program == "/usr/local/bin/tool");
    CHECK(plan.command.argv == std::vector<std::string> {"tool", "-v"});
}

TEST_CASE("shell_words quotes what a shell would split") {
    xbuild::Command c {
        "/usr/bin/qemu-arm-static", {"qemu-arm-static", "-cpu", "arm1176", "my prog", "it's"}, {"QEMU_CPU=x"}};
    CHECK(em::shell_words(c) == "QEMU_CPU=x /usr/bin/qemu-arm-static -cpu arm1176 'my prog' 'it'\\''s'");
}

// --- the native probe's programs are real -----------------------------------------------------------

TEST_CASE("the tiny probe programs are real programs of their machine, run under QEMU") {
    for (const char* platform : {"linux/386", "linux/arm/v7"}) {
        CAPTURE(platform);
        const Target& t = xbuild::target_of(xbuild::parse_platform(platform));
        const auto prog = em::tiny_exit_program(t);
        REQUIRE_FALSE(prog.empty());
        // The object reader sees a static executable of that machine.
        ObjectInfo info = xbuild::parse_object(prog);
        CHECK(info.kind == xbuild::ObjectKind::executable);
        CHECK(info.is_static);
        CHECK(info.machine == t.elf_machine);
        // And QEMU runs it to a clean exit.
        char path[] = "/tmp/xbuild-tiny-XXXXXX";
        int fd = ::mkstemp(path);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, prog.data(), prog.size()) == ssize_t(prog.size()));
        ::close(fd);
        ::chmod(path, 0755);
        const std::string qemu = "qemu-" + std::string(t.qemu) + "-static";
        if (!xbuild::find_program(qemu)) FAIL(qemu << " not found: apt-get install qemu-user-static");
        CHECK(xbuild::run_program({qemu, path}) == 0);
        ::unlink(path);
    }
    CHECK(em::tiny_exit_program(*xbuild::find_target("linux", "riscv64", "")).empty());
}
