// xbuild/dockerfile/parser.hpp: Dockerfiles split into instructions the way BuildKit's
// frontend/dockerfile/parser does, with the source position of every instruction.
//
//   auto df = xbuild::dockerfile::parse(text);
//   for (const auto& ins : df.instructions)
//       if (ins.keyword == "FROM") ...                 // ins.args: {"golang:1.22", "AS", "build"}
//   // Rewrite one instruction, keep every other byte:
//   std::string out = text.substr(0, ins.begin) + "RUN true\n" + text.substr(ins.end);
//
// What it does, as BuildKit does:
//   - Parser directives (`# syntax=...`, `# escape=``, `# check=...`) are read only from the top
//     lines, before any blank line, other comment or instruction. An unknown directive name ends
//     them and is a comment; a repeated one is an error; escape must be \ or `.
//   - Comment lines (first non-blank char `#`) and empty lines are dropped. The escape char as
//     the last non-blank char of a line continues it on the next; comment and empty lines inside
//     a continuation are skipped. Continuation lines keep their indentation in the joined text.
//   - Keywords are case-insensitive; leading `--name[=value]` words are flags (quotes and
//     backslash escapes removed from them, a lone `--` ends them and is dropped).
//   - RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, COPY, ADD and VOLUME accept the exec (JSON) form:
//     text that starts with `[` and is a JSON array of strings. Text that is not JSON is shell
//     form; JSON that holds anything but strings is an error. As Go's decoder, anything after the
//     closing `]` is ignored.
//   - RUN, COPY and ADD (also under ONBUILD) in shell form take heredocs: every `<<WORD`,
//     `<<-WORD`, `<<"WORD"` or `<<'WORD'` shell word of the line opens one, and their bodies
//     follow the instruction's last line, in order, each closed by a line equal to WORD.
//
// Instruction checks beyond the parser's (argument counts, flag names, FROM's AS) are left to
// instructions.hpp (parse_instruction: the typed form of each keyword), as BuildKit leaves them
// to its instructions package; unknown keywords and the ONBUILD rules are checked here. Errors are ParseError, whose message names the file and line:
//   "Dockerfile:12: unterminated heredoc <<EOF"
//
// Positions: lines are 1-based; [begin, end) are byte offsets of an instruction's whole lines in
// the input (continuation, comment and heredoc lines included, the last line's "\n" too), so a
// splice of that range leaves every other byte alone. "\r\n" ends a line as "\n" does; a UTF-8
// BOM is skipped but keeps its bytes out of the first instruction's range.
//
// Source map: every instruction also says where its parts are in the input, so that later stages
// (the planner, the rewrite) ask the parser instead of scanning the bytes again:
//   ins.keyword_begin, ins.keyword_end   the keyword as written (`FR\<newline>OM` spans both lines)
//   flag.begin, flag.end                 each flag word as written, quotes and escapes included
//   ins.text_begin                       where `text` starts
//   ins.source.raw(k)                    the input offset of byte k of the joined line
//   ins.comments_begin                   the comment lines right above: [comments_begin, begin)
//   heredoc.begin, heredoc.end           a heredoc's body lines, up to its closing line
//
// Safe on hostile input: linear time, bounded recursion; nothing but ParseError and
// std::bad_alloc is thrown.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xbuild::dockerfile {

// `# name=value` at the top. name is lower case: "syntax", "escape" or "check".
struct Directive {
    std::string name, value;
    int line = 0;
    std::size_t begin = 0, end = 0;  // the line's bytes, its "\n" included (a BOM before line 1 is not)
};

// Where the bytes of an instruction's joined line (its lines with the continuations, and the
// comment and blank lines inside them, taken out) are in the input: a list of pieces, each a run
// of bytes copied as is.
//   ins.source.raw(0)            the offset of the joined line's first byte (the keyword's, or a blank)
//   ins.source.raw_end(k)        the offset just past joined byte k - 1: the end of a range
struct SourceMap {
    struct Piece {
        std::size_t joined = 0, raw = 0, size = 0;  // joined[joined, joined + size) is input[raw, raw + size)
    };
    std::vector<Piece> pieces;  // in order, none empty

