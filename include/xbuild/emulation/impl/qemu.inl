// Implementation of xbuild/emulation/qemu.hpp.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "../../strings.hpp"
#include "../../target_env.hpp"

namespace xbuild::emulation {

namespace detail {

inline std::string label(std::string_view name, const Platform& p) { return std::string(name) + " (" + p.str() + ")"; }

// The ARM rows of one arch share it: `rows` all of one os/arch?
inline bool one_arch(const std::vector<const Target*>& rows) {
    return std::all_of(rows.begin(), rows.end(),
                       [&](const Target* t) { return t->os == rows[0]->os && t->arch == rows[0]->arch; });
}

// xx-info's triple for `p`, as the given distro names it.
inline std::string triple_as(const Platform& p, std::string_view distro) {
    const std::string platform = p.str();
    auto env = [&](std::string_view name) -> std::string {
        if (name == "TARGETPLATFORM") return platform;
        if (name == "XX_VENDOR") return std::string(distro);
        return {};
    };
    OsRelease rel;
    rel.present = true;
    rel.id = distro;
    return TargetEnv::resolve(env, rel, "").triple();
}

inline void put16(std::vector<std::byte>& b, std::size_t at, std::uint16_t v) {
    b[at] = std::byte(v & 0xff);
    b[at + 1] = std::byte(v >> 8);
}
inline void put32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + std::size_t(i)] = std::byte((v >> (8 * i)) & 0xff);
}

}  // namespace detail

inline std::string_view to_string(RunVia via) noexcept {
    switch (via) {
        case RunVia::native: return "native";
        case RunVia::binfmt: return "binfmt_misc";
        case RunVia::qemu: return "qemu";
        case RunVia::wine: return "wine";
    }
    return "?";
}

inline Platform detect_platform(const ObjectInfo& info, std::string_view name, std::string_view arm_variant) {
    if (info.kind == ObjectKind::relocatable || info.kind == ObjectKind::core)
        throw RunError(126, "cannot run " + std::string(name) + ": it is " + info.description() + ", " +
                                (info.kind == ObjectKind::core ? "a core dump" : "an object file") + ", not a program");
    std::vector<const Target*> rows = targets_of(info);
    if (rows.empty())
        throw RunError(126, "cannot run " + std::string(name) + ": it is " + info.description() +
                                ", built for no platform xx-run knows");
    const Target* hint = nullptr;
    if (!arm_variant.empty() && detail::one_arch(rows)) hint = find_target(rows[0]->os, rows[0]->arch, arm_variant);
    if (rows.size() > 1 && detail::one_arch(rows)) {
        // Variants the headers cannot tell apart (an ARM binary without Tag_CPU_arch).
        if (hint && std::find(rows.begin(), rows.end(), hint) != rows.end()) return platform_of(*hint);
        for (const Target* t : rows)
            if (t->default_variant) return platform_of(*t);
    }
    // A tag older than the environment's variant: the code may be newer than the tag says (lld
    // keeps the first input's Tag_CPU_arch, the C runtime's v5TE, where GNU ld merges them), and
    // the newer CPU runs the older code anyway.
    if (hint && runs_on(platform_of(*hint), platform_of(*rows.front()))) return platform_of(*hint);
    return platform_of(*rows.front());
}

inline Platform check_platform(const ObjectInfo& info, std::string_view name, const Platform& wanted) {
    const Target& want = target_of(wanted);
    if (built_for(info, want)) return wanted;
    // Older code of the same arch runs on a newer variant: arm/v5 code under --platform linux/arm/v7.
    for (const Target* t : targets_of(info))
        if (t->os == want.os && t->arch == want.arch && runs_on(wanted, platform_of(*t))) return wanted;
    std::string built = platforms_of(info);
    throw RunError(126, "cannot run " + std::string(name) + " as " + wanted.str() + ": it is built for " +
                            (built.empty() ? std::string("no platform xx-run knows") : built) + " (" +
                            info.description() + ")");
}

inline std::string debian_triple(const Platform& p) { return detail::triple_as(p, "debian"); }
inline std::string alpine_triple(const Platform& p) { return detail::triple_as(p, "alpine"); }

inline std::vector<std::string> sysroot_candidates(const Platform& p) {
    return {"/" + alpine_triple(p), "/usr/" + debian_triple(p), "/"};
}

