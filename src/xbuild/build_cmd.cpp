// `xbuild build [-f Dockerfile] [--platform LIST] [-t NAME] CONTEXT`: the Dockerfile built by
// BuildKit once per platform, with the xbuild frontend, a progress line per platform, and an
// image per platform tagged NAME:TAG-linux-arm64 (build_tags.hpp).
//
// One build per platform because the Docker Engine's 20.10 image store keeps one platform per
// tag. With --push, once every platform is pushed, one index of them is pushed as NAME:TAG
// (image_index.hpp): the multi-platform image `docker pull` serves each machine from.
// Exit status: 0 every platform built, 1 some failed (the others are still reported), 2 nothing
// was built because the command line or the set-up is wrong.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "build_engine.hpp"
#include "builder_nodes.hpp"
#include "build_output.hpp"
#include "build_progress.hpp"
#include "build_tags.hpp"
#include "build_view.hpp"
#include "commands.hpp"
#include "image_index.hpp"
#include "registry_flags.hpp"
#include "xbuild/dockerfile/parser.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace {

namespace fs = std::filesystem;

// The image `--frontend` defaults to (after XBUILD_FRONTEND): what `frontend/build-image.sh --push`
// builds and pushes to a registry on this machine.
constexpr const char* kDefaultFrontend = "127.0.0.1:5000/xbuild/frontend:dev";

struct BuildOptions {
    std::string context;
    std::string file;
    std::string platforms;
    std::vector<std::string> tags;
    std::vector<std::string> build_args;
    std::string target;
    bool no_cache = false;
    bool push = false;
    std::string frontend;
    bool no_frontend = false;
    std::string builder;  // "" for the current builder (xbuild builder use), else docker
    std::string buildkit_addr;
    std::string docker;
    int jobs = 1;
    std::string progress = "auto";
    RegistryFlags registry;
    std::vector<std::string> outputs;  // -o
    bool load = false;
    std::vector<std::string> cache_from, cache_to;
};

// A mistake on the command line or in the set-up: reported, nothing built, exit status 2.
[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "xbuild build: %s\n", message.c_str());
    throw CLI::RuntimeError(2);
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

// The Dockerfile's own `# syntax=` directive, "" when it has none.
std::string syntax_directive(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        for (const auto& d : xbuild::dockerfile::parse(text.str(), path).directives)
            if (xbuild::to_lower(d.name) == "syntax") return d.value;
    } catch (const std::exception&) {
        // A Dockerfile our parser refuses still goes to BuildKit, whose error the user gets.
    }
    return {};
}

// --build-arg KEY (no value) takes KEY from the environment, as docker does; dropped when unset.
std::vector<std::string> resolved_build_args(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        if (a.find('=') != std::string::npos) out.push_back(a);
        else if (const char* v = std::getenv(a.c_str())) out.push_back(a + "=" + v);
    }
    return out;
}

// One platform's build: its commands, run in order, and what they printed.
struct PlatformJob {
    xbuild::Platform platform;
    std::vector<std::string> tags;
    std::vector<xbuild::Command> steps;
    std::size_t next = 0;
    std::optional<xbuild::Process> child;  // the running step: output and error through one pipe
    BuildProgress progress;
    std::string iidfile;
    std::string exported;  // -o type=local|tar: where the files went (no image in the engine)
    enum class State { waiting, running, ok, failed } state = State::waiting;
    std::string failure;  // what failed, for the summary
    std::chrono::steady_clock::time_point started {}, ended {};
};

long seconds(const PlatformJob& j) {
    return std::chrono::duration_cast<std::chrono::seconds>(j.ended - j.started).count();
}

// Starts the job's next command; false (and the job failed) when it cannot be started.
bool start_next(PlatformJob& j, std::size_t index, BuildView& view) {
    const auto& cmd = j.steps[j.next];
    try {
        j.child = xbuild::Process::start(cmd.argv, {.env_changes = cmd.env,
                                                    .in = xbuild::Stdio::null,
                                                    .out = xbuild::Stdio::pipe,
                                                    .err = xbuild::Stdio::to_stdout});
    } catch (const std::exception& e) {
        j.state = PlatformJob::State::failed;
        j.failure = e.what();
        j.ended = std::chrono::steady_clock::now();
        view.update(index, "FAILED: " + j.failure, false);
        return false;
    }
    if (cmd.argv.size() > 1 && cmd.argv[1] == "push") {
        j.progress.set_step("pushing " + cmd.argv.back());
        view.update(index, j.progress.step(), true);
    }
    return true;
}

