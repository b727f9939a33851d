// Implementation of xbuild/project/steps.hpp.
#pragma once

#include <stdexcept>

#include "../../process.hpp"
#include "../../strings.hpp"

namespace xbuild::project {

namespace detail {

inline void append(std::vector<std::string>& to, const std::vector<std::string>& items) {
    to.insert(to.end(), items.begin(), items.end());
}

inline std::string jobs_flag(unsigned jobs) { return "-j" + std::to_string(jobs == 0 ? 1 : jobs); }

inline StepPlan go_steps(const StepContext& ctx) {
    const GoSettings& go = ctx.config.go;
    std::vector<std::string> argv {"go", ctx.test ? "test" : "build"};
    if (ctx.test) argv.insert(argv.end(), {"-exec", ctx.cross.runner()});
    argv.insert(argv.end(), {"-trimpath", "-buildvcs=false"});
    if (!go.ldflags.empty()) argv.push_back("-ldflags=" + go.ldflags);
    if (!go.tags.empty()) argv.push_back("-tags=" + xbuild::join(go.tags, ","));
    append(argv, go.flags);
    // `-o DIR/` with several packages writes every main package's program into DIR.
    if (!ctx.test) argv.insert(argv.end(), {"-o", ctx.stage.string() + "/"});
    if (go.packages.empty()) argv.push_back("./...");
    else append(argv, go.packages);
    return {{{ctx.test ? "test" : "build", argv, ctx.source, {}, {}}}, {}};
}

inline StepPlan cargo_steps(const StepContext& ctx) {
    if (ctx.cross.rust_triple.empty())
        throw std::invalid_argument("Rust has no target for " + ctx.cross.platform.str());
    const RustSettings& rust = ctx.config.rust;
    const std::string profile = rust.profile.empty() ? "release" : rust.profile;
    const std::filesystem::path target_dir = ctx.build_dir / "target";
    // xx-cargo adds --target, and says which package or rustup target gives a missing std.
    std::vector<std::string> argv {
        "xx-cargo", ctx.test ? "test" : "build", "--target-dir", target_dir.string(), "--profile", profile};
    if (!rust.features.empty()) argv.insert(argv.end(), {"--features", xbuild::join(rust.features, ",")});
    if (rust.all_features) argv.push_back("--all-features");
    if (rust.no_default_features) argv.push_back("--no-default-features");
    for (const std::string& bin : rust.bins) argv.insert(argv.end(), {"--bin", bin});
    append(argv, rust.flags);
    StepPlan plan {{{ctx.test ? "test" : "build", argv, ctx.source, {}, {}}}, {}};
    if (!ctx.test)
        plan.collect = {Collect::From::programs, target_dir / ctx.cross.rust_triple / cargo_profile_dir(profile)};
    return plan;
}

inline StepPlan cmake_steps(const StepContext& ctx) {
    const std::filesystem::path dir = ctx.build_dir / "cmake";
    const std::string type = ctx.config.cmake_build_type.empty() ? "Release" : ctx.config.cmake_build_type;
    std::vector<std::string> configure {"cmake", "-S", ctx.source.string(), "-B", dir.string()};
    // Ninja when it is there and the folder was not configured with another generator already.
    if (find_program("ninja") &&
        (!std::filesystem::exists(dir / "CMakeCache.txt") || std::filesystem::exists(dir / "build.ninja")))
        configure.insert(configure.end(), {"-G", "Ninja"});
    configure.insert(configure.end(), {"-DCMAKE_TOOLCHAIN_FILE=" + ctx.cross.cmake_toolchain,
                                       "-DCMAKE_BUILD_TYPE=" + type, "-DCMAKE_INSTALL_PREFIX=/usr/local"});
    append(configure, ctx.config.cmake.args);
    StepPlan plan;
    plan.steps.push_back({"configure", configure, ctx.build_dir, {}, {}});
    plan.steps.push_back(
        {"build", {"cmake", "--build", dir.string(), "--parallel", std::to_string(ctx.jobs)}, ctx.build_dir, {}, {}});
    if (ctx.test)
        plan.steps.push_back({"test",
                              {"ctest", "--test-dir", dir.string(), "--output-on-failure", jobs_flag(ctx.jobs)},
                              ctx.build_dir,
                              {},
                              {}});
    else
        plan.steps.push_back(
            {"install", {"cmake", "--install", dir.string()}, ctx.build_dir, {"DESTDIR=" + ctx.stage.string()}, {}});
    plan.collect = {Collect::From::tree, dir};
    return plan;
}

inline StepPlan meson_steps(const StepContext& ctx) {
    const std::filesystem::path dir = ctx.build_dir / "meson";
    std::vector<std::string> setup {"meson",    "setup",      "--cross-file", ctx.cross.meson_cross_file,
                                    "--prefix", "/usr/local", "--buildtype",  "release"};
    if (std::filesystem::exists(dir / "meson-private")) setup.push_back("--reconfigure");
    append(setup, ctx.config.meson.args);
    setup.insert(setup.end(), {dir.string(), ctx.source.string()});
    StepPlan plan;
    plan.steps.push_back({"configure", setup, ctx.build_dir, {}, {}});
    plan.steps.push_back(
        {"build", {"meson", "compile", "-C", dir.string(), jobs_flag(ctx.jobs)}, ctx.build_dir, {}, {}});
    if (ctx.test)
        plan.steps.push_back(
            {"test", {"meson", "test", "-C", dir.string(), "--print-errorlogs"}, ctx.build_dir, {}, {}});
    else
        plan.steps.push_back({"install",
                              {"meson", "install", "-C", dir.string(), "--destdir", ctx.stage.string()},
                              ctx.build_dir,
                              {},
                              {}});
    plan.collect = {Collect::From::tree, dir};
    return plan;
}

inline StepPlan configure_steps(const StepContext& ctx) {
    const std::filesystem::path dir = ctx.build_dir / "configure";
    std::vector<std::string> configure {(ctx.source / "configure").string(), "--host=" + ctx.cross.triple,
                                        "--prefix=/usr/local"};
    append(configure, ctx.config.configure.args);
    StepPlan plan;
    plan.steps.push_back({"configure", {"mkdir", "-p", dir.string()}, ctx.build_dir, {}, {}});
    plan.steps.push_back({"configure", configure, dir, {}, {}});
    plan.steps.push_back({"build", {"make", jobs_flag(ctx.jobs)}, dir, {}, {}});
    if (ctx.test) plan.steps.push_back({"test", {"make", jobs_flag(ctx.jobs), "check"}, dir, {}, {}});
    else plan.steps.push_back({"install", {"make", "install", "DESTDIR=" + ctx.stage.string()}, dir, {}, {}});
    plan.collect = {Collect::From::tree, dir};
    return plan;
}

inline StepPlan make_steps(const StepContext& ctx) {
    const std::filesystem::path dir = ctx.build_dir / "make";
    // Make's own variables win over the Makefile's `CC = gcc`; the environment would not.
    std::vector<std::string> vars;
    for (const auto& [variable, tool] : c_tool_variables)
        vars.push_back(std::string(variable) + "=" + ctx.cross.triple + "-" + std::string(tool));
    std::vector<std::string> build {"make", jobs_flag(ctx.jobs)};
    append(build, vars);
    append(build, ctx.config.make.args);
    StepPlan plan;
    plan.steps.push_back({"copy", {"mkdir", "-p", dir.string()}, ctx.build_dir, {}, {}});
    // tar rather than cp: it can leave out .git and the outputs (a local output inside the project
    // would otherwise come back as results of the next run).
    std::vector<std::string> copy {"sh",
                                   "-c",
                                   "src=$1 dst=$2; shift 2; tar -C \"$src\" -cf - \"$@\" . | tar -C \"$dst\" -xpf -",
                                   "sh",
                                   ctx.source.string(),
                                   dir.string(),
                                   "--exclude=./.git"};
    for (const std::string& skip : ctx.skip_in_copy) copy.push_back("--exclude=./" + skip);
    plan.steps.push_back({"copy", copy, ctx.build_dir, {}, {}});
    plan.steps.push_back({"build", build, dir, {}, {}});
    if (ctx.test) {
        std::vector<std::string> check {"make", "check"};
        append(check, vars);
        plan.steps.push_back({"test", check, dir, {}, {"make", "-n", "check"}});
        std::vector<std::string> test {"make", "test"};
        append(test, vars);
        plan.steps.push_back({"test", test, dir, {}, {"sh", "-c", "! make -n check && make -n test"}});
        return plan;
    }
    std::vector<std::string> install {"make", "install", "DESTDIR=" + ctx.stage.string(), "PREFIX=/usr/local",
                                      "prefix=/usr/local"};
    append(install, vars);
    plan.steps.push_back({"install", install, dir, {}, {"make", "-n", "install"}});
    plan.collect = {Collect::From::tree, dir};
    return plan;
}

inline StepPlan command_steps(const StepContext& ctx) {
    const std::vector<std::string>& command = ctx.command.empty() ? ctx.config.command : ctx.command;
    if (command.empty())
        throw std::invalid_argument(
            "kind command needs a command: give it after --, or command = [...] in xbuild.toml");
    return {{{ctx.test ? "test" : "run",
              command,
              ctx.source,
              {"XBUILD_OUTPUT=" + ctx.stage.string(), "XBUILD_BUILD_DIR=" + ctx.build_dir.string()},
              {}}},
            {}};
}

}  // namespace detail

inline std::string cargo_profile_dir(std::string_view profile) {
    if (profile == "dev" || profile == "test") return "debug";
    if (profile == "bench") return "release";
    return std::string(profile);
}

inline StepPlan plan_steps(const StepContext& ctx) {
    switch (ctx.kind) {
        case ProjectKind::go: return detail::go_steps(ctx);
        case ProjectKind::cargo: return detail::cargo_steps(ctx);
        case ProjectKind::cmake: return detail::cmake_steps(ctx);
        case ProjectKind::meson: return detail::meson_steps(ctx);
        case ProjectKind::configure: return detail::configure_steps(ctx);
        case ProjectKind::make: return detail::make_steps(ctx);
        case ProjectKind::command: return detail::command_steps(ctx);
    }
    throw std::invalid_argument("unknown project kind");
}

}  // namespace xbuild::project
