#include "cross_build.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "build_output.hpp"
#include "cross_image.hpp"
#include "cross_runner.hpp"
#include "xbuild/oci/digest.hpp"
#include "xbuild/project/artifacts.hpp"
#include "xbuild/project/config.hpp"
#include "xbuild/project/cross_env.hpp"
#include "xbuild/project/detect.hpp"
#include "xbuild/project/steps.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace {

namespace fs = std::filesystem;
namespace project = xbuild::project;

// Where a project's platforms build, kept between runs so builds are incremental:
// $XDG_CACHE_HOME/xbuild/cross/<folder name>-<hash of its path>.
fs::path default_build_root(const fs::path& project_dir) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path cache = xdg && *xdg ? fs::path(xdg) : fs::path(home && *home ? home : "/tmp") / ".cache";
    const std::string hash = xbuild::oci::sha256_of(project_dir.string()).encoded.substr(0, 12);
    return cache / "xbuild" / "cross" / (project_dir.filename().string() + "-" + hash);
}

struct Plan {
    fs::path project_dir;
    project::Config config;
    project::ProjectKind kind = project::ProjectKind::go;
    std::vector<xbuild::Platform> platforms;
    std::vector<OutputSpec> outputs;
    unsigned jobs = 1;
    bool fail_fast = false;
};

// Everything decided before anything runs; each mistake is a usage failure (status 2).
Plan make_plan(const CrossOptions& o, const std::string& command_name) {
    Plan plan;
    std::error_code ec;
    plan.project_dir = fs::weakly_canonical(fs::absolute(o.path), ec);
    if (!fs::is_directory(plan.project_dir, ec))
        usage_failure(command_name, o.path + ": not a folder (give the project's folder)");
    try {
        if (!o.config.empty()) {
            auto text = xbuild::read_file(o.config);
            if (!text) usage_failure(command_name, o.config + ": cannot read it");
            plan.config = project::parse_config(*text, o.config);
        } else if (auto loaded = project::load_config(plan.project_dir)) {
            plan.config = std::move(*loaded);
        }
    } catch (const project::ConfigError& e) { usage_failure(command_name, e.what()); }
    const project::Config& c = plan.config;

    const std::string platforms = xbuild::join(o.platforms.empty() ? c.platforms : o.platforms, ",");
    try {
        plan.platforms = xbuild::parse_platform_list(platforms.empty() ? "local" : platforms);
    } catch (const xbuild::PlatformError& e) { usage_failure(command_name, std::string("--platform: ") + e.what()); }
    if (plan.platforms.empty()) usage_failure(command_name, "--platform: no platform given");

    const std::string kind = !o.command.empty() ? "command" : !o.kind.empty() ? o.kind : c.kind;
    if (!kind.empty()) {
        auto parsed = project::parse_kind(kind);
        if (!parsed)
            usage_failure(command_name, "--kind " + kind + ": not a kind of project (valid: " +
                                            std::string(project::kind_names()) + ")");
        plan.kind = *parsed;
    } else {
        try {
            plan.kind = project::detect_kind(plan.project_dir);
        } catch (const std::exception& e) { usage_failure(command_name, e.what()); }
    }
    if (plan.kind == project::ProjectKind::command && o.command.empty() && c.command.empty())
        usage_failure(command_name,
                      "kind command needs a command: give it after --, or command = [...] in xbuild.toml");

    if (!o.test) {
        std::vector<std::string> outputs = !o.outputs.empty() ? o.outputs : c.outputs;
        if (outputs.empty()) outputs.push_back("type=local,dest=" + (plan.project_dir / "dist").string());
        try {
            for (const auto& text : outputs) {
                OutputSpec spec = parse_output(text);
                // xbuild.toml's paths are the project's, wherever xbuild runs from.
                if (o.outputs.empty() && !spec.dest.empty() && fs::path(spec.dest).is_relative())
                    spec.dest = (plan.project_dir / spec.dest).string();
                if (spec.type == OutputSpec::Type::tar)
                    throw std::invalid_argument(
                        "-o type=tar: not made by standalone builds; use type=local or type=oci");
                if (spec.type == OutputSpec::Type::image && !spec.push)
                    throw std::invalid_argument(
                        "-o type=image without push=true: there is no engine to load it "
                        "into; add push=true, or use type=oci or type=docker");
                check_output(spec, plan.platforms.size(), spec.push);
                plan.outputs.push_back(std::move(spec));
            }
        } catch (const std::invalid_argument& e) { usage_failure(command_name, e.what()); }
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    plan.jobs = o.jobs.value_or(c.jobs.value_or(cores));
    if (plan.jobs == 0) usage_failure(command_name, "-j 0: give 1 or more platforms at once");
    plan.fail_fast = o.fail_fast || c.fail_fast.value_or(false);
    return plan;
}

// The outputs that are folders or files inside the project, relative to it ("dist").
std::vector<std::string> inside(const fs::path& project_dir, const std::vector<OutputSpec>& outputs) {
    std::vector<std::string> found;
    for (const OutputSpec& spec : outputs) {
        if (spec.dest.empty()) continue;
        const fs::path rel = fs::absolute(spec.dest).lexically_normal().lexically_relative(project_dir);
        if (!rel.empty() && *rel.begin() != "..") found.push_back(rel.generic_string());
    }
    return found;
}

// The image's settings: xbuild.toml's [image], with defaults for where the files go.
ImageRecipe image_recipe(const project::Config& c, project::ProjectKind kind) {
    ImageRecipe r;
    const project::ImageSettings& s = c.image;
    if (!s.base.empty()) r.base = s.base;
    r.path = !s.path.empty()                                                                ? s.path
             : project::installs_into_prefix(kind) || kind == project::ProjectKind::command ? "/"
                                                                                            : "/usr/local/bin";
    r.entrypoint = s.entrypoint;
    r.cmd = s.cmd;
    r.env = s.env;
    r.labels = s.labels;
    r.user = s.user;
    r.workdir = s.workdir;
    r.ports = s.ports;
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) r.created = std::atoll(epoch);
    return r;
}