inline std::string choose_sysroot(const Platform& p, const ObjectInfo& info, std::string_view name,
                                  std::string_view given, const RunProbe& probe) {
    if (!given.empty()) {
        std::string root(given);
        while (root.size() > 1 && root.back() == '/') root.pop_back();
        return root;
    }
    if (info.is_static) return {};
    // The platform's roots, then those of the variants the binary itself is built for (an arm/v5
    // binary run as arm/v7 has armel's loader), then / last.
    std::vector<std::string> candidates;
    auto add = [&](const Platform& q) {
        for (std::string& root : sysroot_candidates(q))
            if (root != "/" && std::find(candidates.begin(), candidates.end(), root) == candidates.end())
                candidates.push_back(std::move(root));
    };
    add(p);
    for (const Target* t : targets_of(info))
        if (t->os == p.os && t->arch == p.arch) add(platform_of(*t));
    candidates.push_back("/");
    const std::string& interp = info.interpreter;
    for (const std::string& root : candidates) {
        if (interp.empty()) {
            // No loader named (a shared object run as a program): the first root that exists.
            if (root == "/" || probe.exists(root)) return root;
        } else if (probe.exists(root == "/" ? interp : root + interp)) {
            return root;
        }
    }
    const Target& t = target_of(p);
    std::string hint;
    if (interp.find("ld-musl") != std::string::npos)
        hint = "install the target's musl in " + candidates[0] + " (on Alpine: TARGETPLATFORM=" + p.str() +
               " xx-apk add musl)";
    else
        hint = "install Debian's libc6-" + std::string(t.debian) + "-cross (apt-get install libc6-" +
               std::string(t.debian) + "-cross) or the multiarch libc6:" + std::string(t.debian);
    throw RunError(127, "cannot run " + detail::label(name, p) + ": its loader " + interp + " is in none of " +
                            join(candidates, ", ") + "; " + hint + ", or pass --sysroot DIR");
}

inline std::vector<std::string> library_dirs(const Target& t, const std::string& sysroot, const RunProbe& probe) {
    std::vector<std::string> dirs;
    const std::string ma(t.multiarch);
    if (sysroot == "/" || sysroot.empty()) {
        std::vector<std::string> candidates;
        if (!ma.empty()) candidates = {"/lib/" + ma, "/usr/lib/" + ma};
        else candidates = {"/lib", "/usr/lib"};
        for (const auto& d : candidates)
            if (probe.exists(d)) dirs.push_back(d);
        return dirs.empty() ? candidates : dirs;
    }
    std::vector<std::string> rel;
    if (!ma.empty()) rel = {"lib/" + ma, "usr/lib/" + ma};
    for (const char* r : {"lib", "lib64", "usr/lib", "usr/lib64"}) rel.emplace_back(r);
    for (const auto& r : rel)
        if (probe.exists(sysroot + "/" + r)) dirs.push_back(sysroot + "/" + r);
    if (dirs.empty()) dirs.push_back(sysroot + "/lib");
    return dirs;
}

