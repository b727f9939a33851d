// Package installs in a cross stage (routes.hpp): the build machine's tools stay with apt-get /
// apk; libraries to link (-dev) and, when the stage compiles C, a cross C compiler go to
// xx-apt-get / xx-apk, which install them for the target.
//
//   apt-get install -y gcc make zlib1g-dev
//   -> apt-get install -y gcc make && xx-apt-get install -y zlib1g-dev gcc libc6-dev
//      (xx-apt-get: gcc -> gcc-<triple>, the rest -> <pkg>:<debian-arch>)
//   apk add --no-cache gcc musl-dev zlib-dev
//   -> apk add --no-cache gcc clang lld && xx-apk add --no-cache musl-dev zlib-dev xx-c-essentials
//      (Alpine has no cross gcc: clang, with the target's libc and libgcc)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xbuild::dockerfile::detail {

inline bool is_package_install(const ShellCommand& c) {
    const std::string_view p = program_name(c);
    if (p != "apt-get" && p != "apt" && p != "apk") return false;
    for (std::size_t i = 1; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (w.starts_with('-')) continue;
        return p == "apk" ? w == "add" : w == "install";
    }
    return false;
}

// Options whose value is the next word: apt-get -o/-t/-c/-a, apk -t/--virtual/-X/--repository/-p/--root.
inline bool option_takes_value(std::string_view w, bool apk) {
    return apk ? (w == "-t" || w == "--virtual" || w == "-X" || w == "--repository" || w == "-p" || w == "--root")
               : (w == "-o" || w == "-t" || w == "-c" || w == "-a" || w == "--target-release" || w == "--option");
}

// The words of an install: its options (with their values), and its package words by index.
struct InstallWords {
    std::vector<std::string> options;
    std::vector<std::size_t> packages;  // indices into the command's words
    std::size_t subcommand = 0;
};

inline InstallWords install_words(const ShellCommand& c, bool apk) {
    InstallWords out;
    for (std::size_t i = 1; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (w.starts_with('-')) {
            out.options.push_back(w);
            if (option_takes_value(w, apk) && i + 1 < c.words.size()) out.options.push_back(c.words[++i]);
        } else if (out.subcommand == 0) {
            out.subcommand = i;
        } else {
            out.packages.push_back(i);
        }
    }
    return out;
}

// A library to link for the target: zlib1g-dev, libssl-dev, musl-dev, zlib-static (apk). Not
// the build machine's tools that happen to end in -dev (dpkg-dev), Go sources (golang-*-dev,
// architecture-independent), nor a package already qualified (zlib1g-dev:amd64).
inline bool is_target_library(std::string_view pkg, bool apk) {
    if (pkg.find(':') != std::string_view::npos) return false;
    const std::string_view name = pkg.substr(0, pkg.find_first_of("=<>~"));
    if (name == "dpkg-dev" || name.starts_with("golang-")) return false;
    return name.ends_with("-dev") || name.ends_with("-devel") || (apk && name.ends_with("-static"));
}

inline std::string_view package_name(std::string_view pkg) { return pkg.substr(0, pkg.find_first_of(":=<>~")); }

// `apt-get update` (options before it allowed): lists the target's packages too once routed.
inline bool is_apt_update(const ShellCommand& c) {
    const std::string_view p = program_name(c);
    if (p != "apt-get" && p != "apt") return false;
    for (std::size_t i = 1; i < c.words.size(); ++i)
        if (!c.words[i].starts_with('-')) return c.words[i] == "update";
    return false;
}

inline void note_package_install(const ShellCommand& c, std::size_t base, int line, StageFacts& facts) {
    const bool apk = program_name(c) == "apk";
    facts.installs.push_back({c, base, line, apk});
    for (std::size_t i : install_words(c, apk).packages)
        if (plain_word(c.words[i]) && is_target_library(c.words[i], apk)) facts.c_libraries.push_back(c.words[i]);
}

// The C compilers a stage's installs bring.
struct InstalledCompilers {
    bool gcc = false, gxx = false, clang = false;
};

