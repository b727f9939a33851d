// Implementation of xbuild/dockerfile/routes.hpp.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <utility>
#include <set>

#include "../../strings.hpp"

namespace xbuild::dockerfile {

namespace detail {

inline bool word_in(std::string_view w, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

inline bool any_word(const ShellCommand& c, std::initializer_list<std::string_view> list) {
    return std::any_of(c.words.begin() + 1, c.words.end(), [&](const std::string& w) { return word_in(w, list); });
}

inline bool any_word_starts(const ShellCommand& c, std::string_view prefix) {
    return std::any_of(c.words.begin() + 1, c.words.end(), [&](const std::string& w) { return w.starts_with(prefix); });
}

// A plain word (no quotes or expansions) the rewrite may repeat in xx-verify.
inline bool plain_word(std::string_view w) {
    return !w.empty() && w.find_first_of("'\"$`\\*?[](){};&|<>") == std::string_view::npos;
}

// A value without the quotes around it: "\"linux\"" -> "linux".
inline std::string_view unquoted(std::string_view v) {
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
        return v.substr(1, v.size() - 2);
    return v;
}

// $NAME or ${NAME}: the automatic platform ARG itself, whatever platform is built.
inline bool is_variable(std::string_view v, std::string_view name) {
    v = unquoted(v);
    if (!v.starts_with('$')) return false;
    v.remove_prefix(1);
    if (v.starts_with('{') && v.ends_with('}')) v = v.substr(1, v.size() - 2);
    return v == name;
}

// The rows a hard-coded value names (linux rows; the first of an arch).
inline const Target* target_by_go_arch(std::string_view v) {
    for (const Target& t : targets())
        if (t.os == "linux" && t.go_arch == v) return &t;
    return nullptr;
}
inline const Target* target_by_rust_triple(std::string_view v) {
    for (const Target& t : targets())
        if (!v.empty() && (t.rust_gnu == v || t.rust_musl == v)) return &t;
    return nullptr;
}
// A cross tool named by its Debian multiarch prefix: x86_64-linux-gnu-gcc, aarch64-linux-gnu-g++.
inline const Target* target_by_tool_prefix(std::string_view program) {
    if (const auto slash = program.rfind('/'); slash != std::string_view::npos) program.remove_prefix(slash + 1);
    for (const Target& t : targets())
        if (t.os == "linux" && !t.multiarch.empty() && program.size() > t.multiarch.size() &&
            program.starts_with(t.multiarch) && program[t.multiarch.size()] == '-')
            return &t;
    return nullptr;
}
inline const Target* target_by_march(std::string_view v) {
    for (const Target& t : targets())
        if (!t.cc_march.empty() && t.cc_march == v) return &t;
    return nullptr;
}
inline bool is_go_variant_var(std::string_view name) {
    for (const Target& t : targets())
        if (!t.go_var.empty() && t.go_var == name) return true;
    return false;
}

// -march=X / -mcpu=X anywhere in a word ("CFLAGS=-O2 -march=x86-64"): code for one CPU family.
inline void note_march(std::string_view word, int line, StageFacts& facts) {
    for (std::string_view flag : {"-march=", "-mcpu="}) {
        const std::size_t at = word.find(flag);
        if (at == std::string_view::npos) continue;
        std::string_view v = word.substr(at + flag.size());
        v = v.substr(0, std::min(v.find_first_of(" \t\"'"), v.size()));
        const std::string setting = std::string(flag) + std::string(v);
        facts.unsure.push_back("line " + std::to_string(line) + ": " + setting + " picks one CPU");
        if (v != "native" && !v.empty() && v.find('$') == std::string_view::npos)
            facts.hard_coded.push_back({line, setting, target_by_march(v),
                                        "drop " + setting + ", or pick it per platform (case \"$TARGETARCH\" in ...)"});
        return;
    }
}

// NAME=value before a command or in ENV: what it says about cross-compiling by hand.
inline void note_setting(std::string_view name, std::string_view raw, int line, StageFacts& facts) {
    const std::string_view v = unquoted(raw);
    const std::string where = "line " + std::to_string(line);
    auto by_hand = [&] { facts.already_cross.push_back(where + ": sets " + std::string(name) + " itself"); };
    note_march(v, line, facts);
    if (name == "CGO_ENABLED") {
        if (v == "0") facts.cgo_disabled = true;
        if (v == "1") facts.cgo_enabled = true;
    } else if (name == "GOOS") {
        // The target's own OS (or TARGETOS) is not cross-compiling: xx-go keeps it, sets the rest.
        if (is_variable(v, "TARGETOS")) facts.target_vars.push_back(where + ": GOOS=" + std::string(v));
        else if (v != facts.target_os) by_hand();
    } else if (name == "GOARCH") {
        // On the target, GOARCH=$TARGETARCH is what go does anyway: routed, xx-go keeps it and adds
        // GOARM & co.; on the build machine (a pinned base stage) it is cross-compiling by hand.
        if (is_variable(v, "TARGETARCH")) return facts.target_vars.push_back(where + ": GOARCH=" + std::string(v));
        if (const Target* t = target_by_go_arch(v))
            facts.hard_coded.push_back({line, "GOARCH=" + std::string(v), t,
                                        "drop GOARCH=" + std::string(v) +
                                            " (the frontend's xx-go sets it per platform), or write "
                                            "GOARCH=$TARGETARCH after ARG TARGETARCH"});
        by_hand();
    } else if (is_go_variant_var(name)) {
        if (v.find("TARGETVARIANT") == std::string_view::npos) by_hand();
    } else if (name == "CARGO_BUILD_TARGET") {
        if (const Target* t = target_by_rust_triple(v))
            facts.hard_coded.push_back({line, "CARGO_BUILD_TARGET=" + std::string(v), t,
                                        "drop it (xx-cargo adds the platform's --target), or set it from "
                                        "$(xx-cargo --print-target-triple)"});
        by_hand();
    } else if (name == "CC" || name == "CXX") {
        if (const Target* t = target_by_tool_prefix(v)) {
            facts.hard_coded.push_back({line, std::string(name) + "=" + std::string(v), t,
                                        "use " + std::string(name) + "=" + (name == "CC" ? "xx-cc" : "xx-c++") +
                                            ", or drop it: the frontend routes the compilers through the helpers"});
            facts.unsure.push_back(where + ": " + std::string(name) + "=" + std::string(v) +
                                   ", a cross compiler of its own");
        }
    }
}

// The folder cargo writes `profile` artifacts to without --target: <target-dir>/<profile>.
inline void cargo_output(const ShellCommand& c, std::string& dir, std::string& profile) {
    dir = "target";
    profile = "debug";
    for (const auto& a : c.assignments)
        if (a.starts_with("CARGO_TARGET_DIR=")) dir = a.substr(17);
    for (std::size_t i = 1; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (w == "--release" || w == "-r") profile = "release";
        if (w == "--profile" && i + 1 < c.words.size()) profile = c.words[i + 1] == "dev" ? "debug" : c.words[i + 1];
        if (w.starts_with("--profile=")) profile = w.substr(10) == "dev" ? "debug" : w.substr(10);
        if (w == "--target-dir" && i + 1 < c.words.size()) dir = c.words[i + 1];
        if (w.starts_with("--target-dir=")) dir = w.substr(13);
    }
}

// Context for routing one command: where its words are in the Dockerfile, and its line.
struct Routing {
    StageFacts& facts;
    std::size_t base;  // offset of the shell text in the Dockerfile
    std::string line;  // "line 12"
    int line_no = 0;

    void replace_program(const ShellCommand& c, std::string by, std::string why) {
        facts.edits.push_back(
            {base + c.offsets[0], base + c.offsets[0] + c.words[0].size(), std::move(by), line + ": " + why});
    }
    void insert_after_word(const ShellCommand& c, std::size_t word, std::string text, std::string why) {
        const std::size_t at = base + c.offsets[word] + c.words[word].size();
        facts.edits.push_back({at, at, std::move(text), line + ": " + why});
    }
    void append(const ShellCommand& c, std::string text, std::string why) {
        facts.edits.push_back({base + c.end, base + c.end, std::move(text), line + ": " + why});
    }
};

// `go install pkg@version`: a tool for the build machine, not the program being built.
inline bool installs_a_tool(const ShellCommand& c) {
    return std::any_of(c.words.begin() + 2, c.words.end(),
                       [](const std::string& w) { return !w.starts_with('-') && w.find('@') != std::string::npos; });
}

inline void route_go(Routing& r, const ShellCommand& c, const std::string& sub, std::set<std::string>& outputs) {
    StageFacts& facts = r.facts;
    bool sets_cgo = false;
    for (const auto& a : c.assignments)
        if (a.starts_with("CGO_ENABLED=")) sets_cgo = true;
    if (sub == "test") {
        facts.needs_target.push_back(r.line + ": go test runs the tests");
        return;
    }
    if (sub != "build" && sub != "install") return;
    if (sub == "install" && installs_a_tool(c)) return;  // runs here: stays native
    facts.builds.push_back("go " + sub);
    r.replace_program(c, "xx-go", "go " + sub + " -> xx-go " + sub);
    if (sub == "install") {
        // Cross, go install writes $GOPATH/bin/<goos>_<goarch>/; later lines expect $GOPATH/bin.
        r.append(c,
                 " && { xxd=$(go env GOPATH)/bin/$(xx-go env GOOS)_$(xx-go env GOARCH); "
                 "if [ -d \"$xxd\" ]; then cp -a \"$xxd\"/. \"$(go env GOPATH)/bin/\" && rm -rf \"$xxd\"; fi; }",
                 "$GOPATH/bin mirrors the target's install folder");
    }
    if (!sets_cgo) facts.plain_go_builds.push_back(r.base + c.offsets[0]);
    for (std::size_t i = 2; i + 1 < c.words.size(); ++i)
        if (c.words[i] == "-o" && plain_word(c.words[i + 1]) && sub == "build") {
            outputs.insert(c.words[i + 1]);
            r.append(c, " && xx-verify " + c.words[i + 1], "xx-verify " + c.words[i + 1]);
        }
}

inline void route_cargo(Routing& r, const ShellCommand& c, const std::string& sub) {
    StageFacts& facts = r.facts;
    if (any_word(c, {"--target"}) || any_word_starts(c, "--target=")) {
        facts.already_cross.push_back(r.line + ": cargo --target");
        for (std::size_t i = 1; i < c.words.size(); ++i) {
            const std::string& w = c.words[i];
            std::string_view v = w.starts_with("--target=")                  ? std::string_view(w).substr(9)
                                 : w == "--target" && i + 1 < c.words.size() ? std::string_view(c.words[i + 1])
                                                                             : std::string_view();
            if (const Target* t = target_by_rust_triple(unquoted(v)))
                facts.hard_coded.push_back({r.line_no, "--target " + std::string(unquoted(v)), t,
                                            "drop --target (the frontend's xx-cargo adds the platform's), or "
                                            "write --target \"$(xx-cargo --print-target-triple)\""});
        }
        return;
    }
    // `cargo install NAME` (not --path): a tool for the build machine, like cargo-chef.
    const bool tool = sub == "install" && !any_word(c, {"--path"}) && !any_word_starts(c, "--path=");
    if (tool) return;
    if (sub == "chef" && c.words.size() > 2 && c.words[2] == "cook") {
        // cargo-chef builds the dependencies as `cargo build` would: for the target, into target/<triple>.
        facts.builds.push_back("cargo chef cook");
        r.replace_program(c, "xx-cargo", "cargo chef cook -> xx-cargo chef cook");
        return;
    }
    if (word_in(sub, {"build", "b", "install"})) {
        facts.builds.push_back("cargo " + sub);
        r.replace_program(c, "xx-cargo", "cargo " + sub + " -> xx-cargo " + sub);
        if (sub == "install") return;
        // xx-cargo builds into <dir>/<triple>/<profile>; later lines expect <dir>/<profile>.
        std::string dir, profile;
        cargo_output(c, dir, profile);
        if (plain_word(dir) && plain_word(profile))
            r.append(c,
                     " && mkdir -p " + dir + "/" + profile + " && cp -a " + dir +
                         "/$(xx-cargo --print-target-triple)/" + profile + "/. " + dir + "/" + profile + "/",
                     dir + "/" + profile + " mirrors the target's output folder");
        else facts.unsure.push_back(r.line + ": cargo's output folder is not a plain word");
    } else if (word_in(sub, {"test", "t", "run", "r", "bench"})) {
        facts.needs_target.push_back(r.line + ": cargo " + sub + " runs what it built");
    }
}

// gcc, cc, g++, c++, clang, clang++: the prefixed helper; -o OUT of a link is verified.
inline void route_c_compiler(Routing& r, const ShellCommand& c, std::string_view p) {
    StageFacts& facts = r.facts;
    const bool cxx = word_in(p, {"g++", "c++", "clang++"});
    const std::string helper = p == "clang" ? "xx-clang" : p == "clang++" ? "xx-clang++" : cxx ? "xx-c++" : "xx-cc";
    facts.builds.push_back(std::string(p));
    facts.compiles_c = true;
    facts.compiles_cxx = facts.compiles_cxx || cxx;
    r.replace_program(c, helper, std::string(p) + " -> " + helper);
    if (any_word(c, {"-c", "-S", "-E", "-M", "-MM"})) return;  // no link: nothing to verify
    for (std::size_t i = 1; i + 1 < c.words.size(); ++i)
        if (c.words[i] == "-o" && plain_word(c.words[i + 1]))
            r.append(c, " && xx-verify " + c.words[i + 1], "xx-verify " + c.words[i + 1]);
}

// make, cmake, meson, ninja, ./configure: the build systems, told about the target.
inline void route_build_system(Routing& r, const ShellCommand& c, std::string_view p, const std::string& sub) {
    StageFacts& facts = r.facts;
    auto needs_target = [&](std::string why) { facts.needs_target.push_back(r.line + ": " + why); };
    facts.compiles_c = facts.build_system = true;
    if (p == "ctest") return needs_target("ctest runs the tests");
    if (p == "make") {
        if (any_word(c, {"test", "check", "tests", "run"})) return needs_target("make " + sub + " runs what it built");
        if (any_word_starts(c, "CC=") || any_word_starts(c, "CXX=")) {
            for (std::size_t i = 1; i < c.words.size(); ++i)
                if (c.words[i].starts_with("CC=") || c.words[i].starts_with("CXX="))
                    note_setting(c.words[i].substr(0, c.words[i].find('=')),
                                 c.words[i].substr(c.words[i].find('=') + 1), r.line_no, facts);
            return facts.unsure.push_back(r.line + ": make with the user's own CC/CXX");
        }
        facts.builds.push_back("make");
        return r.insert_after_word(c, 0, " CC=xx-cc CXX=xx-c++", "make with the target's compilers");
    }
    if (p == "ninja") {
        if (any_word(c, {"test", "check"})) return needs_target("ninja test runs the tests");
        facts.builds.push_back("ninja");
        return;
    }
    if (p == "cmake") {
        if (any_word(c, {"--build"})) {
            const auto t = std::find(c.words.begin(), c.words.end(), "--target");
            if (any_word(c, {"test", "check"}) && t != c.words.end())
                return needs_target("cmake --build --target test runs the tests");
            facts.builds.push_back("cmake --build");
            return;
        }
        if (any_word(c, {"--install", "-E", "-P", "--help", "--version", "-N", "--open", "--find-package"})) return;
        if (any_word_starts(c, "-DCMAKE_TOOLCHAIN_FILE") || any_word_starts(c, "--toolchain"))
            return facts.already_cross.push_back(r.line + ": cmake with a toolchain file");
        if (any_word_starts(c, "-DCMAKE_C_COMPILER") || any_word_starts(c, "-DCMAKE_CXX_COMPILER"))
            return facts.unsure.push_back(r.line + ": cmake with the user's own compiler");
        facts.builds.push_back("cmake");
        return r.insert_after_word(c, 0, " -DCMAKE_TOOLCHAIN_FILE=$(xx-cc --print-cmake-toolchain-path)",
                                   "cmake with the target's toolchain file");
    }
    if (p == "meson") {
        if (sub == "test") return needs_target("meson test runs the tests");
        if (any_word_starts(c, "--cross-file")) return facts.already_cross.push_back(r.line + ": meson --cross-file");
        if (word_in(sub, {"compile", "install", "introspect", "configure", "dist", "wrap", "subprojects", "rewrite",
                          "init", "env2mfile", "devenv", "--help", "--version", "-v", "-h"}))
            return facts.builds.push_back("meson " + sub);
        facts.builds.push_back("meson setup");
        // `meson DIR` is the old spelling of `meson setup DIR`: the option goes after either.
        return r.insert_after_word(c, sub == "setup" ? 1 : 0, " --cross-file=$(xx-cc --print-meson-cross-file-path)",
                                   "meson setup with the target's cross file");
    }
    // ./configure (autoconf, or anything spelled like it)
    if (any_word_starts(c, "--host")) return facts.already_cross.push_back(r.line + ": configure --host");
    if (any_word_starts(c, "CC=") || any_word_starts(c, "CXX="))
        return facts.unsure.push_back(r.line + ": configure with the user's own CC/CXX");
    facts.builds.push_back("configure");
    r.insert_after_word(c, 0, " --host=$(xx-cc --print-target-triple) CC=xx-cc CXX=xx-c++",
                        "configure for the target (--host, CC, CXX)");
}

// A quote or $( left open runs to the end of the text: no safe place for an edit.
inline bool quote_left_open(const ShellCommand& c, char escape) {
    for (const auto& w : c.words)
        for (std::size_t k = 0; k < w.size(); ++k)
            if (w[k] == '\n' && (k == 0 || w[k - 1] != escape)) return true;
    return false;
}

inline bool is_c_compiler(std::string_view p) { return word_in(p, {"gcc", "cc", "g++", "c++", "clang", "clang++"}); }
inline bool is_build_system(std::string_view p) {
    return word_in(p, {"make", "cmake", "meson", "ninja", "ctest", "configure"});
}

// gcc-12, clang-14, g++-12: a compiler version the helpers do not pick.
inline bool is_versioned_compiler(std::string_view p) {
    for (std::string_view base : {"gcc-", "g++-", "clang-", "clang++-"})
        if (p.starts_with(base) && p.size() > base.size() &&
            std::all_of(p.begin() + long(base.size()), p.end(),
                        [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; }))
            return true;
    return false;
}

}  // namespace detail

}  // namespace xbuild::dockerfile

// The package installs' routes use the helpers above.
#include "package_routes.inl"

namespace xbuild::dockerfile {

namespace detail {

inline bool is_shell(std::string_view program) { return word_in(program, {"sh", "bash", "dash", "ash"}); }

// `sh -c 'go build ...'`: the script's text inside its quotes (offsets in the command's text),
// when the rewrite can edit it in place: one quoted word, no backslash or nested quote of its kind.
inline std::optional<std::pair<std::size_t, std::size_t>> shell_c_script(const ShellCommand& c) {
    if (!is_shell(program_name(c))) return std::nullopt;
    for (std::size_t i = 1; i + 1 < c.words.size(); ++i) {
        if (c.words[i] != "-c" && !(c.words[i].starts_with('-') && c.words[i].ends_with('c'))) continue;
        const std::string& w = c.words[i + 1];
        if (w.size() < 2 || (w.front() != '"' && w.front() != '\'') || w.back() != w.front()) return std::nullopt;
        const std::string_view inside = std::string_view(w).substr(1, w.size() - 2);
        if (inside.find_first_of(std::string {'\\', w.front()}) != std::string_view::npos) return std::nullopt;
        return std::pair {c.offsets[i + 1] + 1, c.offsets[i + 1] + w.size() - 1};
    }
    return std::nullopt;
}

// The commands of text[begin, end): a RUN's shell text (Lines::dockerfile) or a script's body
// (Lines::shell). `first_line` is the line at `begin`; a script's commands are named by their
// own lines, a RUN's by its first.
inline void route_shell(std::string_view text, std::size_t begin, std::size_t end, char escape, int first_line,
                        Lines lines, StageFacts& facts, std::set<std::string>& outputs) {
    const std::string_view shell = text.substr(begin, end - begin);
    Routing r {facts, begin, "line " + std::to_string(first_line)};
    for (const ShellCommand& c : shell_commands(shell, escape, lines)) {
        const int line_no = lines == Lines::shell
                                ? first_line + int(std::count(shell.begin(), shell.begin() + long(c.offsets[0]), '\n'))
                                : first_line;
        r.line = "line " + std::to_string(line_no);
        r.line_no = line_no;
        const std::string& line = r.line;
        const std::string_view p = program_name(c);
        const std::string sub = c.words.size() > 1 ? c.words[1] : "";
        if (quote_left_open(c, escape)) {
            if (word_in(p, {"go", "cargo"}) || is_c_compiler(p) || is_build_system(p))
                facts.unsure.push_back(line + ": a quote left open around " + std::string(p));
            continue;
        }
        for (const auto& a : c.assignments)
            note_setting(a.substr(0, a.find('=')), a.substr(a.find('=') + 1), line_no, facts);
        for (std::size_t i = 1; i < c.words.size(); ++i) note_march(c.words[i], line_no, facts);
        if (p.starts_with("xx-")) {
            facts.already_cross.push_back(line + ": calls " + std::string(p));
        } else if (const auto script = shell_c_script(c)) {
            route_shell(text, begin + script->first, begin + script->second, '\\', line_no, Lines::shell, facts,
                        outputs);
        } else if (facts.tools_only && (word_in(p, {"go", "cargo"}) || is_c_compiler(p) || is_build_system(p))) {
            // a base stage builds the build machine's tools: they run here, as they are
        } else if (is_package_install(c)) {
            note_package_install(c, begin, line_no, facts);
        } else if (is_apt_update(c)) {
            facts.apt_updates.emplace_back(begin + c.offsets[0], begin + c.offsets[0] + c.words[0].size());
        } else if (p == "go") {
            route_go(r, c, sub, outputs);
        } else if (p == "cargo") {
            route_cargo(r, c, sub);
        } else if (is_c_compiler(p)) {
            route_c_compiler(r, c, p);
        } else if (is_build_system(p)) {
            route_build_system(r, c, p, sub);
        } else if (is_versioned_compiler(p)) {
            facts.unsure.push_back(line + ": " + std::string(p) + ": a compiler version the helpers do not pick");
        } else if (word_in(p, {"npm", "yarn", "pnpm", "pip", "pip3", "gem", "bundle"}) &&
                   word_in(sub, {"install", "ci", "add", "i"})) {
            facts.needs_target.push_back(line + ": " + std::string(p) + " " + sub +
                                         " may build native modules for the CPU it runs on");
        } else if (word_in(p, {"autogen.sh", "autogen", "bootstrap", "bootstrap.sh", "buildconf", "autoreconf"})) {
            // autotools' own generators: they write configure, on any machine
        } else if (c.words[0].starts_with("./") && c.words[0].ends_with(".sh")) {
            facts.unsure.push_back(line + ": " + c.words[0] + " may compile (a script the planner cannot see into)");
        } else if (outputs.count(c.words[0]) || c.words[0].starts_with("./")) {
            facts.needs_target.push_back(line + ": runs " + c.words[0]);
        }
    }
}

// `<<EOF`, `<<-'EOF'`, `0<<EOF`: the word that feeds a heredoc to standard input.
inline bool is_stdin_heredoc_word(std::string_view w) {
    if (w.starts_with("0")) w.remove_prefix(1);
    return w.starts_with("<<") && w.size() > 2;
}

// The shell a `#!` line names (through /usr/bin/env too), or "" when the body has none.
inline std::string shebang_program(std::string_view body) {
    if (!body.starts_with("#!")) return {};
    const std::size_t nl = body.find('\n');
    const auto commands = shell_commands(body.substr(2, nl == std::string_view::npos ? nl : nl - 2));
    return commands.empty() ? "#!" : std::string(program_name(commands.front()));  // env: a wrapper, skipped
}

// The heredoc whose body a shell runs as its script, or null when the bodies are data:
//   RUN <<EOF               BuildKit runs the body with the stage's shell (or its #! interpreter)
//   RUN bash -ex <<EOF      a shell reads the body from standard input
inline const Heredoc* shell_script_heredoc(const Instruction& in, std::string_view command, char escape) {
    if (in.heredocs.size() != 1) return nullptr;
    const auto commands = shell_commands(command, escape);
    if (commands.size() != 1 || !commands[0].assignments.empty()) return nullptr;
    const ShellCommand& c = commands[0];
    const Heredoc& h = in.heredocs.front();
    if (c.words.size() == 1 && c.words[0].starts_with("<<")) {
        const std::string interpreter = shebang_program(h.content);
        return interpreter.empty() || is_shell(interpreter) ? &h : nullptr;
    }
    if (!is_shell(program_name(c))) return nullptr;
    int fed = 0;
    for (std::size_t i = 1; i < c.words.size(); ++i) {
        const std::string& w = c.words[i];
        if (is_stdin_heredoc_word(w)) fed++;
        else if (w == "-o" || w == "+o") i++;                    // -o pipefail
        else if (w.starts_with("--") && w.size() > 2) continue;  // --norc, --posix
        else if ((w.starts_with("-") || w.starts_with("+")) && w.find('c') == std::string::npos) continue;
        else return nullptr;  // -c SCRIPT, a script file, a redirect: the body is not the script
    }
    return fed == 1 ? &h : nullptr;
}

}  // namespace detail

inline void route_env(const std::string& name, const std::string& value, int line, StageFacts& facts) {
    detail::note_setting(name, value, line, facts);
    if (name == "GOOS" || name == "GOARCH" || name == "CARGO_BUILD_TARGET") {
        // ENV applies to every later line: said once, as ENV, rather than as a command's setting.
        const std::string said = "line " + std::to_string(line) + ": sets " + name + " itself";
        auto it = std::find(facts.already_cross.begin(), facts.already_cross.end(), said);
        if (it != facts.already_cross.end()) *it = "line " + std::to_string(line) + ": ENV " + name + "=" + value;
    }
}

inline void route_run(std::string_view text, const Instruction& in, char escape, StageFacts& facts) {
    using namespace detail;
    const std::string line = "line " + std::to_string(in.first_line);
    auto unsure_of_builds_in = [&](std::string_view what, std::string_view where) {
        for (const auto& c : shell_commands(what, escape)) {
            std::string_view p = program_name(c);
            if (word_in(p, {"go", "cargo"}) || is_c_compiler(p) || is_build_system(p))
                facts.unsure.push_back(line + ": " + std::string(p) + " in " + std::string(where) + " (not rewritten)");
        }
    };
    if (in.json_form) return unsure_of_builds_in(join(in.args, " "), "exec form");
    const std::size_t base = in.text_begin;
    // The RUN's own lines end where the first heredoc's body begins.
    const std::size_t end = in.heredocs.empty() ? in.end : std::max(base, in.heredocs.front().begin);
    const Heredoc* script = shell_script_heredoc(in, text.substr(base, end - base), escape);
    std::set<std::string> outputs;  // go build -o paths: running one needs the target
    const std::size_t builds_before = facts.builds.size();
    route_shell(text, base, end, escape, in.first_line, Lines::dockerfile, facts, outputs);
    for (const Heredoc& h : in.heredocs) {
        if (&h == script) {  // a shell script: its escape is the shell's backslash, not the Dockerfile's
            route_shell(text, h.begin, h.end, '\\', h.first_line, Lines::shell, facts, outputs);
        } else {
            unsure_of_builds_in(h.content, "a heredoc that is not the RUN's shell script");
        }
    }
    // Go's build cache outlives the step (BuildKit keeps cache mounts, --no-cache builds too): a
    // rebuild compiles only what changed. It is keyed by content, GOARCH included, so one cache
    // serves every platform. Not in the image, as the stage's layers are not.
    const bool go_build = std::any_of(facts.builds.begin() + long(builds_before), facts.builds.end(),
                                      [](const std::string& b) { return b.starts_with("go "); });
    const bool has_go_cache = std::any_of(in.flags.begin(), in.flags.end(), [](const Flag& f) {
        return f.name == "mount" && f.value && f.value->find("go-build") != std::string::npos;
    });
    // xx-go keeps the target's precompiled standard library in ~/.cache/xx (go_std.hpp): a
    // rebuild copies it instead of fetching it again.
    if (go_build && !has_go_cache)
        facts.edits.push_back(
            {in.keyword_end, in.keyword_end,
             " --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/root/.cache/xx",
             line + ": Go's build cache and xx-go's standard libraries kept between builds"});
}

inline void route_stage(StageFacts& facts) {
    const bool cgo = !facts.cgo_disabled && (facts.cgo_enabled || !facts.c_libraries.empty());
    const bool go = std::any_of(facts.builds.begin(), facts.builds.end(),
                                [](const std::string& b) { return b.starts_with("go "); });
    // Natively, go build uses cgo when a C compiler is there; cross, Go turns it off unless asked:
    // with -dev libraries installed the build means to link them.
    if (go && cgo && !facts.cgo_enabled)
        for (std::size_t at : facts.plain_go_builds)
            facts.edits.push_back({at, at, "CGO_ENABLED=1 ", "cgo: the stage installs " + facts.c_libraries[0]});
    const bool cargo = std::any_of(facts.builds.begin(), facts.builds.end(),
                                   [](const std::string& b) { return b.starts_with("cargo "); });
    detail::route_package_installs(facts, facts.compiles_c || (go && cgo) || cargo);
}

}  // namespace xbuild::dockerfile
