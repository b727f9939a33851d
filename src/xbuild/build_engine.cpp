#include "build_engine.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace fs = std::filesystem;

std::string Engine::describe() const {
    if (kind == Kind::buildkit) return "buildctl (" + program + ") at " + address;
    return "docker " + (version.empty() ? std::string() : version + " ") + "(" + program + ")" +
           (host.empty() ? "" : " at " + host);
}

std::vector<std::string> Engine::client() const {
    if (host.empty()) return {program};
    return {program, "-H", host};
}

std::string docker_client_problem(const std::string& path, std::string* version) {
    // Standard input empty, error and output together, as a terminal would show them.
    const xbuild::CaptureOptions options {.input = "", .merge_errors = true};
    xbuild::Captured v;
    try {
        v = xbuild::capture_program({path, "--version"}, {}, options);
    } catch (const xbuild::ProcessError& e) { return e.what(); }
    // "Docker version 20.10.24+dfsg1, build 297e128"
    static const std::regex re(R"(Docker version ([0-9]+)\.([0-9]+)\.?([0-9A-Za-z.+~-]*))");
    std::smatch m;
    if (v.status != 0 || !std::regex_search(v.out, m, re))
        return "`" + path + " --version` does not print a Docker client's version";
    const int major = std::stoi(m[1]), minor = std::stoi(m[2]);
    const std::string ver = m[1].str() + "." + m[2].str() + (m[3].length() ? "." + m[3].str() : "");
    if (version) *version = ver;
    if (major < 19 || (major == 19 && minor < 3))
        return "Docker " + ver + " is too old: BuildKit builds with --platform need 19.03 or later";
    // From 23 on, `docker build` is buildx's; without the plugin the client falls back to the
    // legacy builder, which neither runs frontends nor builds for another platform.
    if (major >= 23 && xbuild::capture_program({path, "buildx", "version"}, {}, options).status != 0)
        return "Docker " + ver + " without the buildx plugin: its docker build is the legacy builder (no BuildKit)";
    return {};
}

Engine find_docker(const std::string& explicit_path) {
    std::vector<std::string> candidates;
    if (!explicit_path.empty()) {
        auto found = xbuild::find_program(explicit_path);
        if (!found) throw EngineError("docker client " + explicit_path + " not found (from --docker or XBUILD_DOCKER)");
        candidates.push_back(*found);
    } else {
        const char* path = std::getenv("PATH");
        for (auto dir : xbuild::split(path ? std::string_view(path) : std::string_view("/usr/bin:/bin"), ':')) {
            if (dir.empty()) dir = ".";
            auto found = xbuild::find_program(std::string(dir) + "/docker");
            if (!found) continue;
            std::error_code ec;
            const auto real = fs::canonical(*found, ec).string();
            bool seen = false;
            for (const auto& c : candidates) seen = seen || fs::canonical(c, ec).string() == real;
            if (!seen) candidates.push_back(*found);
        }
        if (candidates.empty())
            throw EngineError("no docker client on PATH: apt-get install docker.io (or give one with --docker PATH)");
    }
    std::vector<std::string> refused;
    for (const auto& c : candidates) {
        Engine e;
        e.program = c;
        const auto problem = docker_client_problem(c, &e.version);
        if (problem.empty()) return e;
        refused.push_back(c + ": " + problem);
    }
    throw EngineError(
        "no docker client that builds with BuildKit: " + xbuild::join(refused, "; ") +
        ". Give one with --docker PATH (Debian's docker.io: /usr/bin/docker), or install the buildx plugin");
}

Engine find_buildctl(const std::string& address) {
    auto found = xbuild::find_program("buildctl");
    if (!found)
        throw EngineError("buildctl not found on PATH (needed for --buildkit-addr " + address +
                          "; Debian bookworm does not package it: install BuildKit's release binaries)");
    Engine e;
    e.kind = Engine::Kind::buildkit;
    e.program = *found;
    e.address = address;
    return e;
}

namespace {

// "type=registry,ref=x,mode=max" -> {type: registry, ref: x, mode: max}; a bare "x" is a registry ref.
std::vector<std::pair<std::string, std::string>> cache_fields(const std::string& spec) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (spec.find('=') == std::string::npos) return {{"type", "registry"}, {"ref", spec}};
    for (auto f : xbuild::split(std::string_view(spec), ',')) {
        const auto eq = f.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw std::invalid_argument("cache '" + spec + "': '" + std::string(f) + "' is not KEY=VALUE");
        fields.emplace_back(std::string(f.substr(0, eq)), std::string(f.substr(eq + 1)));
    }
    return fields;
}

std::string field(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return "";
}

std::string csv(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : ",") + k + "=" + v;
    return out;
}

}  // namespace