// ": <the log's last line>" when it says something (e.g. the daemon could not be reached).
std::string last_words(const BuildProgress& p) {
    std::string tail = p.tail(1);
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    return tail.empty() ? "" : ": " + tail;
}

// The child of job `index` closed its output: the next command, or the job's end.
void child_finished(PlatformJob& j, std::size_t index, BuildView& view) {
    const int status = j.child->wait();
    j.child.reset();
    const auto& cmd = j.steps[j.next];
    if (status != 0) {
        j.state = PlatformJob::State::failed;
        j.ended = std::chrono::steady_clock::now();
        const bool push = cmd.argv.size() > 1 && cmd.argv[1] == "push";
        if (push) j.failure = "pushing " + cmd.argv.back() + " failed (exit status " + std::to_string(status) + ")";
        else if (!j.progress.error().empty()) j.failure = j.progress.error();
        else j.failure = "the build failed (exit status " + std::to_string(status) + ")" + last_words(j.progress);
        view.update(index, "FAILED: " + j.failure, false);
        return;
    }
    if (++j.next < j.steps.size()) {
        start_next(j, index, view);
        return;
    }
    j.state = PlatformJob::State::ok;
    j.ended = std::chrono::steady_clock::now();
    view.update(index, "done (" + std::to_string(seconds(j)) + " s)", false);
}

// Runs every job, `jobs` at a time, until all have ended.
void run_jobs(std::vector<PlatformJob>& all, int jobs, BuildView& view) {
    for (;;) {
        int running = 0;
        for (const auto& j : all) running += j.state == PlatformJob::State::running;
        for (std::size_t i = 0; i < all.size() && running < jobs; ++i) {
            auto& j = all[i];
            if (j.state != PlatformJob::State::waiting) continue;
            j.state = PlatformJob::State::running;
            j.started = std::chrono::steady_clock::now();
            view.update(i, "starting", true);
            if (start_next(j, i, view)) ++running;
        }
        if (running == 0) return;

        std::vector<pollfd> fds;
        std::vector<std::size_t> owners;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (all[i].child && all[i].child->output_open()) {
                fds.push_back({all[i].child->out_fd(), POLLIN, 0});
                owners.push_back(i);
            }
        ::poll(fds.data(), fds.size(), 250);
        for (std::size_t k = 0; k < fds.size(); ++k) {
            if (!fds[k].revents) continue;
            auto& j = all[owners[k]];
            for (const auto& line : j.child->read_lines())
                if (j.progress.feed(line)) view.update(owners[k], j.progress.step(), true);
            if (!j.child->output_open()) child_finished(j, owners[k], view);
        }
        view.tick();
    }
}

// The per-platform result lines (standard output), then each failure's log tail (standard error).
int report(const std::vector<PlatformJob>& all) {
    std::size_t width = 0;
    for (const auto& j : all) width = std::max(width, j.platform.str().size());
    int failed = 0;
    for (const auto& j : all) {
        std::string name = j.platform.str();
        name.resize(width, ' ');
        if (j.state == PlatformJob::State::ok) {
            std::string what = xbuild::join(j.tags, " ");
            if (what.empty() && !j.exported.empty()) {
                what = "exported to " + j.exported;
            } else if (what.empty()) {
                std::ifstream iid(j.iidfile);
                std::getline(iid, what);
                what = what.empty() ? "built (untagged: give -t NAME)" : what + " (untagged: give -t NAME)";
            }
            std::printf("%s  ok      %s  (%ld s)\n", name.c_str(), what.c_str(), seconds(j));
        } else {
            ++failed;
            std::printf("%s  FAILED  %s  (%ld s)\n", name.c_str(), j.failure.c_str(), seconds(j));
        }
    }
    std::fflush(stdout);
    for (const auto& j : all) {
        if (j.state == PlatformJob::State::ok) continue;
        std::fprintf(stderr, "\n%s: %s; the end of its log:\n", j.platform.str().c_str(), j.failure.c_str());
        std::istringstream tail(j.progress.tail(25));
        for (std::string line; std::getline(tail, line);)
            if (!line.empty()) std::fprintf(stderr, "    %s\n", line.c_str());
    }
    if (failed) std::fprintf(stderr, "\nxbuild build: %d of %zu platforms failed\n", failed, all.size());
    return failed ? 1 : 0;
}