inline RunPlan plan_run(const RunRequest& req, const Platform& p, const ObjectInfo& info,
                        std::span<const std::byte> head, const Platform& host, const RunProbe& probe) {
    const Target& t = target_of(p);
    const std::string& name = req.program;
    const std::string argv0 = req.argv0.empty() ? req.program : req.argv0;

    if (p.os == "windows") {
        if (!t.runs_under_wine) {
            std::string runs;
            for (const Target& w : targets())
                if (w.runs_under_wine) runs += (runs.empty() ? "" : ", ") + platform_of(w).str();
            throw RunError(
                126, "cannot run " + detail::label(name, p) + ": wine runs x86 Windows programs (" + runs + ") only");
        }
        const bool is64 = t.bits == 64;
        const std::vector<std::string> wines = is64
                                                   ? std::vector<std::string> {"wine64", "/usr/lib/wine/wine64", "wine"}
                                                   : std::vector<std::string> {"wine", "/usr/lib/wine/wine"};
        for (const std::string& w : wines) {
            if (auto found = probe.find_program(w)) {
                RunPlan plan {RunVia::wine, {*found, {w.substr(w.rfind('/') + 1), req.program}, {}}, {}};
                plan.command.argv.insert(plan.command.argv.end(), req.args.begin(), req.args.end());
                return plan;
            }
        }
        throw RunError(127, "cannot run " + detail::label(name, p) + ": " +
                                (is64 ? "wine64 not found; install Debian's wine64 (apt-get install wine64)"
                                      : "wine not found; 32-bit Windows programs need Debian's wine and wine32 "
                                        "(dpkg --add-architecture " +
                                            std::string(t.debian) + "; apt-get install wine wine32)"));
    }
    if (p.os != "linux")
        throw RunError(126, "cannot run " + detail::label(name, p) + ": xx-run runs linux and windows programs only");

    Command direct {req.program, {argv0}, {}};
    direct.argv.insert(direct.argv.end(), req.args.begin(), req.args.end());

    // 2. The host's CPU: the same arch as is; a 32-bit sibling only when the kernel really runs it
    //    and, for a dynamic binary, the host has its loader (libc6-i386 for 386): else QEMU with
    //    the target's sysroot.
    const bool loader_here = info.is_static || info.interpreter.empty() || probe.exists(info.interpreter);
    if (runs_on(host, p) && (host.arch == p.arch || (loader_here && probe.runs_natively(t))))
        return {RunVia::native, direct, {}, host.arch != p.arch};

    // 3. binfmt_misc: the kernel starts the emulator; tell it where the target's files are.
    for (const BinfmtEntry& e : probe.binfmt_entries()) {
        if (!e.enabled || !binfmt_matches(e, head, req.program)) continue;
        if (!e.fix_binary() && !probe.exists(e.interpreter)) continue;  // the kernel could not open it
        // (Computed first: GCC 12 frees twice when an aggregate's initializer throws.)
        std::string sysroot = choose_sysroot(p, info, name, req.sysroot, probe);
        RunPlan plan {RunVia::binfmt, direct, sysroot};
        if (!plan.sysroot.empty()) plan.command.env.push_back("QEMU_LD_PREFIX=" + plan.sysroot);
        if (!plan.sysroot.empty() && !info.is_static) {
            // QEMU_SET_ENV is a comma-separated list: keep the user's entries, and their
            // LD_LIBRARY_PATH unless a comma in it would split it.
            std::string path = join(library_dirs(t, plan.sysroot, probe), ":");
            std::string user = probe.getenv("LD_LIBRARY_PATH");
            if (!user.empty() && user.find(',') == std::string::npos) path = user + ":" + path;
            std::string set = probe.getenv("QEMU_SET_ENV");
            plan.command.env.push_back("QEMU_SET_ENV=" + (set.empty() ? "" : set + ",") + "LD_LIBRARY_PATH=" + path);
        }
        if (!t.qemu_cpu.empty()) plan.command.env.push_back("QEMU_CPU=" + std::string(t.qemu_cpu));
        return plan;
    }

    // 4. QEMU user mode, started here.
    if (t.qemu.empty())
        throw RunError(126, "cannot run " + detail::label(name, p) + ": QEMU has no user mode emulator for it");
    const std::string qemu_static = "qemu-" + std::string(t.qemu) + "-static", qemu = "qemu-" + std::string(t.qemu);
    std::optional<std::string> found = probe.find_program(qemu_static);
    std::string qemu_name = qemu_static;
    if (!found) {
        found = probe.find_program(qemu);
        qemu_name = qemu;
    }
    if (!found)
        throw RunError(127, "cannot run " + detail::label(name, p) + ": " + qemu_static +
                                " not found; install Debian's qemu-user-static (or qemu-user; on Alpine: apk add " +
                                qemu + ")");
    std::string sysroot = choose_sysroot(p, info, name, req.sysroot, probe);
    RunPlan plan {RunVia::qemu, {*found, {qemu_name}, {}}, sysroot};
    auto& argv = plan.command.argv;
    if (!plan.sysroot.empty()) argv.insert(argv.end(), {"-L", plan.sysroot});
    if (!plan.sysroot.empty() && !info.is_static) {
        std::string path = join(library_dirs(t, plan.sysroot, probe), ":");
        if (std::string user = probe.getenv("LD_LIBRARY_PATH"); !user.empty()) path = user + ":" + path;
        argv.insert(argv.end(), {"-E", "LD_LIBRARY_PATH=" + path});
    }
    if (!t.qemu_cpu.empty()) argv.insert(argv.end(), {"-cpu", std::string(t.qemu_cpu)});
    argv.push_back(req.program);
    argv.insert(argv.end(), req.args.begin(), req.args.end());
    return plan;
}