CacheFlags cache_flags(const Engine& engine, const std::vector<std::string>& from, const std::vector<std::string>& to) {
    CacheFlags out;
    const bool docker = engine.kind == Engine::Kind::docker;
    for (const auto& spec : from) {
        const auto fields = cache_fields(spec);
        const std::string type = field(fields, "type");
        if (type.empty()) throw std::invalid_argument("--cache-from '" + spec + "': give type=registry,ref=REF");
        if (!docker) {
            out.from.push_back(csv(fields));
        } else if (type == "registry" && !field(fields, "ref").empty()) {
            out.from.push_back(field(fields, "ref"));
        } else {
            throw std::invalid_argument("--cache-from '" + spec +
                                        "': the Docker Engine's builder imports registry caches only "
                                        "(type=registry,ref=REF, or REF); for type=" +
                                        type + " use --builder buildkit");
        }
    }
    for (const auto& spec : to) {
        const auto fields = cache_fields(spec);
        const std::string type = field(fields, "type");
        if (type == "inline" && docker) out.inline_cache = true;
        else if (!docker && !type.empty()) out.to.push_back(csv(fields));
        else
            throw std::invalid_argument(
                "--cache-to '" + spec +
                "': the Docker Engine's builder exports type=inline only "
                "(the cache goes into the image; read it back with --cache-from REF); for other "
                "types use --builder buildkit");
    }
    return out;
}

namespace {

std::vector<xbuild::Command> docker_commands(const Engine& engine, const BuildRequest& r) {
    std::vector<std::string> argv = engine.client();
    argv.insert(argv.end(), {"build", "--progress=plain", "--platform", r.platform.str(), "-f", r.dockerfile});
    for (const auto& t : r.tags) argv.insert(argv.end(), {"-t", t});
    if (!r.syntax.empty()) argv.insert(argv.end(), {"--build-arg", "BUILDKIT_SYNTAX=" + r.syntax});
    for (const auto& a : r.build_args) argv.insert(argv.end(), {"--build-arg", a});
    if (!r.target.empty()) argv.insert(argv.end(), {"--target", r.target});
    if (r.no_cache) argv.push_back("--no-cache");
    if (!r.iidfile.empty()) argv.insert(argv.end(), {"--iidfile", r.iidfile});
    if (!r.output.empty()) argv.insert(argv.end(), {"--output", r.output});
    for (const auto& c : r.cache.from) argv.insert(argv.end(), {"--cache-from", c});
    if (r.cache.inline_cache) argv.insert(argv.end(), {"--build-arg", "BUILDKIT_INLINE_CACHE=1"});
    argv.push_back(r.context);
    std::vector<xbuild::Command> out;
    out.push_back({engine.program, argv, {"DOCKER_BUILDKIT=1"}});
    if (r.push)
        for (const auto& t : r.tags) {
            auto push = engine.client();
            push.insert(push.end(), {"push", t});
            out.push_back({engine.program, push, {}});
        }
    return out;
}

std::vector<xbuild::Command> buildctl_commands(const Engine& engine, const BuildRequest& r) {
    const fs::path dockerfile(r.dockerfile);
    const std::string dir = dockerfile.has_parent_path() ? dockerfile.parent_path().string() : ".";
    std::vector<std::string> argv = {engine.program,
                                     "--addr",
                                     engine.address,
                                     "build",
                                     "--progress=plain",
                                     "--frontend=dockerfile.v0",
                                     "--local",
                                     "context=" + r.context,
                                     "--local",
                                     "dockerfile=" + dir,
                                     "--opt",
                                     "filename=" + dockerfile.filename().string(),
                                     "--opt",
                                     "platform=" + r.platform.str()};
    if (!r.syntax.empty()) argv.insert(argv.end(), {"--opt", "build-arg:BUILDKIT_SYNTAX=" + r.syntax});
    for (const auto& a : r.build_args) argv.insert(argv.end(), {"--opt", "build-arg:" + a});
    if (!r.target.empty()) argv.insert(argv.end(), {"--opt", "target=" + r.target});
    if (r.no_cache) argv.push_back("--no-cache");
    for (const auto& c : r.cache.from) argv.insert(argv.end(), {"--import-cache", c});
    for (const auto& c : r.cache.to) argv.insert(argv.end(), {"--export-cache", c});
    if (!r.output.empty()) {
        argv.insert(argv.end(), {"--output", r.output});
    } else if (!r.tags.empty()) {
        // buildctl's --output is CSV: several names go in one quoted field.
        const std::string names = xbuild::join(r.tags, ",");
        std::string out = "type=image," + (r.tags.size() > 1 ? "\"name=" + names + "\"" : "name=" + names);
        if (r.push) out += ",push=true";
        argv.insert(argv.end(), {"--output", out});
    }
    return {{engine.program, argv, {}}};
}

}  // namespace

std::vector<xbuild::Command> build_commands(const Engine& engine, const BuildRequest& request) {
    return engine.kind == Engine::Kind::docker ? docker_commands(engine, request) : buildctl_commands(engine, request);
}

}  // namespace xbuild::cli
