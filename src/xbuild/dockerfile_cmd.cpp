// `xbuild dockerfile ...`: the Dockerfile tools.
//   parse   [-f FILE] [--format json|text]   the parsed Dockerfile (the AST with line numbers)
//   explain [-f FILE] [--platform LIST] [--build-arg NAME=VALUE]... [--target STAGE]
//           per stage: where it runs, why, what changes; then the plan's warnings
//   rewrite [-f FILE] [--platform LIST] [--build-arg NAME=VALUE]... [--target STAGE] [--xx-image REF] [-o OUT]
//           the rewritten Dockerfile
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dockerfile_json.hpp"
#include "xbuild/dockerfile/parser.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/dockerfile/rewrite.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/strings.hpp"

#include <cstdlib>
#include <unistd.h>

namespace xbuild::cli {

namespace {

struct ParseOptions {
    std::string file = "Dockerfile";
    std::string format = "text";
};

// The file's text; "-" is standard input. Says which file could not be read.
std::string read_text(const std::string& path) {
    if (path == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": no such file (give one with -f FILE)");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// One line per instruction: its lines, keyword, flags and text.
void print_text(const xbuild::dockerfile::Dockerfile& file) {
    for (const auto& d : file.directives) std::printf("%d\t# %s=%s\n", d.line, d.name.c_str(), d.value.c_str());
    for (const auto& in : file.instructions) {
        std::string flags;
        for (const auto& f : in.flags) flags += "--" + f.name + (f.value ? "=" + *f.value : "") + " ";
        std::string lines = std::to_string(in.first_line);
        if (in.last_line != in.first_line) lines += "-" + std::to_string(in.last_line);
        std::printf("%s\t%s %s%s\n", lines.c_str(), in.keyword.c_str(), flags.c_str(), in.text.c_str());
    }
}

void run_parse(const ParseOptions& o) {
    const std::string text = read_text(o.file);
    const auto name = o.file == "-" ? std::string("Dockerfile") : o.file;
    const auto file = xbuild::dockerfile::parse(text, name);
    if (o.format == "json") std::cout << to_json(file).dump(2) << "\n";
    else print_text(file);
}

struct PlanCommandOptions {
    std::string file = "Dockerfile";
    std::string platforms;
    std::vector<std::string> build_args;  // NAME=VALUE, or NAME (its value from the environment)
    std::string target;
    std::string xx_image = "xbuild/xx";
    std::string output;
};

namespace df = xbuild::dockerfile;

// The planner's options from the command line, as `docker build` reads them: --platform is a
// comma-separated list (none: this machine's); --build-arg NAME=VALUE, or NAME alone for the
// value of $NAME (ignored when unset). Mistakes are command-line errors (exit 2).
df::PlanOptions plan_options(const PlanCommandOptions& o) {
    df::PlanOptions plan {.enabled = true, .target_stage = o.target, .filename = o.file};
    if (!o.platforms.empty()) {
        try {
            plan.platforms = xbuild::parse_platform_list(o.platforms);
        } catch (const xbuild::PlatformError& e) { throw CLI::ValidationError("--platform", e.what()); }
    }
    for (const auto& arg : o.build_args) {
        const auto eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        if (name.empty() || name.find_first_of(" \t") != std::string::npos)
            throw CLI::ValidationError("--build-arg",
                                       "'" + arg + "' is not NAME=VALUE (or NAME, for the value of $NAME)");
        if (eq != std::string::npos) plan.build_args[name] = arg.substr(eq + 1);
        else if (const char* value = std::getenv(name.c_str())) plan.build_args[name] = value;
    }
    return plan;
}

// The plan's warnings: "warnings:", then each line and its fix.
void print_warnings(const df::Plan& plan) {
    if (plan.warnings.empty()) return;
    std::printf("\nwarnings:\n");
    for (const auto& w : plan.warnings) {
        std::printf("  line %d: %s\n", w.line, w.message.c_str());
        if (!w.fix.empty()) std::printf("    fix: %s\n", w.fix.c_str());
    }
}

void run_explain(const PlanCommandOptions& o) {
    const auto options = plan_options(o);
    const std::string text = read_text(o.file);
    const auto file = df::parse(text, o.file == "-" ? "Dockerfile" : o.file);
    const auto platforms = options.platforms.empty() ? xbuild::parse_platform_list("local") : options.platforms;
    std::vector<std::string> names;
    for (const auto& p : platforms) names.push_back(p.str());
    const auto plan = df::plan_stages(text, file, options);
    std::printf("%s for %s: %s\n", o.file.c_str(), xbuild::join(names, ", ").c_str(),
                plan.any_cross() ? "cross stages build on the build machine, the rest on each target"
                                 : "nothing to rewrite: every stage runs as written");
    for (const auto& s : plan.stages) {
        std::string label = "stage " + std::to_string(s.index) + (s.name.empty() ? "" : " (" + s.name + ")");
        std::printf("\n%s, line %d: %s\n  why: %s\n", label.c_str(), s.from_line,
                    std::string(df::mode_name(s.mode)).c_str(), s.reason.c_str());
        if (s.mode == df::StageMode::cross) {
            std::vector<std::string> added;
            added.push_back(s.pin_platform ? "FROM --platform=$BUILDPLATFORM"
                                           : "the build machine's platform from its base stage");
            if (s.add_helpers) added.push_back("the helpers copied in");
            if (s.target_args_at != std::string::npos)
                added.push_back("ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT before line " +
                                std::to_string(s.target_args_line) + " (the steps above are shared by every platform)");
            std::printf("  %s\n", xbuild::join(added, "; ").c_str());
        }
        for (const auto& e : s.edits) std::printf("  %s\n", e.why.c_str());
    }
    print_warnings(plan);
}

void run_rewrite(const PlanCommandOptions& o) {
    const auto options = plan_options(o);
    const std::string text = read_text(o.file);
    const auto file = df::parse(text, o.file == "-" ? "Dockerfile" : o.file);
    const auto plan = df::plan_stages(text, file, options);
    const auto out = df::rewrite(text, file, plan, {.xx_image = o.xx_image, .strip_syntax = false});
    if (o.output.empty() || o.output == "-") std::fwrite(out.text.data(), 1, out.text.size(), stdout);
    else xbuild::write_file_atomically(o.output, out.text);
}

}  // namespace

void add_dockerfile_commands(CLI::App& app) {
    CLI::App* dockerfile = app.add_subcommand("dockerfile", "Dockerfile tools: parse, explain, rewrite");
    dockerfile->require_subcommand(1);

    auto parse_opts = std::make_shared<ParseOptions>();
    CLI::App* parse = dockerfile->add_subcommand("parse", "print the parsed Dockerfile with its line numbers");
    parse->add_option("-f,--file", parse_opts->file, "the Dockerfile ('-' reads standard input)")
        ->capture_default_str();
    parse->add_option("--format", parse_opts->format, "output: text (a line per instruction) or json (the AST)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    parse->callback([parse_opts] { run_parse(*parse_opts); });

    auto plan_opts = std::make_shared<PlanCommandOptions>();
    auto add_common = [&](CLI::App* cmd) {
        cmd->add_option("-f,--file", plan_opts->file, "the Dockerfile ('-' reads standard input)")
            ->capture_default_str();
        cmd->add_option("--target", plan_opts->target, "the stage to build (default: the last)");
        cmd->add_option("--platform", plan_opts->platforms,
                        "target platforms, comma-separated, as docker build --platform (default: this machine's)");
        cmd->add_option("--build-arg", plan_opts->build_args,
                        "a build argument, NAME=VALUE or NAME (the value of $NAME, ignored when unset); repeatable")
            ->allow_extra_args(false);
    };
    CLI::App* explain =
        dockerfile->add_subcommand("explain", "each stage: where it runs (cross or target), why, and what changes");
    add_common(explain);
    explain->callback([plan_opts] { run_explain(*plan_opts); });

    CLI::App* rewrite = dockerfile->add_subcommand(
        "rewrite", "print the Dockerfile with the cross stages rewritten (commit it and build without the frontend)");
    add_common(rewrite);
    rewrite->add_option("--xx-image", plan_opts->xx_image, "the image that provides the xx helpers")
        ->capture_default_str();
    rewrite->add_option("-o,--output", plan_opts->output, "write to this file (atomically) instead of standard output");
    rewrite->callback([plan_opts] { run_rewrite(*plan_opts); });
}

}  // namespace xbuild::cli
