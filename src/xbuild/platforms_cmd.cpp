// `xbuild platforms [--platform LIST] [--format table|json]`: what this machine can build, like
// `docker buildx ls` for one machine. Each platform with how it is built, fastest first:
//   native    this machine runs it (its CPU, a variant of it, or the 32-bit arch it also runs);
//   cross     at least one of Go, Rust and C/C++ cross-compiles for it (toolchain/inventory.hpp);
//   emulated  none does, but a binfmt_misc handler runs its binaries (QEMU), so a Dockerfile's
//             steps can run as they are;
//   missing   none of those.
// Then, for what is missing, the command that adds it (a Debian package, a rustup target,
// `xbuild binfmt --install ARCH`).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "xbuild/emulation/binfmt_handler.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/toolchain/inventory.hpp"

namespace xbuild::cli {

namespace {

namespace em = xbuild::emulation;
using xbuild::toolchain::Finding;

struct PlatformsOptions {
    std::string platforms;  // "" for every row of the table
    std::string format = "table";
};

// One platform's row of the answer.
struct Capability {
    const Target* row = nullptr;
    std::string platform;
    bool native = false;
    xbuild::toolchain::CrossTools tools;
    Finding emulation;  // found: the handler's name

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

std::vector<Capability> survey(const PlatformsOptions& o) {
    std::vector<const Target*> rows;
    if (o.platforms.empty()) {
        for (const Target& t : targets()) rows.push_back(&t);
    } else {
        for (const Platform& p : parse_platform_list(o.platforms)) rows.push_back(&target_of(p));
    }
    const auto entries = em::read_binfmt_entries();
    const xbuild::toolchain::Inventory inventory;
    std::vector<Capability> out;
    for (const Target* row : rows) {
        Capability c;
        c.row = row;
        c.platform = platform_of(*row).str();
        c.native = em::runs_natively(*row);
        c.tools = inventory.cross_tools(*row);
        c.emulation = emulation_of(*row, entries);
        out.push_back(std::move(c));
    }
    return out;
}

nlohmann::ordered_json finding_json(const Finding& f) {
    nlohmann::ordered_json j {{"found", f.found}, {"detail", f.detail}};
    if (!f.found && !f.install.empty()) j["install"] = f.install;
    return j;
}

void print_json(const std::vector<Capability>& caps) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& c : caps)
        list.push_back({{"platform", c.platform},
                        {"built", c.built()},
                        {"native", c.native},
                        {"go", finding_json(c.tools.go)},
                        {"rust", finding_json(c.tools.rust)},
                        {"c", finding_json(c.tools.c)},
                        {"emulation", finding_json(c.emulation)}});
    nlohmann::ordered_json doc {{"machine", host_platform().str()}, {"platforms", list}};
    std::printf("%s\n", doc.dump(2).c_str());
}

const char* mark(const Finding& f) { return f.found ? "yes" : "-"; }

void print_table(const std::vector<Capability>& caps) {
    std::printf("this machine: %s\n", host_platform().str().c_str());
    std::printf("%-18s %-9s %-4s %-5s %-6s %s\n", "PLATFORM", "BUILT", "GO", "RUST", "C/C++", "EMULATION");
    for (const auto& c : caps)
        std::printf("%-18s %-9s %-4s %-5s %-6s %s\n", c.platform.c_str(), c.built().c_str(), mark(c.tools.go),
                    mark(c.tools.rust), mark(c.tools.c), c.emulation.found ? c.emulation.detail.c_str() : "-");
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
    std::vector<Capability> caps;
    try {
        caps = survey(o);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "xbuild platforms: --platform: %s\n", e.what());
        throw CLI::RuntimeError(2);
    }
    if (o.format == "json") print_json(caps);
    else print_table(caps);
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
    cmd->callback([o] { run_platforms(*o); });
}

}  // namespace xbuild::cli
