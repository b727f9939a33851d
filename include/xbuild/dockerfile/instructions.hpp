// xbuild/dockerfile/instructions.hpp: typed Dockerfile instructions, the layer between the parser
// (parser.hpp) and the stage graph (stages.hpp), as BuildKit has frontend/dockerfile/instructions
// between its parser and dockerfile2llb.
//
//   auto df = xbuild::dockerfile::parse(text);
//   for (const auto& ins : df.instructions) {
//       auto cmd = xbuild::dockerfile::parse_instruction(ins);       // throws ParseError
//       if (auto* from = std::get_if<xbuild::dockerfile::From>(&cmd))
//           use(from->image, from->stage_name, from->platform);      // "golang:1.22", "build", nullopt
//   }
//
// Every typed instruction keeps `source`, the parser Instruction it was read from (which must
// outlive it), so its lines and source map stay at hand. Values are as written (no variable
// expansion, quotes of ENV/LABEL/ARG values kept): expansion needs the stage scope (stages.hpp).
//
// Checks, as BuildKit's instructions package makes them (messages are BuildKit's; ParseError names
// the instruction's first line):
//   - flags (check_flags): a flag the keyword does not take ("unknown flag: foo"), a value flag
//     without value ("missing a value on flag: platform"), a boolean flag with a value other than
//     true/false ("expecting boolean value for flag link, not: x"), a flag given twice where only
//     one is allowed ("duplicate flag specified: platform");
//   - arguments (check_args): counts ("FROM requires either one or three arguments", "COPY requires
//     at least two arguments, but only one was provided. Destination could not be determined.",
//     "WORKDIR requires exactly one argument", ...), FROM's AS name ("invalid name for build stage:
//     \"1x\", name can't start with a number or contain symbols"), blank ARG/ENV/LABEL names
//     ("ARG names can not be blank"), HEALTHCHECK's type, SHELL's JSON form.
// Both default on; the stage graph turns off what it did not check before this layer existed, so
// that it rejects nothing it used to accept. Not checked: duration, retries and signal syntax.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parser.hpp"

namespace xbuild::dockerfile {

// A `key=value` of ENV or LABEL (or the legacy `ENV key value`), both as written.
struct KeyValue {
    std::string key, value;
};

// FROM [--platform=P] image [AS name]
struct From {
    const Instruction* source = nullptr;
    std::string image;                    // as written: "golang:${GO}"
    std::string stage_name;               // lower case, "" without AS
    std::string stage_name_raw;           // as written: "Build"
    std::optional<std::string> platform;  // --platform's value, as written
};

// One --mount of RUN: its CSV fields (encoding/csv, as BuildKit reads them).
struct Mount {
    std::string type = "bind";                                // type=..., lower case; bind when not given
    std::optional<std::string> from, target, source, id;      // the last of each, as written
    std::vector<std::pair<std::string, std::string>> fields;  // all of them in order: key (lower case), value
};

// RUN [--mount=...]... [--network=N] [--security=S] command
struct Run {
    const Instruction* source = nullptr;
    std::vector<Mount> mounts;  // the --mount flags that have a value
    std::optional<std::string> network, security;
    bool json_form = false;
    std::vector<std::string> args;  // exec form: the array; shell form: {text}
};

// What COPY and ADD share: COPY [--from=S] [--chown=U] [--chmod=M] [--link] src... dest
struct FileCopy {
    const Instruction* source = nullptr;
    std::vector<std::string> sources;  // as written; heredocs as their `<<EOF` word
    std::string dest;
    std::optional<std::string> chown, chmod;
    bool link = false;
    std::vector<std::string> excludes;  // --exclude=pattern, each
};
struct Copy : FileCopy {
    std::optional<std::string> from;  // the last --from ("" for --from or --from=)
    bool parents = false;
};
struct Add : FileCopy {
    std::optional<std::string> checksum;
    bool keep_git_dir = false;
    std::optional<bool> unpack;
};

// ARG name[=default]...
struct Arg {
    const Instruction* source = nullptr;
    std::vector<std::pair<std::string, std::optional<std::string>>> pairs;  // name, default as written
};
// ENV key=value... or the legacy ENV key value
struct Env {
    const Instruction* source = nullptr;
    std::vector<KeyValue> pairs;
    bool legacy = false;  // `ENV key value`: one pair, the value all after the key
};
// LABEL key=value... (or the legacy LABEL key value)
struct Label {
    const Instruction* source = nullptr;
    std::vector<KeyValue> pairs;
    bool legacy = false;
};

// The instructions of one value: WORKDIR, USER, STOPSIGNAL, MAINTAINER.
struct Workdir {
    const Instruction* source = nullptr;
    std::string path;
};
struct User {
    const Instruction* source = nullptr;
    std::string user;  // "app:app"
};
struct Stopsignal {
    const Instruction* source = nullptr;
    std::string signal;
};
struct Maintainer {
    const Instruction* source = nullptr;
    std::string name;
};

// EXPOSE port[/proto]...
struct Expose {
    const Instruction* source = nullptr;
    std::vector<std::string> ports;
};
// VOLUME path... or VOLUME ["path", ...]
struct Volume {
    const Instruction* source = nullptr;
    std::vector<std::string> paths;
};

// CMD, ENTRYPOINT, SHELL: exec form (json_form, the array) or shell form ({text}).
struct CommandLine {
    const Instruction* source = nullptr;
    bool json_form = false;
    std::vector<std::string> args;
};
struct Cmd : CommandLine {};
struct Entrypoint : CommandLine {};
struct Shell : CommandLine {};

// HEALTHCHECK NONE, or HEALTHCHECK [--interval=D] ... CMD command
struct Healthcheck {
    const Instruction* source = nullptr;
    bool none = false;
    bool json_form = false;
    std::vector<std::string> command;                                                     // CMD's: the array, or {text}
    std::optional<std::string> interval, timeout, start_period, start_interval, retries;  // as written
};

// ONBUILD instruction: the trigger, as the parser gives it.
struct Onbuild {
    const Instruction* source = nullptr;
    std::shared_ptr<const Instruction> inner;
};

using Command = std::variant<From, Run, Copy, Add, Arg, Env, Label, Workdir, User, Expose, Volume, Cmd, Entrypoint,
                             Shell, Healthcheck, Onbuild, Stopsignal, Maintainer>;

// Which checks parse_instruction makes (see the top comment).
struct InstructionChecks {
    bool check_flags = true;  // flag names, values and repeats
    bool check_args = true;   // argument counts and forms, names
};

// The typed form of `ins` (which must outlive it). Throws ParseError "<filename>:<line>: <message>"
// for what the enabled checks find; with both off, it throws nothing but std::bad_alloc.
Command parse_instruction(const Instruction& ins, std::string_view filename = "Dockerfile",
                          InstructionChecks checks = {});

// The parser Instruction a typed one was read from.
const Instruction& source_of(const Command& cmd);

// reValidName of BuildKit: ^[a-z][a-z0-9-_\.]*$ (a stage name, after lower-casing).
bool valid_stage_name(std::string_view name);

}  // namespace xbuild::dockerfile

#include "impl/instructions.inl"