    // The input offset of joined byte k; past the end: just past the last piece.
    std::size_t raw(std::size_t k) const;
    // The input offset just past joined byte k - 1 (k == 0: raw(0)): where a range ending at k ends.
    std::size_t raw_end(std::size_t k) const;
};

struct Heredoc {
    std::string delimiter;              // the word that closes the body, quotes removed: EOF
    bool strip_tabs = false;            // <<-EOF: leading tabs dropped from the body and the closing line
    bool quoted = false;                // <<"EOF", <<'EOF' (any quote in the word): the body is not expanded
    std::string content;                // the body lines as written, each with its line end ("" when none)
    int first_line = 0, last_line = 0;  // the body lines and the closing line
    std::size_t begin = 0, end = 0;     // input offsets: the body's first line, the closing line
};

struct Flag {
    std::string name;                  // "platform" for --platform=$BUILDPLATFORM
    std::optional<std::string> value;  // nullopt for --link, "" for --link=
    std::size_t begin = 0, end = 0;    // the word in the input, as written (`--from="a b"`)
};

struct Instruction {
    std::string keyword;      // upper case: FROM, RUN, COPY, ...
    std::vector<Flag> flags;  // leading --name[=value] words, in order
    bool json_form = false;   // exec form: args are the JSON array's strings
    // Shell form of RUN, CMD, ENTRYPOINT, SHELL: {text}. HEALTHCHECK: {type, command...} as those
    // ({"CMD", "curl -f x"}, {"NONE"}). COPY, ADD, VOLUME, FROM, EXPOSE: the blank-separated
    // words. ENV, LABEL: the `key=value` words with quotes and escapes as written, or for the
    // legacy `ENV key value` form {key, value}. ARG: the `name[=value]` words as written.
    // MAINTAINER, USER, WORKDIR, STOPSIGNAL: {text}. ONBUILD: {} (see inner). Empty text: {}.
    std::vector<std::string> args;
    std::string text;  // all after the keyword and flags, lines joined, outer blanks trimmed
    std::vector<Heredoc> heredocs;
    // ONBUILD's trigger, parsed as an instruction with this one's positions (its heredocs, as
    // BuildKit attaches them, are on both). Shared and read-only, so copies are cheap and safe.
    std::shared_ptr<const Instruction> inner;
    int first_line = 0, last_line = 0;
    std::size_t begin = 0, end = 0;
    // The source map (input offsets; ONBUILD's inner has its own keyword, flags and text).
    std::size_t keyword_begin = 0, keyword_end = 0;  // the keyword as written
    std::size_t text_begin = 0;                      // text's first byte (empty text: past the flags)
    std::size_t comments_begin = 0;                  // the comment lines right above start here; == begin when none
    SourceMap source;                                // the joined line's bytes in the input
};

struct Dockerfile {
    std::vector<Directive> directives;
    char escape = '\\';  // '\\' or '`'
    std::vector<Instruction> instructions;
};

// A Dockerfile BuildKit would refuse. what() is "<filename>:<line>: <message>".
class ParseError : public std::runtime_error {
   public:
    ParseError(std::string_view filename, int line, std::string message)
        : std::runtime_error(std::string(filename) + ":" + std::to_string(line) + ": " + message),
          line(line),
          message(std::move(message)) {}
    int line;             // 1-based: the instruction's first line, or the directive's line
    std::string message;  // without the file and line: "unterminated heredoc <<EOF"
};

// Parses a whole Dockerfile. `filename` only prefixes error messages. Throws ParseError:
// "unknown instruction: FOO; known: ADD, ARG, ...", "unterminated heredoc <<EOF",
// "only one escape parser directive can be used", "file with no instructions", ...
Dockerfile parse(std::string_view text, std::string_view filename = "Dockerfile");

// The instruction keywords BuildKit knows, upper case, sorted.
const std::vector<std::string_view>& known_instructions();

}  // namespace xbuild::dockerfile

#include "impl/parser.inl"
