// Implementation of xbuild/dockerfile/stages.hpp. Follows BuildKit's dockerfile2llb.go
// (toDispatchState, buildMetaArgs, dispatchArg, dispatchEnv, toCommand, detectRunMount,
// isReachable, hasCircularDependency) and instructions/parse.go (parseFrom, parseArg, parseEnv);
// comments name the Go function a piece mirrors.
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

// An ARG word: name[=value], the value as written.
inline std::pair<std::string, std::optional<std::string>> split_arg(std::string_view word) {
    const std::size_t eq = word.find('=');
    if (eq == std::string_view::npos) return {std::string(word), std::nullopt};
    return {std::string(word.substr(0, eq)), std::string(word.substr(eq + 1))};
}

// The key/raw-value pairs of an ENV: `k=v ...`, or the legacy `k v` (first word without '=').
inline std::vector<std::pair<std::string, std::string>> env_pairs(const Instruction& ins) {
    std::vector<std::pair<std::string, std::string>> out;
    if (ins.args.size() == 2 && ins.args[0].find('=') == std::string::npos) {
        out.emplace_back(ins.args[0], ins.args[1]);
        return out;
    }
    for (const std::string& w : ins.args) {
        const std::size_t eq = w.find('=');
        out.emplace_back(w.substr(0, eq), eq == std::string::npos ? std::string() : w.substr(eq + 1));
    }
    return out;
}

// parseArg / parseEnv: the checks BuildKit makes on every stage, needed or not.
inline void check_arg_env(const Instruction& ins, std::string_view filename) {
    if (ins.keyword != "ARG" && ins.keyword != "ENV") return;
    if (ins.args.empty()) fail(filename, ins.first_line, ins.keyword + " requires at least one argument");
    if (ins.keyword == "ARG") {
        for (const std::string& w : ins.args)
            if (split_arg(w).first.empty()) fail(filename, ins.first_line, "ARG names can not be blank");
    } else {
        for (const auto& kv : env_pairs(ins))
            if (kv.first.empty()) fail(filename, ins.first_line, "ENV names can not be blank");
    }
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
        for (const std::string& word : ins.args) {
            auto [name, def] = split_arg(word);
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
        for (const auto& [key, raw] : env_pairs(ins))
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

// encoding/csv, as BuildKit reads a --mount value: ',' separates fields; a field that starts
// with '"' is quoted, "" standing for ". Malformed quoting is taken literally.
inline std::vector<std::string> csv_fields(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (;;) {
        std::string f;
        if (i < s.size() && s[i] == '"') {
            std::size_t k = i + 1;
            bool closed = false;
            std::string q;
            while (k < s.size()) {
                if (s[k] == '"') {
                    if (k + 1 < s.size() && s[k + 1] == '"') {
                        q += '"';
                        k += 2;
                        continue;
                    }
                    closed = true;
                    ++k;
                    break;
                }
                q += s[k++];
            }
            if (closed && (k == s.size() || s[k] == ',')) {
                out.push_back(std::move(q));
                if (k == s.size()) return out;
                i = k + 1;
                continue;
            }
        }
        const std::size_t comma = s.find(',', i);
        out.emplace_back(s.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
        if (comma == std::string_view::npos) return out;
        i = comma + 1;
    }
}

// reValidName: ^[a-z][a-z0-9-_\.]*$
inline bool valid_stage_name(std::string_view s) {
    if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

inline std::optional<std::string> flag_value(const Instruction& ins, std::string_view name) {
    std::optional<std::string> v;
    for (const Flag& f : ins.flags)
        if (f.name == name) v = f.value.value_or("");
    return v;
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
            for (const std::string& word : ins.args) {
                auto [name, def] = split_arg(word);
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
        for (const Flag& f : from.flags) {
            if (f.name != "platform") fail(filename, line, "unknown flag: " + f.name);
            if (!f.value) fail(filename, line, "missing a value on flag: platform");
        }
        if (from.flags.size() > 1) fail(filename, line, "duplicate flag specified: platform");
        const auto& args = from.args;
        if (args.size() == 3 && to_lower(args[1]) == "as") {
            st.name = to_lower(args[2]);
            if (!valid_stage_name(st.name))
                fail(filename, line,
                     "invalid name for build stage: " + go_quoted(args[2]) +
                         ", name can't start with a number or contain symbols");
        } else if (args.size() != 1) {
            fail(filename, line, "FROM requires either one or three arguments");
        }
        st.base_raw = args[0];
        st.base = expand_at(st.base_raw, g.meta_args, g.escape, filename, line);
        if (st.base.empty()) fail(filename, line, "base name (" + st.base_raw + ") should not be blank");

        if (!from.flags.empty()) {
            st.platform_raw = *from.flags[0].value;
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
            if (ins->keyword == "ARG")
                for (const std::string& w : ins->args) st.declared_args.insert(split_arg(w).first);
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
                const std::optional<std::string> from = flag_value(*ins, "from");
                if (!from || from->empty()) continue;
                if (const auto index = go_atoi(*from)) {
                    if (*index < 0 || *index >= static_cast<std::int64_t>(g.stages.size()))
                        fail(filename, ins->first_line, "invalid stage index " + std::to_string(*index));
                    st.copies_from.push_back({StageRef::stage, *from, static_cast<int>(*index), ins});
                } else {
                    st.copies_from.push_back(ref_to(*from, ins));
                }
            } else if (ins->keyword == "RUN") {
                for (const Flag& f : ins->flags) {
                    if (f.name != "mount" || !f.value) continue;
                    for (const std::string& field : csv_fields(*f.value)) {
                        const std::size_t eq = field.find('=');
                        if (eq == std::string::npos || to_lower(field.substr(0, eq)) != "from") continue;
                        const std::string value = field.substr(eq + 1);
                        if (value.empty()) continue;
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
