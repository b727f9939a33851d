// xbuild: cross-build Go, Rust and C/C++ projects and Dockerfiles for many platforms.
#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "interrupt.hpp"

int main(int argc, char** argv) {
    xbuild::cli::install_interrupt_cleanup();
    // `xbuild --platform LIST [PATH] [-- CMD]`, the design's short form, is `xbuild cross ...`.
    std::vector<char*> args(argv, argv + argc);
    if (argc > 1 && xbuild::cli::starts_cross_build(argv[1])) args.insert(args.begin() + 1, const_cast<char*>("cross"));
    argc = static_cast<int>(args.size());
    argv = args.data();
    // The command after `--` is `xbuild cross`'s, not options for CLI11 (`xbuild run` takes its own).
    if (argc > 1 && (std::string_view(argv[1]) == "cross" || std::string_view(argv[1]) == "test"))
        xbuild::cli::split_command_tail(argc, argv);
    CLI::App app {"xbuild: native-speed cross compilation for container and local builds"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "xbuild 0.1.0");
    xbuild::cli::add_dockerfile_commands(app);
    xbuild::cli::add_build_command(app);
    xbuild::cli::add_builder_commands(app);
    xbuild::cli::add_imagetools_commands(app);
    xbuild::cli::add_manifest_commands(app);
    xbuild::cli::add_layer_commands(app);
    xbuild::cli::add_run_command(app);
    xbuild::cli::add_binfmt_command(app);
    xbuild::cli::add_cross_commands(app);
    xbuild::cli::add_platforms_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Command-line mistakes exit 2; RuntimeError carries a command's own status.
        const int status = app.exit(e);
        return xbuild::cli::finish(status == 0 || dynamic_cast<const CLI::RuntimeError*>(&e) ? status : 2);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xbuild: %s\n", e.what());
        return xbuild::cli::finish(1);
    }
    return xbuild::cli::finish(0);
}
