// Implementation of xbuild/dockerfile/instructions.hpp. Follows BuildKit's
// frontend/dockerfile/instructions (parse.go: parseFrom, parseRun, parseCopy, parseAdd, parseArg,
// parseEnv, parseLabel, parseHealthcheck, parseShell, ...; bflag.go: BFlags.Parse).
#pragma once

#include <algorithm>
#include <type_traits>

#include "../../strings.hpp"

namespace xbuild::dockerfile {

namespace detail::ins {

enum class FlagKind { value, boolean, list };  // --f=v once, --f[=true|false] once, --f=v repeated

struct FlagSpec {
    std::string_view name;
    FlagKind kind;
};

// The flags each keyword takes, as BuildKit's parse.go declares them.
inline std::vector<FlagSpec> flag_specs(std::string_view keyword) {
    using K = FlagKind;
    if (keyword == "FROM") return {{"platform", K::value}};
    if (keyword == "RUN") return {{"mount", K::list}, {"network", K::value}, {"security", K::value}};
    if (keyword == "COPY")
        return {{"from", K::value},   {"chown", K::value},     {"chmod", K::value},
                {"link", K::boolean}, {"parents", K::boolean}, {"exclude", K::list}};
    if (keyword == "ADD")
        return {{"chown", K::value},    {"chmod", K::value},  {"link", K::boolean},  {"keep-git-dir", K::boolean},
                {"checksum", K::value}, {"exclude", K::list}, {"unpack", K::boolean}};
    if (keyword == "HEALTHCHECK")
        return {{"interval", K::value},
                {"timeout", K::value},
                {"start-period", K::value},
                {"start-interval", K::value},
                {"retries", K::value}};
    return {};
}

[[noreturn]] inline void fail(std::string_view filename, const Instruction& ins, std::string message) {
    throw ParseError(filename, ins.first_line, std::move(message));
}

// BFlags.Parse: names and values first, then repeats (the order the stage graph always had).
inline void check_flags(const Instruction& ins, std::string_view filename) {
    const std::vector<FlagSpec> specs = flag_specs(ins.keyword);
    const auto spec_of = [&](std::string_view name) -> const FlagSpec* {
        for (const FlagSpec& s : specs)
            if (s.name == name) return &s;
        return nullptr;
    };
    for (const Flag& f : ins.flags) {
        const FlagSpec* s = spec_of(f.name);
        if (!s) fail(filename, ins, "unknown flag: " + f.name);
        if (s->kind != FlagKind::boolean) {
            if (!f.value) fail(filename, ins, "missing a value on flag: " + f.name);
        } else if (f.value) {
            if (f.value->empty()) fail(filename, ins, "missing a value on flag: " + f.name);
            const std::string v = to_lower(*f.value);
            if (v != "true" && v != "false")
                fail(filename, ins, "expecting boolean value for flag " + f.name + ", not: " + *f.value);
        }
    }
    for (std::size_t i = 0; i < ins.flags.size(); ++i) {
        const FlagSpec* s = spec_of(ins.flags[i].name);
        if (s->kind == FlagKind::list) continue;
        for (std::size_t j = 0; j < i; ++j)
            if (ins.flags[j].name == ins.flags[i].name)
                fail(filename, ins, "duplicate flag specified: " + ins.flags[i].name);
    }
}

// The last value of flag `name` ("" for a bare --name), or nullopt.
inline std::optional<std::string> last_value(const Instruction& ins, std::string_view name) {
    std::optional<std::string> v;
    for (const Flag& f : ins.flags)
        if (f.name == name) v = f.value.value_or("");
    return v;
}

// A boolean flag: absent false, bare true, else its value (anything but "false" is true here;
// check_flags rejects the rest).
inline std::optional<bool> bool_value(const Instruction& ins, std::string_view name) {
    std::optional<bool> v;
    for (const Flag& f : ins.flags)
        if (f.name == name) v = !f.value || to_lower(*f.value) != "false";
    return v;
}

inline std::vector<std::string> all_values(const Instruction& ins, std::string_view name) {
    std::vector<std::string> out;
    for (const Flag& f : ins.flags)
        if (f.name == name && f.value) out.push_back(*f.value);
    return out;
}

// encoding/csv, as BuildKit reads a --mount value: ',' separates fields; a field that starts
// with '"' is quoted, "" standing for ". Malformed quoting is taken literally.
inline std::vector<std::string> csv_fields(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (;;) {
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

// One --mount value: its fields, key lower case ("ro" without '=': {"ro", ""}).
inline Mount parse_mount(std::string_view value) {
    Mount m;
    for (const std::string& field : csv_fields(value)) {
        const std::size_t eq = field.find('=');
        std::string key = to_lower(field.substr(0, eq));
        std::string val = eq == std::string::npos ? std::string() : field.substr(eq + 1);
        if (key == "type") m.type = to_lower(val);
        else if (key == "from") m.from = val;
        else if (key == "target" || key == "dst" || key == "destination") m.target = val;
        else if (key == "source" || key == "src") m.source = val;
        else if (key == "id") m.id = val;
        m.fields.emplace_back(std::move(key), std::move(val));
    }
    return m;
}

// The legacy `k v` form, as the parser gives it: {k, v}, k without '='.
inline bool legacy_form(const Instruction& ins) {
    return ins.args.size() == 2 && ins.args[0].find('=') == std::string::npos;
}

// parseKvps: `k=v` words, or the legacy {k, v}.
inline std::vector<KeyValue> key_values(const Instruction& ins) {
    std::vector<KeyValue> out;
    if (legacy_form(ins)) {
        out.push_back({ins.args[0], ins.args[1]});
        return out;
    }
    for (const std::string& w : ins.args) {
        const std::size_t eq = w.find('=');
        out.push_back({w.substr(0, eq), eq == std::string::npos ? std::string() : w.substr(eq + 1)});
    }
    return out;
}

inline void at_least_one(const Instruction& ins, std::string_view filename) {
    if (ins.args.empty()) fail(filename, ins, ins.keyword + " requires at least one argument");
}
inline std::string exactly_one(const Instruction& ins, std::string_view filename, bool check) {
    if (check && ins.args.size() != 1) fail(filename, ins, ins.keyword + " requires exactly one argument");
    return ins.args.empty() ? std::string() : ins.args[0];
}

inline From parse_from(const Instruction& ins, std::string_view filename, bool check) {
    From f;
    f.source = &ins;
    const auto& args = ins.args;
    if (args.size() == 3 && to_lower(args[1]) == "as") {
        f.stage_name_raw = args[2];
        f.stage_name = to_lower(args[2]);
        if (check && !valid_stage_name(f.stage_name))
            fail(filename, ins,
                 "invalid name for build stage: " + detail::df::go_quoted(args[2]) +
                     ", name can't start with a number or contain symbols");
    } else if (check && args.size() != 1) {
        fail(filename, ins, "FROM requires either one or three arguments");
    }
    if (!args.empty()) f.image = args[0];
    f.platform = last_value(ins, "platform");
    return f;
}

inline void fill_copy(FileCopy& c, const Instruction& ins, std::string_view filename, bool check) {
    c.source = &ins;
    if (check && ins.args.size() < 2)
        fail(filename, ins,
             ins.keyword +
                 " requires at least two arguments, but only one was provided. Destination could not be determined.");
    if (!ins.args.empty()) {
        c.sources.assign(ins.args.begin(), ins.args.end() - 1);
        c.dest = ins.args.back();
    }
    c.chown = last_value(ins, "chown");
    c.chmod = last_value(ins, "chmod");
    c.link = bool_value(ins, "link").value_or(false);
    c.excludes = all_values(ins, "exclude");
}

inline Healthcheck parse_healthcheck(const Instruction& ins, std::string_view filename, bool check) {
    Healthcheck h;
    h.source = &ins;
    h.json_form = ins.json_form;
    if (ins.args.empty()) {
        if (check) at_least_one(ins, filename);
        return h;
    }
    std::string type = ins.args[0];
    for (char& c : type)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (type == "NONE") {
        if (check && ins.args.size() != 1) fail(filename, ins, "HEALTHCHECK NONE takes no arguments");
        h.none = true;
    } else if (type == "CMD") {
        h.command.assign(ins.args.begin() + 1, ins.args.end());
        if (check && h.command.empty()) fail(filename, ins, "Missing command after HEALTHCHECK CMD");
    } else if (check) {
        fail(filename, ins, "Unknown type " + detail::df::go_quoted(type) + " in HEALTHCHECK (try CMD)");
    }
    h.interval = last_value(ins, "interval");
    h.timeout = last_value(ins, "timeout");
    h.start_period = last_value(ins, "start-period");
    h.start_interval = last_value(ins, "start-interval");
    h.retries = last_value(ins, "retries");
    return h;
}

template <class T>
T command_line(const Instruction& ins) {
    T c;
    c.source = &ins;
    c.json_form = ins.json_form;
    c.args = ins.args;
    return c;
}

}  // namespace detail::ins

inline bool valid_stage_name(std::string_view s) {
    if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

inline Command parse_instruction(const Instruction& ins, std::string_view filename, InstructionChecks checks) {
    using namespace detail::ins;
    if (checks.check_flags) check_flags(ins, filename);
    const bool check = checks.check_args;
    const std::string& k = ins.keyword;
    if (k == "FROM") return parse_from(ins, filename, check);
    if (k == "RUN") {
        Run r;
        r.source = &ins;
        for (const std::string& v : all_values(ins, "mount")) r.mounts.push_back(parse_mount(v));
        r.network = last_value(ins, "network");
        r.security = last_value(ins, "security");
        r.json_form = ins.json_form;
        r.args = ins.args;
        return r;
    }
    if (k == "COPY") {
        Copy c;
        fill_copy(c, ins, filename, check);
        c.from = last_value(ins, "from");
        c.parents = bool_value(ins, "parents").value_or(false);
        return c;
    }
    if (k == "ADD") {
        Add a;
        fill_copy(a, ins, filename, check);
        a.checksum = last_value(ins, "checksum");
        a.keep_git_dir = bool_value(ins, "keep-git-dir").value_or(false);
        a.unpack = bool_value(ins, "unpack");
        return a;
    }
    if (k == "ARG") {
        if (check) at_least_one(ins, filename);
        Arg a;
        a.source = &ins;
        for (const std::string& w : ins.args) {
            const std::size_t eq = w.find('=');
            if (eq == std::string::npos) a.pairs.emplace_back(w, std::nullopt);
            else a.pairs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
            if (check && a.pairs.back().first.empty()) fail(filename, ins, "ARG names can not be blank");
        }
        return a;
    }
    if (k == "ENV" || k == "LABEL") {
        if (check) at_least_one(ins, filename);
        std::vector<KeyValue> pairs = key_values(ins);
        if (check)
            for (const KeyValue& kv : pairs)
                if (kv.key.empty()) fail(filename, ins, k + " names can not be blank");
        if (k == "ENV") return Env {&ins, std::move(pairs), legacy_form(ins)};
        return Label {&ins, std::move(pairs), legacy_form(ins)};
    }
    if (k == "WORKDIR") return Workdir {&ins, exactly_one(ins, filename, check)};
    if (k == "USER") return User {&ins, exactly_one(ins, filename, check)};
    if (k == "STOPSIGNAL") return Stopsignal {&ins, exactly_one(ins, filename, check)};
    if (k == "MAINTAINER") return Maintainer {&ins, exactly_one(ins, filename, check)};
    if (k == "EXPOSE") {
        if (check) at_least_one(ins, filename);
        return Expose {&ins, ins.args};
    }
    if (k == "VOLUME") {
        if (check) {
            at_least_one(ins, filename);
            for (const std::string& p : ins.args)
                if (trim(p).empty()) fail(filename, ins, "VOLUME specified can not be an empty string");
        }
        return Volume {&ins, ins.args};
    }
    if (k == "CMD") return command_line<Cmd>(ins);
    if (k == "ENTRYPOINT") return command_line<Entrypoint>(ins);
    if (k == "SHELL") {
        if (check && !ins.json_form) fail(filename, ins, "SHELL requires the arguments to be in JSON form");
        if (check) at_least_one(ins, filename);
        return command_line<Shell>(ins);
    }
    if (k == "HEALTHCHECK") return parse_healthcheck(ins, filename, check);
    if (k == "ONBUILD") return Onbuild {&ins, ins.inner};
    fail(filename, ins, "unknown instruction: " + k);
}

inline const Instruction& source_of(const Command& cmd) {
    return *std::visit([](const auto& c) { return c.source; }, cmd);
}

}  // namespace xbuild::dockerfile