// --push: every platform's image is in the registry under its own tag; one index per -t NAME joins
// them, so `docker pull NAME` gets each machine its own platform.
void push_indexes(const BuildOptions& o, const std::vector<xbuild::Platform>& platforms) {
    xbuild::registry::Client client(client_options(o.registry));
    std::size_t width = 0;  // as report()'s lines
    for (const auto& p : platforms) width = std::max(width, p.str().size());
    std::string label = "index";
    label.resize(std::max(width, label.size()), ' ');
    int failed = 0;
    for (const auto& name : o.tags) {
        try {
            IndexRequest r;
            r.targets.push_back(xbuild::registry::parse_reference(name));
            for (const auto& p : platforms)
                r.sources.push_back(xbuild::registry::parse_reference(platform_tag(name, p)));
            const IndexResult out = write_index(client, r);
            std::printf("%s  pushed  %s  %s\n", label.c_str(),
                        xbuild::registry::parse_reference(name).familiar().c_str(), out.digest.str().c_str());
        } catch (const std::exception& e) {
            std::printf("%s  FAILED  %s\n", label.c_str(), name.c_str());
            std::fprintf(stderr, "xbuild build: the multi-platform index %s: %s\n", name.c_str(), e.what());
            ++failed;
        }
    }
    std::fflush(stdout);
    if (failed) throw CLI::RuntimeError(1);
}

// -o type=oci/docker: each platform's image from the engine, joined by xbuild in the stage.
void export_images(const OutputSpec& output, OutputStage& stage, const std::vector<PlatformJob>& jobs,
                   const std::vector<Engine>& engines, const std::string& tmp) {
    std::vector<PlatformImage> images;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const auto& j = jobs[i];
        const auto& engine = engines[i];  // the node that built it keeps its image
        PlatformImage image {j.platform, fs::path(tmp) / (platform_suffix(j.platform) + ".tar"), false};
        if (engine.kind == Engine::Kind::buildkit) {
            image.oci_layout_tar = true;
        } else {
            std::string id;
            std::ifstream iid(j.iidfile);
            std::getline(iid, id);
            if (id.empty()) usage_error("-o: the engine gave no image ID for " + j.platform.str());
            auto save = engine.client();
            save.insert(save.end(), {"save", "-o", image.archive.string(), id});
            const auto saved = xbuild::capture_program(save);
            if (saved.status != 0) {
                std::fprintf(stderr, "xbuild build: -o: docker save %s failed (exit status %d)\n", id.c_str(),
                             saved.status);
                throw CLI::RuntimeError(1);
            }
        }
        images.push_back(image);
    }
    assemble_output(output, images, stage);
}

// --load with the Docker Engine: the one platform's image is in the engine already; it gets the
// names as given (NAME:TAG, not NAME:TAG-linux-arm64), as buildx --load tags it.
void load_tags(const BuildOptions& o, const PlatformJob& j, const Engine& engine) {
    std::string id;
    std::ifstream iid(j.iidfile);
    std::getline(iid, id);
    for (const auto& name : o.tags) {
        auto tag = engine.client();
        tag.insert(tag.end(), {"tag", id, name});
        const auto tagged = xbuild::capture_program(tag);
        if (tagged.status != 0) {
            std::fprintf(stderr, "xbuild build: --load: docker tag %s %s failed\n", id.c_str(), name.c_str());
            throw CLI::RuntimeError(1);
        }
    }
}

