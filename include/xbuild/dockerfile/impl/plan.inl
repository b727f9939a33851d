// Implementation of xbuild/dockerfile/plan.hpp.
#pragma once

#include <algorithm>
#include <map>
#include <set>

#include "../../strings.hpp"
#include "../shell_commands.hpp"
#include "../stages.hpp"

namespace xbuild::dockerfile {

inline std::string_view mode_name(StageMode mode) {
    switch (mode) {
        case StageMode::cross: return "cross";
        case StageMode::target: return "target";
        case StageMode::unchanged: return "unchanged";
    }
    return "unchanged";
}

inline bool Plan::any_cross() const {
    return std::any_of(stages.begin(), stages.end(), [](const StagePlan& s) { return s.mode == StageMode::cross; });
}

namespace detail {

inline std::string flag_value(const Instruction& in, std::string_view name) {
    for (const auto& f : in.flags)
        if (f.name == name && f.value) return *f.value;
    return "";
}

// `# xbuild:cross` / `# xbuild:emulate` in the comment lines right above the FROM.
inline std::string override_comment(std::string_view text, const Instruction& from) {
    std::vector<std::string_view> lines = split(text.substr(0, from.begin), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the FROM starts a line
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        std::string_view line = trim(*it);
        if (!line.starts_with('#')) break;
        std::string_view body = trim(line.substr(1));
        if (body == "xbuild:cross") return "cross";
        if (body == "xbuild:emulate") return "emulate";
    }
    return "";
}

// What a stage's commands are, from the RUN lines.
struct StageFacts {
    std::vector<std::string> builds;        // "go build", "cargo build"
    std::vector<std::string> needs_target;  // why it needs the target CPU
    std::vector<std::string> unsure;        // why the planner will not rewrite it
    std::vector<std::string> already_cross; // helper calls already there
    std::vector<std::string> c_libraries;   // -dev packages / C compilers installed: cgo or -sys crates likely
    bool cgo_disabled = false;              // CGO_ENABLED=0 on the go builds or in ENV
    std::vector<Edit> edits;
};

inline bool word_in(std::string_view w, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

// The offset of the shell text inside the original bytes of a RUN: past the keyword and flags.
inline std::size_t shell_text_offset(std::string_view text, const Instruction& in, char escape) {
    std::size_t i = in.begin;
    auto skip_blanks = [&] {
        while (i < in.end) {
            if (text[i] == ' ' || text[i] == '\t') i++;
            else if (text[i] == escape && i + 1 < in.end && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
                i += text[i + 1] == '\r' ? 3 : 2;
            } else break;
        }
    };
    skip_blanks();
    i = std::min(i + in.keyword.size(), in.end);
    for (std::size_t f = 0; f < in.flags.size() && i < in.end; ++f) {
        skip_blanks();
        i = std::min(scan_word(text.substr(0, in.end), i, escape), in.end);
    }
    skip_blanks();
    return std::min(i, in.end);
}

// A plain word (no quotes or expansions) the rewrite may repeat in xx-verify.
inline bool plain_word(std::string_view w) {
    return !w.empty() && w.find_first_of("'\"$`\\*?[](){};&|<>") == std::string_view::npos;
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

inline void analyze_run(std::string_view text, const Instruction& in, char escape, StageFacts& facts) {
    const std::string line = std::to_string(in.first_line);
    if (in.json_form || !in.heredocs.empty()) {
        std::string all = in.json_form ? join(in.args, " ") : in.text;
        for (const auto& h : in.heredocs) all += "\n" + h.content;
        for (const auto& c : shell_commands(all, escape)) {
            std::string_view p = program_name(c);
            if (word_in(p, {"go", "cargo", "gcc", "cc", "g++", "c++", "clang", "clang++", "make", "cmake"}))
                facts.unsure.push_back("line " + line + ": " + std::string(p) + " in " +
                                       (in.json_form ? "exec form" : "a heredoc") + " (not rewritten yet)");
        }
        return;
    }
    const std::size_t base = shell_text_offset(text, in, escape);
    const std::string_view shell = text.substr(base, in.end - base);
    std::set<std::string> outputs;  // go build -o paths: running one needs the target
    for (const ShellCommand& c : shell_commands(shell, escape)) {
        const std::string_view p = program_name(c);
        const std::string sub = c.words.size() > 1 ? c.words[1] : "";
        // A quote or $( left open runs to the end of the text: no safe place for an edit.
        bool open_quote = false;
        for (const auto& w : c.words)
            for (std::size_t k = 0; k < w.size(); ++k)
                if (w[k] == '\n' && (k == 0 || w[k - 1] != escape)) open_quote = true;
        if (open_quote) {
            if (word_in(p, {"go", "cargo"})) facts.unsure.push_back("line " + line + ": a quote left open around " + std::string(p));
            continue;
        }
        for (const auto& a : c.assignments) {
            if (a == "CGO_ENABLED=1") facts.unsure.push_back("line " + line + ": cgo (CGO_ENABLED=1) needs the target's C libraries (not rewritten yet)");
            if (a.starts_with("GOARCH=") || a.starts_with("GOOS=")) facts.already_cross.push_back("line " + line + ": sets " + a.substr(0, a.find('=')) + " itself");
        }
        if (word_in(p, {"apt-get", "apt", "apk", "yum", "dnf"}) && word_in(sub, {"install", "add"}))
            for (std::size_t i = 2; i < c.words.size(); ++i) {
                const std::string& w = c.words[i];
                if (w.ends_with("-dev") || w.ends_with("-devel") || word_in(w, {"build-essential", "gcc", "musl-dev"}))
                    facts.c_libraries.push_back(w);
            }
        if (p == "go" && sub == "build")
            for (const auto& a : c.assignments)
                if (a == "CGO_ENABLED=0") facts.cgo_disabled = true;
        if (p.starts_with("xx-")) {
            facts.already_cross.push_back("line " + line + ": calls " + std::string(p));
        } else if (p == "go" && (sub == "build" || sub == "install")) {
            facts.builds.push_back("go " + sub);
            facts.edits.push_back({base + c.offsets[0], base + c.offsets[0] + c.words[0].size(), "xx-go",
                                   "line " + line + ": go " + sub + " -> xx-go " + sub});
            for (std::size_t i = 2; i + 1 < c.words.size(); ++i)
                if (c.words[i] == "-o" && plain_word(c.words[i + 1]) && sub == "build") {
                    outputs.insert(c.words[i + 1]);
                    facts.edits.push_back({base + c.end, base + c.end, " && xx-verify " + c.words[i + 1],
                                           "line " + line + ": xx-verify " + c.words[i + 1]});
                }
        } else if (p == "go" && sub == "test") {
            facts.needs_target.push_back("line " + line + ": go test runs the tests");
        } else if (p == "cargo" && std::any_of(c.words.begin(), c.words.end(), [](const std::string& w) {
                       return w == "--target" || w.starts_with("--target=");
                   })) {
            facts.already_cross.push_back("line " + line + ": cargo --target");
        } else if (p == "cargo" && (sub == "build" || sub == "b" || sub == "install")) {
            facts.builds.push_back("cargo " + sub);
            facts.edits.push_back({base + c.offsets[0], base + c.offsets[0] + c.words[0].size(), "xx-cargo",
                                   "line " + line + ": cargo " + sub + " -> xx-cargo " + sub});
            if (sub != "install") {
                // xx-cargo builds into <dir>/<triple>/<profile>; later lines expect <dir>/<profile>.
                std::string dir, profile;
                cargo_output(c, dir, profile);
                if (plain_word(dir) && plain_word(profile))
                    facts.edits.push_back(
                        {base + c.end, base + c.end,
                         " && mkdir -p " + dir + "/" + profile + " && cp -a " + dir + "/$(xx-cargo --print-target-triple)/" +
                             profile + "/. " + dir + "/" + profile + "/",
                         "line " + line + ": " + dir + "/" + profile + " mirrors the target's output folder"});
                else
                    facts.unsure.push_back("line " + line + ": cargo's output folder is not a plain word");
            }
        } else if (p == "cargo" && word_in(sub, {"test", "t", "run", "r", "bench"})) {
            facts.needs_target.push_back("line " + line + ": cargo " + sub + " runs what it built");
        } else if (word_in(p, {"gcc", "cc", "g++", "c++", "clang", "clang++", "make", "cmake", "meson", "ninja",
                               "configure", "autoreconf", "ctest"})) {
            facts.unsure.push_back("line " + line + ": " + std::string(p) + ": C/C++ builds are not rewritten yet");
        } else if (word_in(p, {"npm", "yarn", "pnpm", "pip", "pip3", "gem", "bundle"}) &&
                   word_in(sub, {"install", "ci", "add", "i"})) {
            facts.needs_target.push_back("line " + line + ": " + std::string(p) + " " + sub +
                                         " may build native modules for the CPU it runs on");
        } else if (!c.words.empty() && (outputs.count(c.words[0]) || c.words[0].starts_with("./"))) {
            facts.needs_target.push_back("line " + line + ": runs " + c.words[0]);
        }
    }
}

}  // namespace detail

inline Plan plan_stages(std::string_view text, const Dockerfile& file, const PlanOptions& options) {
    Plan plan;
    if (std::none_of(file.instructions.begin(), file.instructions.end(),
                     [](const Instruction& in) { return in.keyword == "FROM"; }))
        return plan;
    // Stages, their references and what the target needs, as BuildKit sees them (stages.hpp).
    const StageGraph graph = build_stage_graph(file, {.target_stage = options.target_stage}, options.filename);
    const auto& stages = graph.stages;
    plan.target = graph.target;

    // The image's stages: the target and its FROM chain.
    std::set<int> image_chain, is_base;
    for (int s = plan.target; s >= 0;) {
        image_chain.insert(s);
        const StageRef& base = stages[std::size_t(s)].base_ref;
        s = base.kind == StageRef::stage ? base.stage_index : -1;
    }
    for (const auto& st : stages)
        if (st.base_ref.kind == StageRef::stage) is_base.insert(st.base_ref.stage_index);

    for (std::size_t i = 0; i < stages.size(); ++i) {
        const auto& st = stages[i];
        StagePlan sp;
        sp.index = int(i);
        sp.name = st.name;
        sp.from_line = st.from->first_line;
        const std::vector<const Instruction*>& body = st.instructions;
        auto decide = [&](StageMode mode, std::string reason) {
            sp.mode = mode;
            sp.reason = std::move(reason);
        };
        detail::StageFacts facts;
        for (const Instruction* in : body) {
            if (in->keyword == "RUN") detail::analyze_run(text, *in, file.escape, facts);
            if (in->keyword == "ENV")
                for (const auto& a : in->args) {
                    if (a == "CGO_ENABLED=0") facts.cgo_disabled = true;
                    if (a == "CGO_ENABLED=1") facts.unsure.push_back("line " + std::to_string(in->first_line) + ": ENV CGO_ENABLED=1: cgo is not rewritten yet");
                }
            if (in->keyword == "ENV")
                for (const auto& a : in->args)
                    if (a.starts_with("GOOS=") || a.starts_with("GOARCH=") || a.starts_with("CARGO_BUILD_TARGET="))
                        facts.already_cross.push_back("line " + std::to_string(in->first_line) + ": ENV " + a);
        }
        // C libraries installed beside a Go build without CGO_ENABLED=0, or beside a cargo build:
        // cgo or -sys crates would need the target's libraries, which are not routed yet.
        const bool go_build = std::any_of(facts.builds.begin(), facts.builds.end(), [](const std::string& b) { return b.starts_with("go "); });
        const bool cargo_build = std::any_of(facts.builds.begin(), facts.builds.end(), [](const std::string& b) { return b.starts_with("cargo "); });
        if (!facts.c_libraries.empty() && ((go_build && !facts.cgo_disabled) || cargo_build))
            facts.unsure.push_back("installs " + facts.c_libraries[0] + (go_build ? ": go build may use cgo" : ": a -sys crate may link it") +
                                   ", and target libraries are not routed through xx-apt-get yet");
        const std::string over = detail::override_comment(text, *st.from);
        const std::string pinned = detail::flag_value(*st.from, "platform");

        if (!options.enabled) decide(StageMode::unchanged, "the rewrite is off (XBUILD_REWRITE=0)");
        else if (!st.reachable) decide(StageMode::unchanged, "not needed to build the target stage");
        else if (over == "emulate") decide(StageMode::target, "# xbuild:emulate");
        else if (image_chain.count(int(i)))
            decide(StageMode::target, int(i) == plan.target ? "the image: runs on the target"
                                                            : "the image builds on it (FROM): runs on the target");
        else if (!pinned.empty()) decide(StageMode::unchanged, "already pinned: FROM --platform=" + pinned);
        else if (!facts.already_cross.empty()) decide(StageMode::unchanged, "already cross-compiles (" + facts.already_cross[0] + ")");
        else if (is_base.count(int(i))) decide(StageMode::unchanged, "another stage builds on it (FROM): its platform would change theirs");
        else if (over == "cross" && facts.unsure.empty()) decide(StageMode::cross, "# xbuild:cross");
        else if (!facts.needs_target.empty()) decide(StageMode::target, "needs the target's CPU (" + facts.needs_target[0] + ")");
        else if (!facts.unsure.empty()) decide(StageMode::unchanged, "not sure (" + facts.unsure[0] + ")");
        else if (!facts.builds.empty())
            decide(StageMode::cross, "builds with " + join(facts.builds, ", ") + "; the image takes only files from it (COPY --from)");
        else decide(StageMode::target, "nothing to cross-compile: runs as written");

        if (sp.mode == StageMode::cross) sp.edits = std::move(facts.edits);
        plan.stages.push_back(std::move(sp));
    }
    return plan;
}

}  // namespace xbuild::dockerfile
