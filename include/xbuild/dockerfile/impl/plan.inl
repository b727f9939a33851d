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

namespace detail {

// What one stage's instructions say (routes.hpp). tools_only: a base stage, whose builds are the
// build machine's tools.
inline StageFacts stage_facts(std::string_view text, const Dockerfile& file, const Stage& st,
                              const std::string& target_os, bool tools_only) {
    StageFacts facts;
    facts.target_os = target_os;
    facts.tools_only = tools_only;
    for (const Instruction* in : st.instructions) {
        if (in->keyword == "RUN") route_run(text, *in, file.escape, facts);
        if (in->keyword != "ENV") continue;
        // The `k=v` form only, values as written: what the line says, not what it expands to.
        const auto env = std::get<Env>(parse_instruction(*in, "Dockerfile", {false, false}));
        if (env.legacy) continue;
        for (const auto& [key, value] : env.pairs) route_env(key, value, in->first_line, facts);
    }
    return facts;
}

// $BUILDPLATFORM / ${BUILDPLATFORM}: a stage the user put on the build machine.
inline bool pinned_to_build_platform(std::string_view raw) {
    return raw == "$BUILDPLATFORM" || raw == "${BUILDPLATFORM}";
}

// Whether a stage's FROM chain reaches a stage the user put on the build machine.
inline bool base_on_build_platform(const std::vector<Stage>& stages, const Stage& st) {
    for (const Stage* s = &st; s->base_ref.kind == StageRef::stage;) {
        s = &stages[std::size_t(s->base_ref.stage_index)];
        if (pinned_to_build_platform(s->platform_raw)) return true;
    }
    return false;
}

// The hard-coded settings of the stages a build needs, for the platforms they differ from.
inline void warn_hard_coded(const StageFacts& facts, const std::vector<Platform>& platforms, Plan& plan) {
    for (const HardCoded& h : facts.hard_coded) {
        const bool differs =
            !h.target || platforms.empty() || std::any_of(platforms.begin(), platforms.end(), [&](const Platform& p) {
                return p.os != h.target->os || p.arch != h.target->arch;
            });
        if (!differs) continue;
        const std::string for_what =
            h.target ? std::string(h.target->os) + "/" + std::string(h.target->arch) : std::string("one CPU family");
        Warning w {h.line, h.setting + " builds for " + for_what + " whatever the target platform", h.fix};
        const bool seen = std::any_of(plan.warnings.begin(), plan.warnings.end(),
                                      [&](const Warning& o) { return o.line == w.line && o.message == w.message; });
        if (!seen) plan.warnings.push_back(std::move(w));
    }
}

// Where the target's ARG line goes in a cross stage: before the first instruction with an edit.
inline void place_target_args(const Stage& st, StagePlan& sp) {
    for (const Instruction* in : st.instructions)
        for (const Edit& e : sp.edits)
            if (e.begin >= in->begin && e.begin < in->end) {
                sp.target_args_at = in->comments_begin;
                sp.target_args_line = in->first_line;
                return;
            }
}

}  // namespace detail