inline InstalledCompilers installed_compilers(const std::vector<PackageInstall>& installs) {
    InstalledCompilers out;
    for (const auto& in : installs)
        for (std::size_t i : install_words(in.command, in.apk).packages) {
            const std::string_view name = package_name(in.command.words[i]);
            if (name == "gcc" || name == "build-essential" || name == "build-base") out.gcc = true;
            if (name == "g++" || name == "build-essential" || name == "build-base") out.gxx = true;
            if (name == "clang" || (name.starts_with("clang-") && name.size() > 6 && name[6] >= '0' && name[6] <= '9'))
                out.clang = true;
        }
    return out;
}

// needs_c_toolchain: the stage compiles C for the target (C/C++, cgo, cargo's linker). Without
// it, -dev packages serve the build machine's tools and stay where they are.
inline void route_package_installs(StageFacts& facts, bool needs_c_toolchain) {
    if (!needs_c_toolchain) return;
    const InstalledCompilers have = installed_compilers(facts.installs);
    // C++ when the stage compiles C++, or installs g++; a build system's project may be C++ too,
    // unless the user installed only a C compiler (then the native build has no C++ either).
    const bool cxx = have.gxx || facts.compiles_cxx || (facts.build_system && (have.clang || !have.gcc));
    bool apt_for_target = false;  // some apt install goes to xx-apt-get
    for (std::size_t k = 0; k < facts.installs.size(); ++k) {
        const PackageInstall& in = facts.installs[k];
        const ShellCommand& c = in.command;
        const InstallWords words = install_words(c, in.apk);
        const std::string line = "line " + std::to_string(in.line);

        std::vector<std::size_t> host, target;
        for (std::size_t i : words.packages) {
            if (!plain_word(c.words[i])) {
                facts.unsure.push_back(line + ": a package list the planner cannot read (" + c.words[i] + ")");
                host.push_back(i);
            } else {
                (is_target_library(c.words[i], in.apk) ? target : host).push_back(i);
            }
        }
        // The cross compiler joins the first install: later lines compile with it.
        std::vector<std::string> host_add, target_add;
        if (k == 0) {
            if (in.apk || have.clang) {
                if (!have.clang) host_add.push_back("clang");
                host_add.push_back("lld");
                target_add.push_back(cxx ? "xx-cxx-essentials" : "xx-c-essentials");
            } else {
                target_add = {"gcc", "libc6-dev"};
                if (cxx) target_add.push_back("g++");
            }
        }
        if (target.empty() && target_add.empty()) continue;
        apt_for_target = apt_for_target || !in.apk;

        const std::string helper = "xx-" + std::string(program_name(c));
        Routing r {facts, in.base, line};
        if (host.empty() && host_add.empty()) {
            // Everything is for the target: the same command, through the helper.
            r.replace_program(c, helper,
                              std::string(program_name(c)) + " -> " + helper + " (libraries for the target)");
            std::string more;
            for (const auto& p : target_add) more += " " + p;
            if (!more.empty()) r.append(c, more, "the target's C compiler and libc");
            continue;
        }
        std::vector<std::string> moved;
        for (std::size_t i : target) {
            // The word and the blanks before it: the command keeps its other words as written.
            const std::size_t prev_end = c.offsets[i - 1] + c.words[i - 1].size();
            facts.edits.push_back({in.base + prev_end, in.base + c.offsets[i] + c.words[i].size(), "",
                                   line + ": " + c.words[i] + " is for the target"});
            moved.push_back(c.words[i]);
        }
        std::string tail;
        for (const auto& p : host_add) tail += " " + p;
        tail += " &&";
        for (const auto& a : c.assignments) tail += " " + a;
        tail += " " + helper;
        for (const auto& o : words.options) tail += " " + o;
        tail += " " + c.words[words.subcommand];
        for (const auto& p : moved) tail += " " + p;
        for (const auto& p : target_add) tail += " " + p;
        moved.insert(moved.end(), target_add.begin(), target_add.end());
        r.append(c, tail, helper + " installs " + join(moved, " ") + " for the target");
    }
    // xx-apt-get update adds the target's architecture before updating: one update lists both,
    // and xx-apt-get install finds the lists fresh (no second update).
    if (apt_for_target)
        for (const auto& [begin, end] : facts.apt_updates)
            facts.edits.push_back(
                {begin, end, "xx-apt-get", "apt-get update -> xx-apt-get update (the target's lists too)"});
}

}  // namespace xbuild::dockerfile::detail
