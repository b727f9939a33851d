// `xbuild cross [PATH] [-- COMMAND...]` and `xbuild test [PATH]`: the command lines of
// cross_build.hpp. `xbuild --platform LIST [PATH]` (no command word) means `xbuild cross`.
#include <memory>

#include "commands.hpp"
#include "cross_build.hpp"

namespace xbuild::cli {

namespace {

std::vector<std::string>& command_tail() {
    static std::vector<std::string> tail;
    return tail;
}

void add_common(CLI::App* cmd, CrossOptions& o) {
    cmd->add_option("-p,--platform", o.platforms,
                    "platforms to build for, comma-separated (default: xbuild.toml's, else this machine's)")
        ->allow_extra_args(false);
    cmd->add_option("path", o.path, "the project folder")->capture_default_str();
    cmd->add_option("-j,--jobs", o.jobs, "platforms built at the same time (default: the number of cores)");
    cmd->add_option("--progress", o.progress,
                    "auto, tty (a line per platform, redrawn) or plain (every line, prefixed)")
        ->check(CLI::IsMember({"auto", "tty", "plain"}))
        ->capture_default_str();
    cmd->add_flag("--fail-fast", o.fail_fast, "stop every platform when one fails");
    cmd->add_option("--config", o.config, "the project file (default: PATH/xbuild.toml when there)");
    cmd->add_option("--kind", o.kind, "go, cargo, cmake, meson, configure, make or command (default: detected)");
    cmd->add_option("--build-dir", o.build_dir,
                    "where each platform builds, kept between runs (default: ~/.cache/xbuild/cross/<project>)");
}

}  // namespace

std::vector<std::string> split_command_tail(int& argc, char** argv) {
    for (int i = 1; i < argc; i++)
        if (std::string_view(argv[i]) == "--") {
            command_tail().assign(argv + i + 1, argv + argc);
            argc = i;
            break;
        }
    return command_tail();
}

void add_cross_commands(CLI::App& app) {
    auto o = std::make_shared<CrossOptions>();
    CLI::App* cross = app.add_subcommand(
        "cross",
        "build a Go, Rust or C/C++ project for each platform here, with no Dockerfile and no engine\n"
        "(`xbuild build` is a Dockerfile built by BuildKit; this builds the project folder itself)");
    add_common(cross, *o);
    cross
        ->add_option("-o,--output", o->outputs,
                     "type=local,dest=DIR (default DIR: PATH/dist; a folder per platform when several), "
                     "type=oci,dest=FILE[,tar=false],\ntype=docker,dest=FILE (one platform), "
                     "type=image,name=REF,push=true (xbuild.toml's [image] says what the image holds)")
        ->allow_extra_args(false);
    add_registry_flags(cross, o->registry);
    cross->footer(
        "A command after -- is run once per platform in PATH, with the cross environment (TARGET*, GO*,\n"
        "CARGO_*, CC/CXX/AR/PKG_CONFIG and xx-* on PATH); what it writes to $XBUILD_OUTPUT is the result.");
    cross->callback([o] {
        o->command = command_tail();
        run_cross(*o);
    });

    auto t = std::make_shared<CrossOptions>();
    t->test = true;
    CLI::App* test = app.add_subcommand(
        "test",
        "build and run a project's tests for each platform (go test, cargo test, ctest, meson test,\n"
        "make check), foreign ones under QEMU through xx-run");
    add_common(test, *t);
    test->callback([t] {
        t->command = command_tail();
        run_cross(*t);
    });
}

}  // namespace xbuild::cli
