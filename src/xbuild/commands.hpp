// The xbuild subcommands: each adds itself to the command line and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::cli {

// `xbuild dockerfile parse|explain|rewrite`: the Dockerfile tools.
void add_dockerfile_commands(CLI::App& app);

// `xbuild build`: a Dockerfile built with BuildKit for each platform (build_cmd.cpp).
void add_build_command(CLI::App& app);

// `xbuild builder create|ls|inspect|use|rm`: builders of several native nodes (builder_cmd.cpp).
void add_builder_commands(CLI::App& app);

// `xbuild imagetools inspect|create`: images and multi-platform indexes (imagetools_cmd.cpp).
void add_imagetools_commands(CLI::App& app);

// `xbuild manifest create|annotate|inspect|push|rm`: docker manifest's commands (manifest_cmd.cpp).
void add_manifest_commands(CLI::App& app);

// `xbuild layer create|inspect|list|extract`: image layers from and into directories (layer_cmd.cpp).
void add_layer_commands(CLI::App& app);

// `xbuild run`: a binary built for another platform run on this machine, as xx-run (run_cmd.cpp).
void add_run_command(CLI::App& app);

// `xbuild binfmt`: QEMU binfmt_misc handlers, status/--install/--uninstall (binfmt_cmd.cpp).
void add_binfmt_command(CLI::App& app);

// `xbuild cross` and `xbuild test`: standalone cross-builds of a project folder (cross_cmd.cpp).
void add_cross_commands(CLI::App& app);

// `xbuild platforms`: what this machine can build, and how (platforms_cmd.cpp).
void add_platforms_command(CLI::App& app);

// True when the first argument starts the short form `xbuild --platform LIST ...` / `-p LIST`.
inline bool starts_cross_build(std::string_view first) {
    return first == "-p" || first == "--platform" || first.rfind("--platform=", 0) == 0 || first.rfind("-p=", 0) == 0;
}

// Takes what follows `--` off the command line (the command `xbuild cross` runs per platform).
std::vector<std::string> split_command_tail(int& argc, char** argv);

}  // namespace xbuild::cli
