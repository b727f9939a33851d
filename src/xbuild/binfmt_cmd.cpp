// `xbuild binfmt [--install LIST|all] [--uninstall NAMES|all]`: QEMU binfmt_misc handlers, as
// `docker run --privileged tonistiigi/binfmt` sets them up, without a container (the handlers are
// the library's: xbuild/emulation/binfmt_handler.hpp).
//
//   xbuild binfmt                              # {"supported": [...], "emulators": [...]}
//   sudo xbuild binfmt --install arm64,riscv64 # registers qemu-aarch64, qemu-riscv64; probes each
//   sudo xbuild binfmt --uninstall all         # removes the handlers xbuild registers
//
// Without options it prints the status JSON: `supported`, the platforms this machine runs (its own,
// the 32-bit one it runs too, and every linux platform an enabled handler runs), and `emulators`,
// the names of every registered entry. --install and --uninstall print what they do on standard
// error, then the status JSON. Installing mounts binfmt_misc when it is not, skips platforms this
// machine runs natively or a handler already runs, and runs a probe binary through each new handler
// (a handler whose probe fails is removed again). `--uninstall all` removes only entries named
// qemu-<arch> whose interpreter is a qemu-<arch>-static, which is what --install registers: /proc
// itself says which entries are xbuild's, no state file is kept.
// Exit status: 0 done; 1 a handler failed (or not root); 2 a usage mistake (an unknown name).
// XX_BINFMT_MISC, as for xx-run (or the hidden --mount), names another binfmt_misc mount point.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "registry_flags.hpp"
#include "xbuild/emulation/binfmt_handler.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace {

namespace em = xbuild::emulation;

struct BinfmtOptions {
    std::string install, uninstall, mount;
};

void note(const std::string& message) { std::fprintf(stderr, "xbuild binfmt: %s\n", message.c_str()); }

// The rows --install can register, one per QEMU (arm/v7 stands for every arm variant): table order.
std::vector<const Target*> installable_rows() {
    std::vector<const Target*> rows;
    std::set<std::string_view> seen;
    for (const Target& row : targets())
        if (em::has_handler(row) && !row.exit0_code.empty() && (row.variant.empty() || row.default_variant) &&
            seen.insert(row.qemu).second)
            rows.push_back(&row);
    return rows;
}

std::string valid_names() {
    std::string names = "all";
    for (const Target* row : installable_rows()) names += ", " + xbuild::platform_of(*row).str();
    return names;
}

// The rows a --install LIST names: each item a platform string (arm64, linux/riscv64, armhf, ...).
std::vector<const Target*> rows_named(const std::string& list) {
    if (xbuild::trim(list) == "all") return installable_rows();
    std::vector<const Target*> rows;
    std::set<std::string_view> seen;
    for (std::string_view item : xbuild::split(list, ',')) {
        const std::string name {xbuild::trim(item)};
        if (name.empty()) continue;
        const Target* row = nullptr;
        try {
            const xbuild::Platform p = xbuild::parse_platform(name);
            row = &xbuild::target_of(p);
        } catch (const std::exception&) {}
        if (row == nullptr || !em::has_handler(*row) || row->exit0_code.empty())
            usage_failure("binfmt", "--install: unknown platform '" + name + "'; valid: " + valid_names());
        if (seen.insert(row->qemu).second) rows.push_back(row);
    }
    return rows;
}

nlohmann::ordered_json status_json(const std::string& dir) {
    const std::vector<em::BinfmtEntry> entries = em::read_binfmt_entries(dir);
    std::vector<std::string> supported;
    auto add = [&](const Target* row) {
        if (row == nullptr) return;
        std::string p = xbuild::platform_of(*row).str();
        if (std::find(supported.begin(), supported.end(), p) == supported.end()) supported.push_back(p);
    };
    if (const Target* self = compiled_for_target()) {
        add(self);
        // The variants this CPU runs (linux/amd64/v2, v3: their instructions are in /proc/cpuinfo).
        for (const Target& row : targets())
            if (row.os == "linux" && row.arch == self->arch && em::runs_natively(row)) add(&row);
        for (const Target& row : targets())
            if (row.os == "linux" && row.arch == self->runs_32bit && (row.variant.empty() || row.default_variant))
                add(&row);
    }
    for (const Target& row : targets())
        if (em::has_handler(row) && !em::runs_natively(row) && em::handler_for(entries, row) != nullptr) add(&row);
    std::vector<std::string> emulators;
    for (const em::BinfmtEntry& e : entries) emulators.push_back(e.name);
    return {{"supported", supported}, {"emulators", emulators}};
}

void require_root(const char* what) {
    if (::geteuid() != 0)
        work_failure("binfmt", std::string(what) + " needs root (binfmt_misc registration); run it with sudo");
}

