// Implementation of xbuild/dockerfile/stages.hpp. Follows BuildKit's dockerfile2llb.go
// (toDispatchState, buildMetaArgs, dispatchArg, dispatchEnv, toCommand, detectRunMount,
// isReachable, hasCircularDependency); the instructions are read through instructions.hpp, as
// BuildKit's through its instructions package. Comments name the Go function a piece mirrors.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <utility>

#include "../../strings.hpp"

namespace xbuild::dockerfile {

namespace detail::stg {

// system.DefaultPathEnv for a unix platform: what BuildKit puts in a config without PATH.
inline constexpr std::string_view kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

[[noreturn]] inline void fail(std::string_view filename, int line, std::string message) {
    throw StageError(filename, line, std::move(message));
}

inline std::string go_quoted(std::string_view s) { return detail::df::go_quoted(s); }

// The typed form of `ins`, the errors of the checks asked for as StageError.
inline Command typed(const Instruction& ins, std::string_view filename, InstructionChecks checks) {
    try {
        return parse_instruction(ins, filename, checks);
    } catch (const ParseError& e) { fail(filename, e.line, e.message); }
}

// No checks: what the stage graph reads of lines it has checked already (or never checks).
inline constexpr InstructionChecks kUnchecked {.check_flags = false, .check_args = false};

// parseArg / parseEnv: the checks BuildKit makes on every stage, needed or not (argument
// counts and blank names; flags are not looked at).
inline void check_arg_env(const Instruction& ins, std::string_view filename) {
    if (ins.keyword != "ARG" && ins.keyword != "ENV") return;
    typed(ins, filename, {.check_flags = false, .check_args = true});
}

// defaultArgs: the automatic platform ARGs, a --build-arg of the same name replacing one.
inline Vars automatic_args(const Platform& build, const Platform& target, const BuildContext& ctx) {
    Vars v = {{"BUILDPLATFORM", build.str()},   {"BUILDOS", build.os},
              {"BUILDARCH", build.arch},        {"BUILDVARIANT", build.variant},
              {"TARGETPLATFORM", target.str()}, {"TARGETOS", target.os},
              {"TARGETARCH", target.arch},      {"TARGETVARIANT", target.variant}};
    for (auto& [name, value] : v)
        if (auto it = ctx.build_args.find(name); it != ctx.build_args.end()) value = it->second;
    return v;
}

inline VarLookup lookup_ref(const Vars& vars) {
    return [&vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

inline std::string expand_at(std::string_view word, const Vars& vars, char escape, std::string_view filename,
                             int line) {
    try {
        return expand_word(word, lookup_ref(vars), ExpandOptions {.escape = escape});
    } catch (const ExpandError& e) { fail(filename, line, e.what()); }
}

// dispatchArg and dispatchEnv: one ARG or ENV line's effect on the scope. `line` is where
// errors point (the FROM line for ONBUILD triggers, as BuildKit reports them).
inline void apply(const Instruction& ins, Vars& env, const Vars& meta, const BuildContext& ctx, char escape,
                  std::string_view filename, int line) {
    if (ins.keyword == "ARG") {
        const Arg arg = std::get<Arg>(typed(ins, filename, kUnchecked));
        for (const auto& [name, def] : arg.pairs) {
            std::optional<std::string> value;
            if (auto it = ctx.build_args.find(name); it != ctx.build_args.end()) {
                value = it->second;  // taken as it is
            } else if (def) {
                value = expand_at(*def, env, escape, filename, line);
            } else if (auto m = meta.find(name); m != meta.end()) {
                value = m->second;  // re-declared global (or automatic) ARG
            }
            if (value) env[name] = std::move(*value);
        }
    } else if (ins.keyword == "ENV") {
        // Every pair sees the scope before the line.
        const Vars before = env;
        const Env env_line = std::get<Env>(typed(ins, filename, kUnchecked));
        for (const auto& [key, raw] : env_line.pairs)
            env[expand_at(key, before, escape, filename, line)] = expand_at(raw, before, escape, filename, line);
    }
}

// strconv.Atoi: optional sign, decimal digits, within int64. nullopt when it would fail.
inline std::optional<std::int64_t> go_atoi(std::string_view s) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    const std::uint64_t limit = neg ? std::uint64_t {1} << 63 : (std::uint64_t {1} << 63) - 1;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (limit - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (neg) return v == (std::uint64_t {1} << 63) ? INT64_MIN : -static_cast<std::int64_t>(v);
    return static_cast<std::int64_t>(v);
}

// A stage's environment before its first instruction, given its base stage's final one (or
// none when the base is not a stage): the base's scope and its ONBUILD ARG/ENV triggers, or
// PATH for scratch.
inline Vars initial_env(const StageGraph& g, const Stage& st, const Vars* base_final, const BuildContext& ctx,
                        const Platform& target, std::string_view filename) {
    Vars env;
    if (st.base_ref.kind == StageRef::stage && base_final) {
        env = *base_final;
        for (const Instruction* ins : g.stages[static_cast<std::size_t>(st.base_ref.stage_index)].instructions)
            if (ins->keyword == "ONBUILD" && ins->inner)
                apply(*ins->inner, env, g.meta_args, ctx, g.escape, filename, st.from->first_line);
    } else if (st.base_ref.kind == StageRef::scratch) {
        const std::string& os = st.platform ? st.platform->os : target.os;
        if (os != "windows") env["PATH"] = std::string(kDefaultPath);
    }
    return env;
}

inline Platform resolved_build(const BuildContext& ctx) {
    return ctx.build_platform.arch.empty() ? host_platform() : ctx.build_platform;
}
inline Platform resolved_target(const BuildContext& ctx) {
    return ctx.target_platform.arch.empty() ? resolved_build(ctx) : ctx.target_platform;
}

}  // namespace detail::stg

inline VarLookup lookup(Vars vars) {
    auto shared = std::make_shared<const Vars>(std::move(vars));
    return [shared](std::string_view name) -> std::optional<std::string> {
        auto it = shared->find(name);
        if (it == shared->end()) return std::nullopt;
        return it->second;
    };
}

inline StageGraph build_stage_graph(const Dockerfile& df, const BuildContext& ctx, std::string_view filename) {
    using namespace detail::stg;
    StageGraph g;
    g.escape = df.escape;
    const Platform build = resolved_build(ctx), target = resolved_target(ctx);
    g.meta_args = automatic_args(build, target, ctx);

    // instructions.Parse: ARGs before the first FROM are global; anything else there is an error.
    for (const Instruction& ins : df.instructions) {
        if (ins.keyword == "FROM") {
            Stage st;
            st.index = static_cast<int>(g.stages.size());
            st.from = &ins;
            g.stages.push_back(std::move(st));
        } else if (!g.stages.empty()) {
            check_arg_env(ins, filename);
            g.stages.back().instructions.push_back(&ins);
        } else if (ins.keyword == "ARG") {
            check_arg_env(ins, filename);
            // buildMetaArgs: a --build-arg as it is, else the default expanded with the globals so far.
            const Arg arg = std::get<Arg>(typed(ins, filename, kUnchecked));
            for (const auto& [name, def] : arg.pairs) {
                GlobalArg ga {name, def, std::nullopt, &ins};
                if (auto it = ctx.build_args.find(name); it != ctx.build_args.end()) ga.value = it->second;
                else if (def) ga.value = expand_at(*def, g.meta_args, g.escape, filename, ins.first_line);
                if (ga.value) g.meta_args[name] = *ga.value;
                g.global_args.push_back(std::move(ga));
            }
        } else {
            fail(filename, ins.first_line, "no build stage in current context");
        }
    }
    if (g.stages.empty()) fail(filename, 0, "dockerfile contains no stages to build");

    // parseFrom and the stage loop of toDispatchState.
    std::map<std::string, int, std::less<>> by_name;
    for (Stage& st : g.stages) {
        const Instruction& from = *st.from;
        const int line = from.first_line;
        const From typed_from = std::get<From>(typed(from, filename, {}));
        st.name = typed_from.stage_name;
        st.base_raw = typed_from.image;
        st.base = expand_at(st.base_raw, g.meta_args, g.escape, filename, line);
        if (st.base.empty()) fail(filename, line, "base name (" + st.base_raw + ") should not be blank");

        if (typed_from.platform) {
            st.platform_raw = *typed_from.platform;
            const std::string p = expand_at(st.platform_raw, g.meta_args, g.escape, filename, line);
            if (p.empty()) fail(filename, line, "empty platform value from expression " + st.platform_raw);
            try {
                st.platform = parse_platform(p);
            } catch (const PlatformError&) {
                // Valid for BuildKit maybe, but not a platform xbuild knows.
            }
        }

        // addState: FROM finds the stages above by their exact name.
        st.base_ref.name = st.base;
        st.base_ref.instruction = &from;
        if (auto it = by_name.find(st.base); it != by_name.end()) {
            st.base_ref.kind = StageRef::stage;
            st.base_ref.stage_index = it->second;
        } else if (st.base == "scratch") {
            st.base_ref.kind = StageRef::scratch;
        } else if (ctx.named_contexts.count(st.base)) {
            st.base_ref.kind = StageRef::context;
        }
        if (!st.name.empty() && !by_name.emplace(st.name, st.index).second)
            fail(filename, line, "duplicate stage name " + go_quoted(st.name));

        for (const Instruction* ins : st.instructions)
            if (ins->keyword == "ARG") {
                const Arg arg = std::get<Arg>(typed(*ins, filename, kUnchecked));
                for (const auto& pair : arg.pairs) st.declared_args.insert(pair.first);
            }
    }

    // toCommand and detectRunMount: what COPY --from and RUN --mount from= name, any stage now.
    const auto ref_to = [&](std::string_view name, const Instruction* ins) {
        StageRef r;
        r.name = std::string(name);
        r.instruction = ins;
        if (auto it = by_name.find(to_lower(name)); it != by_name.end()) {
            r.kind = StageRef::stage;
            r.stage_index = it->second;
        } else if (name == "scratch") {
            r.kind = StageRef::scratch;
        } else if (ctx.named_contexts.count(r.name)) {
            r.kind = StageRef::context;
        }
        return r;
    };
    for (Stage& st : g.stages) {
        for (const Instruction* ins : st.instructions) {
            if (ins->keyword == "COPY") {
                const std::optional<std::string> from = std::get<Copy>(typed(*ins, filename, kUnchecked)).from;
                if (!from || from->empty()) continue;
                if (const auto index = go_atoi(*from)) {
                    if (*index < 0 || *index >= static_cast<std::int64_t>(g.stages.size()))
                        fail(filename, ins->first_line, "invalid stage index " + std::to_string(*index));
                    st.copies_from.push_back({StageRef::stage, *from, static_cast<int>(*index), ins});
                } else {
                    st.copies_from.push_back(ref_to(*from, ins));
                }
            } else if (ins->keyword == "RUN") {
                const Run run = std::get<Run>(typed(*ins, filename, kUnchecked));
                for (const Mount& m : run.mounts) {
                    for (const auto& [key, value] : m.fields) {
                        if (key != "from" || value.empty()) continue;
                        const std::size_t dollar = value.find('$');
                        if (dollar != std::string::npos && dollar + 1 < value.size())
                            fail(filename, ins->first_line,
                                 "'from' doesn't support variable expansion, define alias stage instead");
                        st.copies_from.push_back(ref_to(value, ins));
                    }
                }
            }
        }
    }

    // hasCircularDependency over the --from edges (FROM can only name stages above).
    {
        const std::size_t n = g.stages.size();
        std::vector<char> visited(n, 0), on_path(n, 0);
        for (std::size_t start = 0; start < n; ++start) {
            if (visited[start]) continue;
            // Iterative DFS: (stage, next edge to look at).
            std::vector<std::pair<std::size_t, std::size_t>> stack {{start, 0}};
            visited[start] = on_path[start] = 1;
            while (!stack.empty()) {
                auto& [s, next] = stack.back();
                const auto& refs = g.stages[s].copies_from;
                if (next == refs.size()) {
                    on_path[s] = 0;
                    stack.pop_back();
                    continue;
                }
                const StageRef& r = refs[next++];
                if (r.kind != StageRef::stage) continue;
                const auto d = static_cast<std::size_t>(r.stage_index);
                if (on_path[d])
                    fail(filename, g.stages[start].from->first_line,
                         "circular dependency detected on stage: " + g.stages[start].label());
                if (!visited[d]) {
                    visited[d] = on_path[d] = 1;
                    stack.emplace_back(d, 0);
                }
            }
        }
    }

    // The target: --target by name (case-insensitive), else the last stage.
    if (ctx.target_stage.empty()) {
        g.target = static_cast<int>(g.stages.size()) - 1;
    } else if (auto it = by_name.find(to_lower(ctx.target_stage)); it != by_name.end()) {
        g.target = it->second;
    } else {
        std::vector<std::string> names;
        for (const Stage& st : g.stages)
            if (!st.name.empty()) names.push_back(st.name);
        fail(filename, 0,
             "target stage " + go_quoted(ctx.target_stage) + " could not be found; " +
                 (names.empty() ? std::string("no stage has a name") : "stages: " + join(names, ", ")));
    }

    // isReachable: the target, its base stages and what they copy or mount from.
    {
        std::vector<int> todo {g.target};
        while (!todo.empty()) {
            Stage& st = g.stages[static_cast<std::size_t>(todo.back())];
            todo.pop_back();
            if (st.reachable) continue;
            st.reachable = true;
            if (st.base_ref.kind == StageRef::stage) todo.push_back(st.base_ref.stage_index);
            for (const StageRef& r : st.copies_from)
                if (r.kind == StageRef::stage) todo.push_back(r.stage_index);
        }
    }

    // Dispatch, in file order: the scopes, and the checks BuildKit makes only on needed stages.
    std::vector<std::optional<Vars>> finals(g.stages.size());
    for (Stage& st : g.stages) {
        try {
            if (st.reachable)
                for (const StageRef& r : st.copies_from) {
                    if (r.kind != StageRef::stage || r.stage_index < st.index) continue;
                    if (r.instruction->keyword == "COPY")
                        fail(filename, r.instruction->first_line,
                             "cannot copy from stage " + go_quoted(r.name) +
                                 ", it needs to be defined before current stage " + go_quoted(st.label()));
                    fail(filename, r.instruction->first_line,
                         "cannot mount from stage " + go_quoted(r.name) +
                             ", stage needs to be defined before current command");
                }
            const Vars* base_final = nullptr;
            if (st.base_ref.kind == StageRef::stage) {
                const auto& f = finals[static_cast<std::size_t>(st.base_ref.stage_index)];
                if (!f) continue;  // unreachable and broken: vars_at reports it
                base_final = &*f;
            }
            st.inherited = initial_env(g, st, base_final, ctx, target, filename);
            Vars env = *st.inherited;
            for (const Instruction* ins : st.instructions)
                apply(*ins, env, g.meta_args, ctx, g.escape, filename, ins->first_line);
            finals[static_cast<std::size_t>(st.index)] = std::move(env);
        } catch (const StageError&) {
            if (st.reachable) throw;
        }
    }
    return g;
}

inline Vars vars_at(const StageGraph& g, const BuildContext& ctx, int stage, int instruction,
                    std::string_view filename) {
    using namespace detail::stg;
    if (stage < 0 || static_cast<std::size_t>(stage) >= g.stages.size())
        throw std::out_of_range("vars_at: no stage " + std::to_string(stage));
    const Stage& st = g.stages[static_cast<std::size_t>(stage)];
    if (instruction < 0 || static_cast<std::size_t>(instruction) > st.instructions.size())
        throw std::out_of_range("vars_at: stage " + std::to_string(stage) + " has no instruction " +
                                std::to_string(instruction));
    const Platform target = resolved_target(ctx);
    Vars env;
    if (st.inherited) {
        env = *st.inherited;
    } else {
        // Replay the chain from the nearest stage whose scope is known: some line on the way fails.
        std::vector<const Stage*> chain {&st};
        while (!chain.back()->inherited)
            chain.push_back(&g.stages[static_cast<std::size_t>(chain.back()->base_ref.stage_index)]);
        env = *chain.back()->inherited;
        for (std::size_t k = chain.size() - 1; k > 0; --k) {
            for (const Instruction* ins : chain[k]->instructions)
                apply(*ins, env, g.meta_args, ctx, g.escape, filename, ins->first_line);
            env = initial_env(g, *chain[k - 1], &env, ctx, target, filename);
        }
    }
    for (int i = 0; i < instruction; ++i) {
        const Instruction& ins = *st.instructions[static_cast<std::size_t>(i)];
        apply(ins, env, g.meta_args, ctx, g.escape, filename, ins.first_line);
    }
    return env;
}

inline VarLookup variables_at(const StageGraph& g, const BuildContext& ctx, int stage, int instruction,
                              std::string_view filename) {
    return lookup(vars_at(g, ctx, stage, instruction, filename));
}

}  // namespace xbuild::dockerfile