void run_build(BuildOptions o) {
    // What to build: a context folder and a Dockerfile (CONTEXT/Dockerfile unless -f).
    if (o.context.empty())
        usage_error("no build context: give its folder, e.g. `xbuild build --platform linux/arm64 .`");
    if (!fs::is_directory(o.context)) usage_error("the build context '" + o.context + "' is not a folder");
    const std::string dockerfile = o.file.empty() ? (fs::path(o.context) / "Dockerfile").string() : o.file;
    if (!fs::is_regular_file(dockerfile))
        usage_error(
            "no Dockerfile at " + dockerfile +
            (o.file.empty()
                 ? " (give one with -f FILE; building Go, Rust or C projects without a Dockerfile is not supported yet)"
                 : ""));

    std::vector<xbuild::Platform> platforms;
    try {
        platforms = xbuild::parse_platform_list(o.platforms.empty() ? "local" : o.platforms);
    } catch (const xbuild::PlatformError& e) { usage_error(std::string("--platform: ") + e.what()); }
    if (platforms.empty()) usage_error("--platform: no platform given");
    if (o.jobs < 1) usage_error("--jobs must be 1 or more");
    if (o.no_frontend && !o.frontend.empty()) usage_error("--frontend and --no-frontend contradict each other");
    std::optional<OutputSpec> output;
    if (o.outputs.size() > 1) usage_error("-o: one output at a time");
    if (!o.outputs.empty()) {
        try {
            output = parse_output(o.outputs.front());
            if (output->type == OutputSpec::Type::image) {  // the same as -t NAME [--push]
                o.tags.insert(o.tags.end(), output->names.begin(), output->names.end());
                o.push = o.push || output->push;
                output.reset();
            } else {
                check_output(*output, platforms.size(), o.push);
                if (output->names.empty()) output->names = o.tags;
            }
        } catch (const std::invalid_argument& e) { usage_error(e.what()); }
    }
    if (o.push && o.tags.empty()) usage_error("--push needs an image name: -t NAME");
    if (o.load && platforms.size() > 1)
        usage_error("--load takes one platform (the engine keeps one per tag); for " +
                    std::to_string(platforms.size()) + " use --push (one index) or -o type=oci,dest=FILE");
    if (o.load && o.tags.empty()) usage_error("--load needs an image name: -t NAME");

    std::vector<std::vector<std::string>> tags(platforms.size());
    for (std::size_t i = 0; i < platforms.size(); ++i)
        for (const auto& name : o.tags) {
            try {
                tags[i].push_back(platform_tag(name, platforms[i]));
            } catch (const std::invalid_argument& e) { usage_error(std::string("-t: ") + e.what()); }
        }

    // Who builds: a configured builder's nodes (one engine per platform), else one engine for all.
    const std::string docker = o.docker.empty() ? env_or("XBUILD_DOCKER", "") : o.docker;
    const bool buildkit = o.builder == "buildkit" || !o.buildkit_addr.empty();
    std::optional<NodePlan> nodes;
    Engine engine;
    try {
        nodes = plan_builder(o.builder, !o.buildkit_addr.empty(), platforms, docker);
        if (nodes) {
            engine = nodes->engines.front();
        } else if (buildkit) {
            const std::string addr = o.buildkit_addr.empty() ? env_or("BUILDKIT_HOST", "") : o.buildkit_addr;
            if (addr.empty())
                usage_error("--builder buildkit needs the daemon's address: --buildkit-addr ADDR (or BUILDKIT_HOST)");
            engine = find_buildctl(addr);
        } else {
            engine = find_docker(docker);
        }
    } catch (const EngineError& e) { usage_error(e.what()); }
    const std::vector<Engine> engines = nodes ? nodes->engines : std::vector<Engine>(platforms.size(), engine);
    for (const auto& e : engines)
        if (e.kind == Engine::Kind::buildkit) engine = e;  // the checks below hold for every node
    if (o.load && engine.kind == Engine::Kind::buildkit)
        usage_error("--load with --builder buildkit: use -o type=docker,dest=FILE, then docker load -i FILE");
    if (engine.kind == Engine::Kind::buildkit && output && assembled(*output) && !o.tags.empty())
        usage_error("--builder buildkit takes one output: -o type=" +
                    std::string(output->type == OutputSpec::Type::oci ? "oci" : "docker") + " or -t NAME, not both");
    std::vector<CacheFlags> cache;
    try {
        for (const auto& e : engines) cache.push_back(cache_flags(e, o.cache_from, o.cache_to));
    } catch (const std::invalid_argument& e) { usage_error(e.what()); }

    // The frontend: the Dockerfile's own `# syntax=`, else --frontend through BUILDKIT_SYNTAX.
    const std::string own_syntax = syntax_directive(dockerfile);
    std::string syntax, frontend_note;
    if (o.no_frontend) frontend_note = "no frontend (--no-frontend)";
    else if (!own_syntax.empty()) frontend_note = "the Dockerfile's own frontend " + own_syntax;
    else {
        syntax = o.frontend.empty() ? env_or("XBUILD_FRONTEND", kDefaultFrontend) : o.frontend;
        frontend_note = "frontend " + syntax;
    }

    std::vector<std::string> names;
    for (const auto& p : platforms) names.push_back(p.str());
    if (nodes)
        std::fprintf(stderr, "xbuild build: %s with builder %s: %s; %s\n", dockerfile.c_str(), nodes->builder.c_str(),
                     nodes->describe.c_str(), frontend_note.c_str());
    else
        std::fprintf(stderr, "xbuild build: %s for %s with %s, %s\n", dockerfile.c_str(),
                     xbuild::join(names, ", ").c_str(), engine.describe().c_str(), frontend_note.c_str());

    // A private folder for the engine's image ID files.
    std::string tmp = (fs::temp_directory_path() / "xbuild-build.XXXXXX").string();
    if (!::mkdtemp(tmp.data())) tmp.clear();
    std::optional<RemoveOnInterrupt> tmp_guard;
    if (!tmp.empty()) tmp_guard.emplace(tmp);
    struct Cleanup {
        std::string dir;
        ~Cleanup() {
            std::error_code ec;
            if (!dir.empty()) fs::remove_all(dir, ec);
        }
    } cleanup {tmp};

    std::optional<OutputStage> stage;
    if (output) stage.emplace(*output);
    std::vector<PlatformJob> jobs(platforms.size());
    const auto build_args = resolved_build_args(o.build_args);
    for (std::size_t i = 0; i < platforms.size(); ++i) {
        auto& j = jobs[i];
        const Engine& engine = engines[i];
        j.platform = platforms[i];
        j.tags = tags[i];
        BuildRequest r {.context = o.context,
                        .dockerfile = dockerfile,
                        .platform = platforms[i],
                        .tags = tags[i],
                        .build_args = build_args,
                        .target = o.target,
                        .syntax = syntax,
                        .no_cache = o.no_cache,
                        .push = o.push,
                        .iidfile = {}};
        if (engine.kind == Engine::Kind::docker && !tmp.empty())
            r.iidfile = j.iidfile = tmp + "/" + platform_suffix(platforms[i]) + ".iid";
        if (stage) {
            r.output = stage->engine_output(platforms[i], platforms.size() > 1);
            // BuildKit's local and tar exporters make no image: the engine has no ID to write.
            if (!r.output.empty()) {
                r.iidfile = j.iidfile = {};
                j.exported = output->dest;
            }
            // buildctl hands over an OCI layout tar; the Docker Engine's image is saved afterwards.
            if (r.output.empty() && engine.kind == Engine::Kind::buildkit)
                r.output = "type=oci,dest=" + tmp + "/" + platform_suffix(platforms[i]) + ".tar";
        }
        r.cache = cache[i];
        j.steps = build_commands(engine, r);
    }

    BuildView view(o.progress, nodes ? nodes->labels : names);
    run_jobs(jobs, o.jobs, view);
    view.finish();
    if (const int status = report(jobs); status != 0) throw CLI::RuntimeError(status);
    if (o.push) push_indexes(o, platforms);
    if (o.load) load_tags(o, jobs.front(), engines.front());
    if (stage) {
        try {
            if (assembled(*output)) export_images(*output, *stage, jobs, engines, tmp);
            stage->commit();
        } catch (const CLI::Error&) { throw; } catch (const std::exception& e) {
            std::fprintf(stderr, "xbuild build: -o %s: %s\n", output->dest.c_str(), e.what());
            throw CLI::RuntimeError(1);
        }
        std::fprintf(stderr, "xbuild build: wrote %s\n", output->dest.c_str());
    }
}

}  // namespace