// Registers and probes each row; false when one failed.
bool install(const std::string& dir, const std::vector<const Target*>& rows) {
    em::mount_binfmt_misc(dir);
    bool ok = true;
    for (const Target* row : rows) {
        const std::string platform = xbuild::platform_of(*row).str(), name = em::handler_name(*row);
        if (em::runs_natively(*row)) {
            note(platform + ": skipped, this machine runs it natively");
            continue;
        }
        const auto entries = em::read_binfmt_entries(dir);
        if (const em::BinfmtEntry* e = em::handler_for(entries, *row)) {
            note(platform + ": skipped, already registered as " + e->name);
            continue;
        }
        const auto interpreter = em::find_static_interpreter(*row);
        if (!interpreter) {
            note(platform + ": failed, qemu-" + std::string(row->qemu) +
                 "-static not found (apt-get install qemu-user-static)");
            ok = false;
            continue;
        }
        try {
            em::register_handler(dir, em::handler_spec(*row, *interpreter));
        } catch (const std::exception& e) {
            note(platform + ": failed to register " + name + ": " + e.what());
            ok = false;
            continue;
        }
        if (!em::run_probe(*row)) {
            note(platform + ": failed, the probe binary did not run through " + name + "; removed it again");
            try {
                em::remove_handler(dir, name);
            } catch (const std::exception& e) { note(e.what()); }
            ok = false;
            continue;
        }
        note(platform + ": installed " + name + " (" + *interpreter + ")");
    }
    return ok;
}

// An --uninstall item: an entry name as it is, or a platform (arm64, linux/riscv64) as its handler's name.
std::string entry_name(const std::string& item) {
    if (item.find('-') != std::string::npos) return item;  // qemu-aarch64
    try {
        const Target& row = xbuild::target_of(xbuild::parse_platform(item));
        if (em::has_handler(row)) return em::handler_name(row);
    } catch (const std::exception&) {}
    return item;
}

void uninstall(const std::string& dir, const std::string& list) {
    const auto entries = em::read_binfmt_entries(dir);
    std::vector<std::string> names;
    if (xbuild::trim(list) == "all") {
        for (const em::BinfmtEntry& e : entries)
            if (em::is_xbuild_handler(e)) names.push_back(e.name);
    } else {
        for (std::string_view item : xbuild::split(list, ',')) {
            std::string name {xbuild::trim(item)};
            if (name.empty()) continue;
            name = entry_name(name);
            bool known = false;
            for (const em::BinfmtEntry& e : entries) known = known || e.name == name;
            if (!known) usage_failure("binfmt", "--uninstall: no binfmt_misc entry named '" + name + "' in " + dir);
            names.push_back(name);
        }
    }
    for (const std::string& name : names) {
        em::remove_handler(dir, name);
        note("uninstalled " + name);
    }
}

void run_binfmt(const BinfmtOptions& o) {
    const std::string dir = o.mount.empty() ? em::binfmt_misc_dir() : o.mount;
    const std::vector<const Target*> rows = o.install.empty() ? std::vector<const Target*> {} : rows_named(o.install);
    if (!o.install.empty() || !o.uninstall.empty()) require_root(o.install.empty() ? "--uninstall" : "--install");
    bool ok = true;
    try {
        if (!o.uninstall.empty()) uninstall(dir, o.uninstall);
        if (!rows.empty()) ok = install(dir, rows);
    } catch (const CLI::Error&) { throw; } catch (const std::exception& e) {
        work_failure("binfmt", e.what());
    }
    std::printf("%s\n", status_json(dir).dump(2).c_str());
    std::fflush(stdout);
    if (!ok) throw CLI::RuntimeError(1);
}

}  // namespace

void add_binfmt_command(CLI::App& app) {
    auto o = std::make_shared<BinfmtOptions>();
    CLI::App* cmd = app.add_subcommand(
        "binfmt",
        "QEMU binfmt_misc handlers: status JSON, --install, --uninstall (as tonistiigi/binfmt, no container)");
    cmd->add_option("--install", o->install,
                    "register handlers for these platforms (arm64,riscv64,linux/arm/v7,...) or `all`; root only");
    cmd->add_option("--uninstall", o->uninstall,
                    "remove these entries (qemu-aarch64,riscv64,...) or `all` xbuild registers; root only");
    cmd->add_option("--mount", o->mount,
                    "binfmt_misc mount point (default $XX_BINFMT_MISC or /proc/sys/fs/binfmt_misc)")
        ->group("");
    cmd->footer("Exit status: 0 done; 1 a handler failed or not root; 2 an unknown name.");
    cmd->callback([o] { run_binfmt(*o); });
}

}  // namespace xbuild::cli
