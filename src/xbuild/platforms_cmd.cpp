// `xbuild platforms [--platform LIST] [--format table|json]`: what this machine can build, like
// `docker buildx ls` for one machine. Each platform with how it is built, fastest first:
//   native    this machine runs it (its CPU, a variant of it, or the 32-bit arch it also runs);
//   cross     at least one of Go, Rust and C/C++ cross-compiles for it (toolchain/inventory.hpp);
//   emulated  none does, but a binfmt_misc handler runs its binaries (QEMU), so a Dockerfile's
//             steps can run as they are;
//   missing   none of those.
// Then, for what is missing, the command that adds it (a Debian package, a rustup target,
// `xbuild binfmt --install ARCH`). With a builder (--builder NAME, else the one `xbuild builder
// use` chose) each platform also names the node `xbuild build` sends it to: one that runs it
// natively, else the first node, cross-building through the frontend (builder/config.hpp's routing).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "xbuild/builder/config.hpp"
#include "xbuild/emulation/binfmt_handler.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/toolchain/inventory.hpp"

namespace xbuild::cli {

namespace {

namespace em = xbuild::emulation;
using xbuild::toolchain::Finding;

struct PlatformsOptions {
    std::string platforms;  // "" for every row of the table
    std::string format = "table";
    std::string builder;  // "" for the current one (none: this machine alone)
};

// The builder the answer is for: --builder NAME, else the current one; nullopt for this machine
// alone (no builder chosen, or a built-in engine named). Throws ConfigError for an unknown name.
std::optional<xbuild::builder::Builder> chosen_builder(const std::string& flag) {
    namespace xb = xbuild::builder;
    if (xb::reserved_name(flag)) return std::nullopt;
    const xb::Config config = xb::load_config(xb::config_dir());
    const std::string name = flag.empty() ? config.current : flag;
    if (name.empty()) return std::nullopt;
    const xb::Builder* b = config.find(name);
    if (!b) throw xb::ConfigError("no such builder: " + name + " (xbuild builder ls lists them)");
    return *b;
}

// One platform's row of the answer.
struct Capability {
    const Target* row = nullptr;
    std::string platform;
    bool native = false;
    xbuild::toolchain::CrossTools tools;
    Finding emulation;  // found: the handler's name
    std::string node;   // with a builder: the node `xbuild build` sends it to
    bool node_native = false;

    std::string built() const {
        if (native) return "native";
        if (tools.any()) return "cross";
        if (emulation.found) return "emulated";
        return "missing";
    }
};

Finding emulation_of(const Target& row, const std::vector<em::BinfmtEntry>& entries) {
    if (em::runs_natively(row)) return {true, "native", {}};
    if (const em::BinfmtEntry* e = em::handler_for(entries, row)) return {true, e->name, {}};
    if (!em::has_handler(row)) return {false, "no QEMU handler for " + std::string(row.os), {}};
    const std::string arch = std::string(row.arch);
    Finding f {false, "no binfmt_misc handler runs " + platform_of(row).str(), "xbuild binfmt --install " + arch};
    if (!em::find_static_interpreter(row))
        f.install = "apt-get install qemu-user-static && xbuild binfmt --install " + arch;
    return f;
}

std::vector<Capability> survey(const PlatformsOptions& o, const std::optional<xbuild::builder::Builder>& builder) {
    std::vector<const Target*> rows;
    if (o.platforms.empty()) {
        for (const Target& t : targets()) rows.push_back(&t);
    } else {
        for (const Platform& p : parse_platform_list(o.platforms)) rows.push_back(&target_of(p));
    }
    const auto entries = em::read_binfmt_entries(em::binfmt_misc_dir());
    const xbuild::toolchain::Inventory inventory;
    std::vector<Capability> out;
    for (const Target* row : rows) {
        Capability c;
        c.row = row;
        c.platform = platform_of(*row).str();
        c.native = em::runs_natively(*row);
        c.tools = inventory.cross_tools(*row);
        c.emulation = emulation_of(*row, entries);
        if (builder && !builder->nodes.empty()) {
            const auto route = xbuild::builder::route_platforms(builder->nodes, {platform_of(*row)}).front();
            c.node = builder->nodes[route.node].name;
            c.node_native = route.native;
        }
        out.push_back(std::move(c));
    }
    return out;
}

nlohmann::ordered_json finding_json(const Finding& f) {
    nlohmann::ordered_json j {{"found", f.found}, {"detail", f.detail}};
    if (!f.found && !f.install.empty()) j["install"] = f.install;
    return j;
}

void print_json(const std::vector<Capability>& caps, const std::optional<xbuild::builder::Builder>& builder) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& c : caps) {
        list.push_back({{"platform", c.platform},
                        {"built", c.built()},
                        {"native", c.native},
                        {"go", finding_json(c.tools.go)},
                        {"rust", finding_json(c.tools.rust)},
                        {"c", finding_json(c.tools.c)},
                        {"emulation", finding_json(c.emulation)}});
        if (builder) list.back()["node"] = {{"name", c.node}, {"native", c.node_native}};
    }
    nlohmann::ordered_json doc {{"machine", host_platform().str()}};
    if (builder) doc["builder"] = builder->name;
    doc["platforms"] = list;
    std::printf("%s\n", doc.dump(2).c_str());
}