// The local output: each platform's files in dest (one platform) or dest/<os>_<arch>[_<variant>].
void write_local(const OutputSpec& spec, const std::vector<PlatformRoot>& roots) {
    OutputStage stage(spec);
    const bool split = spec.platform_split.value_or(roots.size() > 1);
    for (const auto& r : roots) {
        const fs::path to = stage.dir() / "out" / (split ? platform_folder(r.platform) : "");
        fs::create_directories(to);
        fs::copy(r.root, to,
                 fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing);
    }
    stage.commit();
}

std::string describe_output(const OutputSpec& spec) {
    switch (spec.type) {
        case OutputSpec::Type::local: return "local " + spec.dest;
        case OutputSpec::Type::oci: return "oci " + spec.dest;
        case OutputSpec::Type::docker: return "docker " + spec.dest;
        default: break;
    }
    return "image " + xbuild::join(spec.names, ", ");
}

}  // namespace

void run_cross(const CrossOptions& o) {
    const std::string command_name = o.test ? "test" : "cross";
    Plan plan = make_plan(o, command_name);
    const auto xx = project::find_xx_binary();
    if (!xx)
        work_failure(
            command_name,
            "the xx helper binary is not next to xbuild nor on PATH (build it: ./x build; it is build/bin/xx)");
    const fs::path root = o.build_dir.empty() ? default_build_root(plan.project_dir) : fs::absolute(o.build_dir);

    // Each platform: its folder, tools, a fresh stage, its steps.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned inner_jobs =
        std::max(1u, cores / std::max(1u, std::min<unsigned>(plan.jobs, static_cast<unsigned>(plan.platforms.size()))));
    std::vector<PlatformJob> jobs;
    std::vector<project::StepPlan> step_plans;
    std::vector<fs::path> stages;
    for (const auto& platform : plan.platforms) {
        const fs::path dir = root / platform_folder(platform);
        const fs::path stage = dir / (o.test ? "test-stage" : "stage");
        try {
            fs::create_directories(dir);
            fs::remove_all(stage);
            fs::create_directories(stage);
            project::CrossOptions cross_options {.cgo = plan.config.go.cgo};
            const project::CrossSetup setup =
                project::prepare_cross(platform, (dir / "tools").string(), *xx, cross_options);
            project::StepContext ctx {.kind = plan.kind,
                                      .config = plan.config,
                                      .source = plan.project_dir,
                                      .build_dir = dir,
                                      .stage = stage,
                                      .cross = setup,
                                      .jobs = inner_jobs,
                                      .command = o.command,
                                      .skip_in_copy = inside(plan.project_dir, plan.outputs),
                                      .test = o.test};
            project::StepPlan steps = project::plan_steps(ctx);
            jobs.push_back({platform, steps.steps, setup.env, dir / (o.test ? "test.log" : "build.log")});
            step_plans.push_back(std::move(steps));
            stages.push_back(stage);
        } catch (const xbuild::UnsupportedTarget& e) {
            usage_failure(command_name, platform.str() + ": " + e.what());
        } catch (const std::invalid_argument& e) { usage_failure(command_name, platform.str() + ": " + e.what()); }
    }

    // Collect, filter and check a platform's results once its steps succeeded.
    std::vector<std::vector<project::Artifact>> listings(jobs.size());
    auto finish = [&](std::size_t i) -> std::string {
        if (o.test) return "";
        const project::Collect& collect = step_plans[i].collect;
        if (collect.from == project::Collect::From::programs) project::collect_programs(collect.dir, stages[i]);
        if (collect.from == project::Collect::From::tree && fs::is_empty(stages[i]))
            project::collect_objects(collect.dir, stages[i]);
        project::filter_artifacts(stages[i], plan.config.artifacts.include, plan.config.artifacts.exclude);
        auto listing = project::verify_artifacts(stages[i], jobs[i].platform);
        listings[i] = listing.files;
        if (listing.files.empty()) return "the build left nothing to collect (no program, nothing installed)";
        return listing.problems.empty() ? "" : "wrong platform: " + xbuild::join(listing.problems, "; ");
    };

    std::fprintf(stderr, "xbuild %s: %s project %s for %zu platform%s (%u at once); logs in %s\n", command_name.c_str(),
                 std::string(project::to_string(plan.kind)).c_str(), plan.project_dir.c_str(), plan.platforms.size(),
                 plan.platforms.size() == 1 ? "" : "s", std::min<unsigned>(plan.jobs, plan.platforms.size()),
                 root.c_str());
    CrossRunner runner(jobs, {.jobs = plan.jobs, .fail_fast = plan.fail_fast, .progress = o.progress});
    const std::vector<PlatformResult> results = runner.run(finish);

    // The summary: a line per platform, and the end of a failing one's output.
    bool failed = false;
    for (std::size_t i = 0; i < results.size(); i++) {
        const PlatformResult& r = results[i];
        const std::string name = jobs[i].platform.str();
        if (r.state == PlatformResult::State::done) {
            std::string files;
            for (const auto& a : listings[i])
                if (!a.description.empty()) files += (files.empty() ? "" : ", ") + a.path;
            std::printf("%-16s ok      %6.1f s  %s\n", name.c_str(), r.seconds,
                        o.test ? "tests passed"
                               : (std::to_string(listings[i].size()) + (listings[i].size() == 1 ? " file" : " files") +
                                  (files.empty() ? "" : ": " + files))
                                     .c_str());
            continue;
        }
        failed = true;
        if (r.state == PlatformResult::State::cancelled) {
            std::printf("%-16s stopped %6.1f s  %s\n", name.c_str(), r.seconds,
                        r.message.empty() ? "not started: another platform failed (--fail-fast)" : r.message.c_str());
            continue;
        }
        std::printf("%-16s FAILED  %6.1f s  %s\n", name.c_str(), r.seconds, r.message.c_str());
        std::fprintf(stderr, "---- %s: last lines of %s\n", name.c_str(), jobs[i].log.c_str());
        for (const auto& line : r.tail) std::fprintf(stderr, "  %s\n", line.c_str());
        std::fprintf(stderr, "----\n");
    }
    std::fflush(stdout);
    if (failed) {
        std::fprintf(stderr, "xbuild %s: %s\n", command_name.c_str(),
                     o.test ? "tests failed" : "a platform failed; no output was written");
        throw CLI::RuntimeError(1);
    }
    if (o.test) return;

    std::vector<PlatformRoot> roots;
    for (std::size_t i = 0; i < jobs.size(); i++) roots.push_back({jobs[i].platform, stages[i]});
    for (const OutputSpec& spec : plan.outputs) {
        try {
            if (spec.type == OutputSpec::Type::local) {
                write_local(spec, roots);
            } else {
                xbuild::registry::Client client(client_options(o.registry));
                const CrossImageResult image =
                    write_cross_image(spec, image_recipe(plan.config, plan.kind), roots, client);
                if (!image.index_digest.empty())
                    std::printf("%s: %s\n", describe_output(spec).c_str(), image.index_digest.c_str());
                continue;
            }
        } catch (const CLI::RuntimeError&) { throw; } catch (const std::exception& e) {
            work_failure(command_name, describe_output(spec) + ": " + e.what());
        }
        std::printf("%s\n", describe_output(spec).c_str());
    }
}

}  // namespace xbuild::cli