inline Plan plan_stages(std::string_view text, const Dockerfile& file, const PlanOptions& options) {
    Plan plan;
    if (std::none_of(file.instructions.begin(), file.instructions.end(),
                     [](const Instruction& in) { return in.keyword == "FROM"; }))
        return plan;
    // Stages, their references and what the target needs, as BuildKit sees them (stages.hpp),
    // for the first platform being built (the stages a build needs do not depend on it).
    BuildContext context {.build_args = options.build_args, .target_stage = options.target_stage};
    if (!options.platforms.empty()) context.target_platform = options.platforms.front();
    const StageGraph graph = build_stage_graph(file, context, options.filename);
    const std::string target_os = options.platforms.empty() ? "linux" : options.platforms.front().os;
    const auto& stages = graph.stages;
    plan.target = graph.target;

    // The image's stages: the target and its FROM chain.
    std::set<int> image_chain;
    std::vector<std::vector<int>> derived(stages.size());  // stages built FROM each stage
    for (int s = plan.target; s >= 0;) {
        image_chain.insert(s);
        const StageRef& base = stages[std::size_t(s)].base_ref;
        s = base.kind == StageRef::stage ? base.stage_index : -1;
    }
    for (const auto& st : stages)
        if (st.base_ref.kind == StageRef::stage && st.reachable)
            derived[std::size_t(st.base_ref.stage_index)].push_back(st.index);

    std::vector<StageFacts> all_facts(stages.size());
    std::vector<bool> base_candidate(stages.size(), false);
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const auto& st = stages[i];
        StagePlan sp;
        sp.index = int(i);
        sp.name = st.name;
        sp.from_line = st.from->first_line;
        sp.from_instruction = std::size_t(st.from - file.instructions.data());
        auto decide = [&](StageMode mode, std::string reason) {
            sp.mode = mode;
            sp.reason = std::move(reason);
        };
        StageFacts& facts = all_facts[i] = detail::stage_facts(text, file, st, target_os, false);
        route_stage(facts);
        if (st.reachable) detail::warn_hard_coded(facts, options.platforms, plan);
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
        else if (!facts.target_vars.empty() && detail::base_on_build_platform(stages, st))
            decide(StageMode::unchanged, "already cross-compiles (" + facts.target_vars[0] + " on the build machine)");
        else if (!derived[i].empty() && facts.needs_target.empty() && facts.unsure.empty()) {
            base_candidate[i] = true;  // decided below, once the stages built on it are
            decide(StageMode::unchanged, "another stage builds on it (FROM): its platform would change theirs");
        } else if (!derived[i].empty())
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
        plan.stages.push_back(std::move(sp));
    }
    std::sort(plan.warnings.begin(), plan.warnings.end(),
              [](const Warning& a, const Warning& b) { return a.line < b.line; });

    // A base stage (FROM it in other stages) goes to the build machine with the stages built on
    // it when each of them cross-compiles there or does nothing that depends on the target (a
    // cargo-chef planner): BuildKit gives a stage its base's platform. Last stage first, so that
    // a base of a base sees what became of the stages in between.
    auto nothing_for_target = [&](int d) {
        const StagePlan& p = plan.stages[std::size_t(d)];
        const StageFacts& f = all_facts[std::size_t(d)];
        return p.mode == StageMode::target && f.builds.empty() && f.installs.empty() && f.needs_target.empty() &&
               f.unsure.empty() && !image_chain.count(d);
    };
    for (int i = int(stages.size()) - 1; i >= 0; --i) {
        if (!base_candidate[std::size_t(i)]) continue;
        const auto& users = derived[std::size_t(i)];
        const bool all_fit = std::all_of(users.begin(), users.end(), [&](int d) {
            return plan.stages[std::size_t(d)].mode == StageMode::cross || nothing_for_target(d);
        });
        std::vector<std::string> cross_users, names;
        bool compiles = false;
        for (int d : users) names.push_back(stages[std::size_t(d)].label());
        for (int d : users)
            if (plan.stages[std::size_t(d)].mode == StageMode::cross) {
                cross_users.push_back(stages[std::size_t(d)].label());
                const StageFacts& f = all_facts[std::size_t(d)];
                compiles = compiles || f.compiles_c || !f.builds.empty();
            }
        if (!all_fit || cross_users.empty()) continue;
        // Its own go/cargo installs and compilers build tools the later stages run: not routed.
        StageFacts facts = detail::stage_facts(text, file, stages[std::size_t(i)], target_os, true);
        facts.compiles_c = compiles;
        route_stage(facts);
        StagePlan& sp = plan.stages[std::size_t(i)];
        sp.mode = StageMode::cross;
        sp.reason = "the base of " + join(names, ", ") + " (FROM): runs on the build machine with them";
        all_facts[std::size_t(i)].edits = std::move(facts.edits);
        for (int d : users) {
            StagePlan& dp = plan.stages[std::size_t(d)];
            if (dp.mode != StageMode::cross)
                dp.reason = "runs on the build machine with its base stage " + stages[std::size_t(i)].label() +
                            " (nothing in it depends on the target)";
            dp.mode = StageMode::cross;
            dp.pin_platform = dp.add_helpers = false;
        }
    }
    // The edits of the cross stages; a stage FROM another stage runs where that one runs.
    for (std::size_t i = 0; i < stages.size(); ++i) {
        StagePlan& sp = plan.stages[i];
        const StageRef& base = stages[i].base_ref;
        if (sp.mode == StageMode::cross && base.kind == StageRef::stage) {
            const StagePlan& bp = plan.stages[std::size_t(base.stage_index)];
            const bool base_here = bp.mode == StageMode::cross ||
                                   detail::pinned_to_build_platform(stages[std::size_t(base.stage_index)].platform_raw);
            if (!base_here) {
                sp.mode = StageMode::unchanged;
                sp.reason = "built FROM stage " + stages[std::size_t(base.stage_index)].label() +
                            ", which runs on the target: BuildKit gives a stage its base's platform";
                continue;
            }
            sp.pin_platform = false;
            if (bp.mode == StageMode::cross) sp.add_helpers = false;
        }
        if (sp.mode != StageMode::cross) continue;
        sp.edits = std::move(all_facts[i].edits);
        detail::place_target_args(stages[i], sp);
    }
    return plan;
}

}  // namespace xbuild::dockerfile