void add_build_command(CLI::App& app) {
    auto o = std::make_shared<BuildOptions>();
    CLI::App* build = app.add_subcommand(
        "build",
        "build a Dockerfile with BuildKit for each platform, through the xbuild frontend\n"
        "One build per platform, each image tagged NAME:TAG-<os>-<arch>[-<variant>] (NAME:<os>-<arch>... when NAME "
        "has\n"
        "no tag), e.g. -t reg:5000/app:1.0 --platform linux/amd64,linux/arm/v7 gives reg:5000/app:1.0-linux-amd64 and\n"
        "reg:5000/app:1.0-linux-arm-v7. Exit status: 0 all built, 1 some platform failed, 2 usage or set-up error.\n"
        "A project folder without a Dockerfile (go.mod, Cargo.toml, CMakeLists.txt, ...) is built here, with no "
        "engine,\n"
        "by `xbuild cross`.");
    build->add_option("context", o->context, "the build context: a folder");
    build->add_option("-f,--file", o->file, "the Dockerfile (default: CONTEXT/Dockerfile)");
    build->add_option("--platform", o->platforms, "target platforms, comma-separated (default: this machine's)");
    build
        ->add_option("-t,--tag", o->tags,
                     "image name NAME[:TAG]; each platform's image is tagged NAME:[TAG-]linux-arm64 etc.")
        ->allow_extra_args(false);  // one value per -t: `-t NAME .` leaves `.` as the context
    build->add_option("--build-arg", o->build_args, "KEY=VALUE (KEY alone: from the environment)")
        ->allow_extra_args(false);
    build->add_option("--target", o->target, "the stage to build (default: the last)");
    build->add_flag("--no-cache", o->no_cache, "do not use the build cache");
    build->add_flag(
        "--push", o->push,
        "push each platform's tag, then one multi-platform index of them as NAME[:TAG] (an OCI index, or a Docker\n"
        "manifest list when the images are Docker manifests)");
    build->add_option(
        "--frontend", o->frontend,
        std::string("the frontend image, passed as BUILDKIT_SYNTAX when the Dockerfile has no # syntax= line "
                    "(default: $XBUILD_FRONTEND, else ") +
            kDefaultFrontend + ")");
    build->add_flag("--no-frontend", o->no_frontend,
                    "build the Dockerfile as written (its own # syntax= still applies)");
    build->add_option("--builder", o->builder,
                      "docker: the Docker Engine (DOCKER_HOST); buildkit: a BuildKit daemon through buildctl; or a "
                      "builder of\n"
                      "nodes made with `xbuild builder create` (each platform built on its node) (default: the builder "
                      "`xbuild\n"
                      "builder use` chose, else docker)");
    build->add_option("--buildkit-addr", o->buildkit_addr,
                      "the BuildKit daemon's address (implies --builder buildkit; default: $BUILDKIT_HOST)");
    build->add_option(
        "--docker", o->docker,
        "the docker client (default: $XBUILD_DOCKER, else the first docker on PATH that builds with BuildKit)");
    build->add_option("-j,--jobs", o->jobs, "platforms built at the same time")->capture_default_str();
    build->add_option("--progress", o->progress, "auto, tty (a line per platform, redrawn) or plain (a line per step)")
        ->check(CLI::IsMember({"auto", "tty", "plain"}))
        ->capture_default_str();
    build
        ->add_option("-o,--output", o->outputs,
                     "also export the result: type=oci,dest=FILE[,tar=false] (one index of every platform), "
                     "type=docker,dest=FILE\n"
                     "(docker load; one platform), type=local,dest=DIR (a folder per platform when several), "
                     "type=tar,dest=FILE, or DIR")
        ->allow_extra_args(false);
    build->add_flag("--load", o->load,
                    "one platform: also tag the image as each -t NAME in the engine (not NAME-linux-arm64)");
    build
        ->add_option(
            "--cache-from", o->cache_from,
            "import build cache: type=registry,ref=REF (or REF); with --builder buildkit any of BuildKit's cache types")
        ->allow_extra_args(false);
    build
        ->add_option(
            "--cache-to", o->cache_to,
            "export build cache: type=inline (the Docker Engine's builder, into the image); with --builder buildkit\n"
            "also type=registry,ref=REF[,mode=max] and type=local,dest=DIR")
        ->allow_extra_args(false);
    add_registry_flags(build, o->registry);
    build->callback([o] { run_build(*o); });
}

}  // namespace xbuild::cli