const char* mark(const Finding& f) { return f.found ? "yes" : "-"; }

void print_table(const std::vector<Capability>& caps, const std::optional<xbuild::builder::Builder>& builder) {
    std::printf("this machine: %s\n", host_platform().str().c_str());
    if (builder) {
        std::printf("builder %s:", builder->name.c_str());
        for (const auto& n : builder->nodes) {
            std::vector<std::string> names;
            for (const auto& p : n.platforms) names.push_back(p.str());
            std::printf(" %s (%s)", n.name.c_str(), xbuild::join(names, ", ").c_str());
        }
        std::printf("\n");
    }
    std::printf("%-18s %-9s %-4s %-5s %-6s %s\n", "PLATFORM", "BUILT", "GO", "RUST", "C/C++",
                builder ? "EMULATION      NODE (xbuild build)" : "EMULATION");
    for (const auto& c : caps) {
        std::string node;
        if (builder) node = " " + c.node + (c.node_native ? " native" : " cross");
        char line[256];
        std::snprintf(line, sizeof line, "%-18s %-9s %-4s %-5s %-6s %-14s%s", c.platform.c_str(), c.built().c_str(),
                      mark(c.tools.go), mark(c.tools.rust), mark(c.tools.c),
                      c.emulation.found ? c.emulation.detail.c_str() : "-", node.c_str());
        std::printf("%s\n", std::string(xbuild::trim(line)).c_str());
    }
    bool header = false;
    for (const auto& c : caps) {
        if (c.native) continue;
        const std::pair<const char*, const Finding*> parts[] = {
            {"go", &c.tools.go}, {"rust", &c.tools.rust}, {"c/c++", &c.tools.c}, {"emulation", &c.emulation}};
        bool first = true;
        for (const auto& [what, f] : parts) {
            if (f->found || f->install.empty()) continue;
            if (!header) std::printf("\nto add what is missing:\n");
            header = true;
            std::printf("  %-18s %-10s %s\n", first ? c.platform.c_str() : "", what, f->install.c_str());
            first = false;
        }
    }
}

void run_platforms(const PlatformsOptions& o) {
    std::optional<xbuild::builder::Builder> builder;
    try {
        builder = chosen_builder(o.builder);
    } catch (const xbuild::builder::ConfigError& e) {
        std::fprintf(stderr, "xbuild platforms: %s\n", e.what());
        throw CLI::RuntimeError(2);
    }
    std::vector<Capability> caps;
    try {
        caps = survey(o, builder);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "xbuild platforms: --platform: %s\n", e.what());
        throw CLI::RuntimeError(2);
    }
    if (o.format == "json") print_json(caps, builder);
    else print_table(caps, builder);
}

}  // namespace

void add_platforms_command(CLI::App& app) {
    auto o = std::make_shared<PlatformsOptions>();
    CLI::App* cmd = app.add_subcommand(
        "platforms", "what this machine can build: each platform native, cross (Go, Rust, C/C++), emulated or missing");
    cmd->add_option("-p,--platform", o->platforms, "only these platforms, comma-separated (default: the whole table)");
    cmd->add_option("--format", o->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    cmd->add_option("--builder", o->builder,
                    "also say which node of this builder builds each platform (default: the current builder)");
    cmd->callback([o] { run_platforms(*o); });
}

}  // namespace xbuild::cli
