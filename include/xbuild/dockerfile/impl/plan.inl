// Implementation of xbuild/dockerfile/plan.hpp.
#pragma once

#include <algorithm>
#include <set>

#include "../../strings.hpp"
#include "../routes.hpp"
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

// `# xbuild:cross` / `# xbuild:emulate` in the comment lines right above the FROM (the nearest).
inline std::string override_comment(std::string_view text, const Instruction& from) {
    std::vector<std::string_view> lines =
        split(text.substr(from.comments_begin, from.begin - from.comments_begin), '\n');
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        const std::string_view line = trim(*it);
        if (!line.starts_with('#')) continue;  // the "" after the last "\n"
        const std::string_view body = trim(line.substr(1));
        if (body == "xbuild:cross") return "cross";
        if (body == "xbuild:emulate") return "emulate";
    }
    return "";
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
        sp.from_instruction = std::size_t(st.from - file.instructions.data());
        const std::vector<const Instruction*>& body = st.instructions;
        auto decide = [&](StageMode mode, std::string reason) {
            sp.mode = mode;
            sp.reason = std::move(reason);
        };
        StageFacts facts;
        for (const Instruction* in : body) {
            if (in->keyword == "RUN") route_run(text, *in, file.escape, facts);
            if (in->keyword != "ENV") continue;
            // The `k=v` form only, values as written: what the line says, not what it expands to.
            const auto env = std::get<Env>(parse_instruction(*in, "Dockerfile", {false, false}));
            if (env.legacy) continue;
            for (const auto& [key, value] : env.pairs) {
                if (key == "CGO_ENABLED" && value == "0") facts.cgo_disabled = true;
                if (key == "CGO_ENABLED" && value == "1") facts.cgo_enabled = true;
                if (key == "GOOS" || key == "GOARCH" || key == "CARGO_BUILD_TARGET")
                    facts.already_cross.push_back("line " + std::to_string(in->first_line) + ": ENV " + key + "=" +
                                                  value);
            }
        }
        route_stage(facts);
        const std::string over = detail::override_comment(text, *st.from);
        const std::string& pinned = st.platform_raw;  // FROM --platform, as written

        if (!options.enabled) decide(StageMode::unchanged, "the rewrite is off (XBUILD_REWRITE=0)");
        else if (!st.reachable) decide(StageMode::unchanged, "not needed to build the target stage");
        else if (over == "emulate") decide(StageMode::target, "# xbuild:emulate");
        else if (image_chain.count(int(i)))
            decide(StageMode::target, int(i) == plan.target ? "the image: runs on the target"
                                                            : "the image builds on it (FROM): runs on the target");
        else if (!pinned.empty()) decide(StageMode::unchanged, "already pinned: FROM --platform=" + pinned);
        else if (!facts.already_cross.empty())
            decide(StageMode::unchanged, "already cross-compiles (" + facts.already_cross[0] + ")");
        else if (is_base.count(int(i)))
            decide(StageMode::unchanged, "another stage builds on it (FROM): its platform would change theirs");
        else if (over == "cross" && facts.unsure.empty()) decide(StageMode::cross, "# xbuild:cross");
        else if (!facts.needs_target.empty())
            decide(StageMode::target, "needs the target's CPU (" + facts.needs_target[0] + ")");
        else if (!facts.unsure.empty()) decide(StageMode::unchanged, "not sure (" + facts.unsure[0] + ")");
        else if (!facts.builds.empty()) {
            std::vector<std::string> builds;  // in order, once each
            for (const auto& b : facts.builds)
                if (std::find(builds.begin(), builds.end(), b) == builds.end()) builds.push_back(b);
            decide(StageMode::cross,
                   "builds with " + join(builds, ", ") + "; the image takes only files from it (COPY --from)");
        } else decide(StageMode::target, "nothing to cross-compile: runs as written");

        if (sp.mode == StageMode::cross) sp.edits = std::move(facts.edits);
        plan.stages.push_back(std::move(sp));
    }
    return plan;
}

}  // namespace xbuild::dockerfile
