// Implementation of xbuild/dockerfile/parser.hpp: a port of BuildKit's parser.go and
// line_parsers.go; heredoc markers are found with the shell lexer of expand.hpp. Comments name
// the Go function each piece mirrors, so a later BuildKit change can be followed. In parts:
//   text.inl                 UTF-8 runes and Unicode white space, as Go's unicode.IsSpace
//   parser_lines.inl         lines, comments, continuations, directives, errors, the source map
//   parser_json.inl          the exec form's JSON arrays
//   parser_instructions.inl  one instruction: keyword, flags, arguments, heredoc markers
//   parser.inl               (this file) the whole file: instructions from lines
#pragma once

#include <algorithm>

#include "../../strings.hpp"
#include "parser_instructions.inl"

namespace xbuild::dockerfile {

inline const std::vector<std::string_view>& known_instructions() {
    static const std::vector<std::string_view> names = {
        "ADD",   "ARG",        "CMD",     "COPY", "ENTRYPOINT", "ENV",        "EXPOSE", "FROM",   "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN",  "SHELL",      "STOPSIGNAL", "USER",   "VOLUME", "WORKDIR"};
    return names;
}

namespace detail::df {

// The source map's fields, set by parse_instruction to offsets in the joined line, as input offsets.
inline void to_input(Instruction& ins, const SourceMap& map) {
    ins.keyword_begin = map.raw(ins.keyword_begin);
    ins.keyword_end = map.raw_end(ins.keyword_end);
    ins.text_begin = map.raw(ins.text_begin);
    for (Flag& f : ins.flags) {
        f.begin = map.raw(f.begin);
        f.end = map.raw_end(f.end);
    }
    ins.source = map;
}

}  // namespace detail::df

inline Dockerfile parse(std::string_view text, std::string_view filename) {
    using namespace detail::df;
    Dockerfile df;
    DirectiveParser directives;
    LineReader lines(text);
    Line line;
    std::size_t comments_begin = std::string_view::npos;  // the comment lines since the last other line
    auto input_offset = [&](std::string_view part) { return std::size_t(part.data() - text.data()); };
    while (lines.next(line)) {
        std::string_view body = trim_left_space(line.body);
        Context ctx {filename, lines.number(), df.escape};

        std::string name, value;
        if (directives.parse(body, name, value)) {
            for (const Directive& d : df.directives)
                if (d.name == name) fail(ctx, "only one " + name + " parser directive can be used");
            if (name == "escape") {
                if (value != "\\" && value != "`")
                    fail(ctx, "invalid escape token '" + value + "' does not match ` or \\");
                df.escape = value[0];
            }
            df.directives.push_back({name, value, ctx.line, line.begin, line.end});
            continue;  // a directive is not a comment line above an instruction
        }
        if (is_comment(body)) {
            if (comments_begin == std::string_view::npos) comments_begin = line.begin;
            continue;
        }

        const std::size_t begin = line.begin;
        std::size_t end = line.end;
        bool more = strip_continuation(body, df.escape);
        if (!more && body.empty()) {
            comments_begin = std::string_view::npos;
            continue;
        }
        std::string joined;
        SourceMap map;
        auto append = [&](std::string_view part) {
            if (!part.empty()) map.pieces.push_back({joined.size(), input_offset(part), part.size()});
            joined += part;
        };
        append(body);
        // Continuation lines keep their indentation; comment and blank lines among them vanish.
        while (more && lines.next(line)) {
            end = line.end;
            body = line.body;
            if (is_comment(body) || trim_left_space(body).empty()) continue;
            more = strip_continuation(body, df.escape);
            append(body);
        }
        ctx.escape = df.escape;
        Instruction parsed = parse_instruction(joined, joined, ctx, false);
        parsed.first_line = ctx.line;
        parsed.begin = begin;
        parsed.comments_begin = comments_begin == std::string_view::npos ? begin : comments_begin;
        comments_begin = std::string_view::npos;
        to_input(parsed, map);

        if (takes_heredocs(parsed) && joined.find("<<") != std::string::npos) {
            for (Marker& m : heredoc_markers(joined, ctx)) {
                Heredoc& h = m.heredoc;
                h.first_line = lines.number() + 1;
                h.begin = h.end = end;
                bool closed = false;
                while (lines.next(line)) {
                    end = line.end;
                    h.end = line.begin;
                    std::string_view candidate = line.body;
                    if (h.strip_tabs)
                        candidate.remove_prefix(std::min(candidate.find_first_not_of('\t'), candidate.size()));
                    if (candidate == h.delimiter) {
                        closed = true;
                        break;
                    }
                    h.content += lines.raw(line);
                }
                if (!closed) fail(ctx, "unterminated heredoc " + m.written);
                if (h.strip_tabs) h.content = strip_leading_tabs(h.content);
                h.last_line = lines.number();
                parsed.heredocs.push_back(std::move(h));
            }
        }
        parsed.last_line = lines.number();
        parsed.end = end;
        if (parsed.inner) {
            auto inner = std::make_shared<Instruction>(*parsed.inner);
            to_input(*inner, map);
            inner->comments_begin = parsed.comments_begin;
            inner->heredocs = parsed.heredocs;
            inner->first_line = parsed.first_line;
            inner->last_line = parsed.last_line;
            inner->begin = parsed.begin;
            inner->end = parsed.end;
            parsed.inner = std::move(inner);
        }
        df.instructions.push_back(std::move(parsed));
    }
    if (df.instructions.empty())
        fail(Context {filename, std::max(lines.number(), 1), df.escape}, "file with no instructions");
    return df;
}

}  // namespace xbuild::dockerfile