inline std::vector<std::byte> tiny_exit_program(const Target& t) {
    // exit(0) through the 32-bit system call of the machine.
    std::vector<std::uint8_t> code;
    std::uint32_t base = 0, flags = 0;
    if (t.elf_machine == 3 /* EM_386 */) {
        code = {0xb8, 0x01, 0x00, 0x00, 0x00,  // mov eax, 1 (exit)
                0x31, 0xdb,                    // xor ebx, ebx
                0xcd, 0x80};                   // int 0x80
        base = 0x08048000;
    } else if (t.elf_machine == 40 /* EM_ARM */ && t.endian == Endian::little) {
        code = {0x00, 0x00, 0xa0, 0xe3,   // mov r0, #0
                0x01, 0x70, 0xa0, 0xe3,   // mov r7, #1 (exit)
                0x00, 0x00, 0x00, 0xef};  // svc #0
        base = 0x00010000;
        flags = 0x05000000;  // EABI version 5: arm64 kernels run no other 32-bit ARM code
    } else {
        return {};
    }
    constexpr std::size_t ehdr = 52, phdr = 32;
    std::vector<std::byte> b(ehdr + phdr + code.size());
    const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1 /* 32-bit */, 1 /* LSB */, 1 /* version */};
    for (std::size_t i = 0; i < sizeof ident; ++i) b[i] = std::byte(ident[i]);
    const auto size = static_cast<std::uint32_t>(b.size());
    detail::put16(b, 16, 2);  // ET_EXEC
    detail::put16(b, 18, t.elf_machine);
    detail::put32(b, 20, 1);
    detail::put32(b, 24, base + ehdr + phdr);  // entry
    detail::put32(b, 28, ehdr);                // program headers
    detail::put32(b, 36, flags);
    detail::put16(b, 40, ehdr);
    detail::put16(b, 42, phdr);
    detail::put16(b, 44, 1);
    detail::put16(b, 46, 40);
    detail::put32(b, ehdr + 0, 1);  // PT_LOAD of the whole file
    detail::put32(b, ehdr + 8, base);
    detail::put32(b, ehdr + 12, base);
    detail::put32(b, ehdr + 16, size);
    detail::put32(b, ehdr + 20, size);
    detail::put32(b, ehdr + 24, 5);  // R+X
    detail::put32(b, ehdr + 28, 0x1000);
    for (std::size_t i = 0; i < code.size(); ++i) b[ehdr + phdr + i] = std::byte(code[i]);
    return b;
}

namespace detail {

// Runs the tiny program of `t` from memory: true when it exits 0, false when the kernel refuses
// it; nullopt when it could not be tried at all.
inline std::optional<bool> try_tiny_program(const Target& t) {
    const std::vector<std::byte> prog = tiny_exit_program(t);
    if (prog.empty()) return std::nullopt;
    const int fd = ::memfd_create("xx-run-probe", MFD_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::size_t done = 0;
    while (done < prog.size()) {
        ssize_t n = ::write(fd, prog.data() + done, prog.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return std::nullopt;
        }
        done += std::size_t(n);
    }
    // Exec'd through its /proc name, which the kernel resolves in the child while `fd` is open
    // there (as fexecve does without execveat); without /proc it cannot be tried.
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    std::optional<bool> ran;
    if (::access(path.c_str(), X_OK) == 0) {
        try {
            ran = Process::spawn(path, {"xx-run-probe"}).wait() == 0;
        } catch (const ProcessError&) { ran = false; }  // the kernel refused it (ENOEXEC)
    }
    ::close(fd);
    return ran;
}

}  // namespace detail

inline RunProbe RunProbe::system(std::string binfmt_dir) {
    RunProbe probe;
    probe.find_program = [](std::string_view name) { return xbuild::find_program(name); };
    probe.exists = [](const std::string& path) { return ::access(path.c_str(), F_OK) == 0; };
    probe.binfmt_entries = [dir = std::move(binfmt_dir)] { return read_binfmt_entries(dir); };
    probe.runs_natively = [](const Target& t) {
        if (auto ran = detail::try_tiny_program(t)) return *ran;
        // Cannot try: the table's word, unless an emulator is there to be safe with.
        const std::string q = "qemu-" + std::string(t.qemu);
        return !xbuild::find_program(q + "-static") && !xbuild::find_program(q);
    };
    probe.getenv = process_env();
    return probe;
}

inline std::string shell_words(const Command& cmd) {
    auto quote = [](std::string_view w) {
        if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_./:=,+-@%") == std::string_view::npos)
            return std::string(w);
        std::string q = "'";
        for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return q + "'";
    };
    std::vector<std::string> words;
    for (const auto& e : cmd.env) words.push_back(quote(e));
    words.push_back(quote(cmd.program));
    for (std::size_t i = 1; i < cmd.argv.size(); ++i) words.push_back(quote(cmd.argv[i]));
    return join(words, " ");
}

}  // namespace xbuild::emulation
