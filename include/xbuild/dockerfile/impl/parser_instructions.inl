// Part of xbuild/dockerfile/parser.hpp (see parser.inl): one instruction from its joined line:
// keyword, flags, the per-keyword arguments (newNodeFromLine and line_parsers.go), heredoc markers.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../strings.hpp"
#include "parser_json.inl"
#include "parser_lines.inl"
#include <limits>

#include "../expand.hpp"

namespace xbuild::dockerfile::detail::df {

// Words.

// extractBuilderFlags: leading words that start with "--", quotes and \ escapes removed. A lone
// "--" ends them and is dropped. Returns the text after the flags; spans[k] is where words[k] is
// in `line`.
inline std::string_view extract_flags(std::string_view line, std::vector<std::string>& words,
                                      std::vector<std::pair<std::size_t, std::size_t>>& spans) {
    enum { in_spaces, in_word, in_quote } phase = in_spaces;
    std::string word;
    char quote = 0;
    bool blank_ok = false;
    const std::size_t n = line.size();
    std::size_t pos = 0, start = 0;
    auto push = [&] {
        words.push_back(word);
        spans.emplace_back(start, pos);
    };
    for (;;) {
        if (phase == in_spaces) {
            if (pos == n) return {};
            if (const std::size_t sp = space_len(line, pos)) {
                pos += sp;
                continue;
            }
            if (line[pos] != '-' || pos + 1 == n || line[pos + 1] != '-') return line.substr(pos);
            phase = in_word;
            start = pos;
        }
        if (pos == n) {
            if (word != "--" && (blank_ok || !word.empty())) push();
            return {};
        }
        if (phase == in_word) {
            if (const std::size_t sp = space_len(line, pos)) {
                if (word == "--") return line.substr(pos);
                if (blank_ok || !word.empty()) push();
                word.clear();
                blank_ok = false;
                phase = in_spaces;
                pos += sp;
                continue;
            }
            const char ch = line[pos];
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = in_quote;
                ++pos;
                continue;
            }
            if (ch == '\\') {
                if (++pos == n) continue;  // a \ at the end is dropped
            }
        } else {  // in_quote
            const char ch = line[pos];
            if (ch == quote) {
                phase = in_word;
                ++pos;
                continue;
            }
            if (ch == '\\') {
                if (++pos == n) {
                    phase = in_word;
                    continue;
                }
            }
        }
        const std::size_t len = rune_len(line, pos);
        word.append(line.substr(pos, len));
        pos += len;
    }
}

// parseWords: blank-separated words, quoted strings kept together; quotes and escapes stay in
// the words (they are removed when the words are expanded).
inline std::vector<std::string> parse_words(std::string_view rest, char escape) {
    enum { in_spaces, in_word, in_quote } phase = in_spaces;
    std::vector<std::string> words;
    std::string word;
    char quote = 0;
    bool blank_ok = false;
    const std::size_t n = rest.size();
    std::size_t pos = 0;
    for (;;) {
        if (phase == in_spaces) {
            if (pos == n) break;
            if (const std::size_t sp = space_len(rest, pos)) {
                pos += sp;
                continue;
            }
            phase = in_word;
        }
        if (pos == n) {
            if (blank_ok || !word.empty()) words.push_back(word);
            break;
        }
        std::size_t len = rune_len(rest, pos);
        if (phase == in_word) {
            if (space_len(rest, pos)) {
                phase = in_spaces;
                if (blank_ok || !word.empty()) words.push_back(word);
                word.clear();
                blank_ok = false;
                pos += len;
                continue;
            }
            const char ch = rest[pos];
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = in_quote;
            }
            if (ch == escape) {
                if (pos + 1 == n) {  // an escape at the end is dropped
                    ++pos;
                    continue;
                }
                // Unquoted, the escape and the char after it (even a quote) are kept as they are.
                word += ch;
                ++pos;
                len = rune_len(rest, pos);
            }
        } else {  // in_quote
            const char ch = rest[pos];
            if (ch == quote) phase = in_word;
            // Inside '...' nothing is escaped.
            if (ch == escape && quote != '\'') {
                if (pos + 1 == n) {
                    phase = in_word;
                    ++pos;
                    continue;
                }
                word += ch;
                ++pos;
                len = rune_len(rest, pos);
            }
        }
        word.append(rest.substr(pos, len));
        pos += len;
    }
    return words;
}

// Heredoc markers (heredocsFromLine, ParseHeredoc): the line is split into shell words by
// BuildKit's lexer (expand.hpp) with quotes and escapes kept and every variable unset; a word
// `^(\d*)<<(-?)([^<]*)$` whose rest lexes to one word opens a heredoc.
struct Marker {
    Heredoc heredoc;
    std::string written;  // "<<-'EOT'", for messages
};

inline std::vector<Marker> heredoc_markers(std::string_view line, const Context& ctx) {
    std::vector<Marker> markers;
    // BuildKit's lexer (expand.hpp) with every variable unset and the backslash as escape.
    auto lex = [](std::string_view s, bool raw_quotes, bool raw_escapes, bool skip_unset,
                  std::vector<std::string>& out) {
        ExpandOptions o;
        o.skip_unset_env = skip_unset;
        o.raw_quotes = raw_quotes;
        o.raw_escapes = raw_escapes;
        o.max_length = std::numeric_limits<std::size_t>::max();  // nothing expands: no growth
        try {
            out = expand_words(s, {}, o);
            return true;
        } catch (const ExpandError&) { return false; }
    };
    std::vector<std::string> words;
    // A line the lexer cannot split has no heredocs (BuildKit ignores that error).
    if (!lex(line, true, true, false, words)) return markers;
    for (const std::string& w : words) {
        std::size_t i = 0;
        while (i < w.size() && is_digit(w[i])) ++i;
        if (w.compare(i, 2, "<<") != 0) continue;
        i += 2;
        const bool chomp = i < w.size() && w[i] == '-';
        if (chomp) ++i;
        const std::string_view rest = std::string_view(w).substr(i);
        if (rest.empty() || rest.find('<') != std::string_view::npos) continue;
        std::vector<std::string> plain, raw;
        const std::string written = "<<" + std::string(chomp ? "-" : "") + std::string(rest);
        if (!lex(rest, false, false, true, plain) || !lex(rest, true, false, true, raw))
            fail(ctx, "invalid heredoc marker " + written);
        if (plain.size() != 1 || raw.size() != 1) continue;
        // Not BuildKit: `<<2` is a shift in $((1 <<2)) far more often than a heredoc named 2.
        if (std::all_of(plain[0].begin(), plain[0].end(), is_digit)) continue;
        auto quotes = [](const std::string& s) {
            return std::count(s.begin(), s.end(), '\'') + std::count(s.begin(), s.end(), '"');
        };
        Marker m;
        m.heredoc.delimiter = plain[0];
        m.heredoc.strip_tabs = chomp;
        m.heredoc.quoted = quotes(plain[0]) != quotes(raw[0]);
        m.written = written;
        markers.push_back(std::move(m));
    }
    return markers;
}

// ChompHeredocContent: leading tabs off every line.
inline std::string strip_leading_tabs(std::string_view s) {
    std::string out;
    bool line_start = true;
    for (char c : s) {
        if (line_start && c == '\t') continue;
        line_start = c == '\n';
        out += c;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// One instruction (newNodeFromLine with the dispatch table of line_parsers.go).

inline bool is_known(std::string_view keyword) {
    const auto& names = known_instructions();
    return std::binary_search(names.begin(), names.end(), keyword);
}

// parseMaybeJSON: the JSON array's strings, or the text as one argument.
inline void maybe_json(Instruction& ins, std::string_view text, std::vector<std::string>& args, const Context& ctx) {
    if (text.empty()) return;
    switch (parse_json_array(text, args)) {
        case JsonArray::ok: ins.json_form = true; return;
        case JsonArray::not_strings:
            fail(ctx, "when using JSON array syntax, arrays must be comprised of strings only");
        case JsonArray::invalid: args = {std::string(text)}; return;
    }
}

// parseNameVal: `key=value ...`, or the legacy `key value`.
inline void name_val(Instruction& ins, const Context& ctx) {
    std::vector<std::string> words = parse_words(ins.text, ctx.escape);
    if (words.empty()) return;
    if (words[0].find('=') == std::string::npos) {
        const std::string_view text = ins.text;
        std::size_t k = 0;
        while (k < text.size() && !is_re_blank(text[k])) ++k;
        if (k == text.size()) fail(ctx, ins.keyword + " must have two arguments");
        std::size_t v = k;
        while (v < text.size() && is_re_blank(text[v])) ++v;
        ins.args = {std::string(text.substr(0, k)), std::string(text.substr(v))};
        return;
    }
    for (const std::string& w : words)
        if (w.find('=') == std::string::npos)
            fail(ctx, "Syntax error - can't find = in " + go_quoted(w) + ". Must be of the form: name=value");
    ins.args = std::move(words);
}

// `line` is a view into `joined` (the instruction's joined line, or for ONBUILD's trigger its
// text); the source map's fields are set to offsets in `joined`, to_input() maps them.
inline Instruction parse_instruction(std::string_view joined, std::string_view line, const Context& ctx, bool trigger) {
    Instruction ins;
    const std::string_view trimmed = trim_space(line);
    auto offset = [&](std::string_view part) { return std::size_t(part.data() - joined.data()); };
    std::size_t k = 0;
    while (k < trimmed.size() && !is_re_blank(trimmed[k])) ++k;
    ins.keyword = to_upper(trimmed.substr(0, k));
    ins.keyword_begin = offset(trimmed);
    ins.keyword_end = ins.keyword_begin + k;
    ins.text_begin = ins.keyword_end;
    if (ins.keyword.empty()) fail(ctx, "empty instruction (a line continuation with nothing after it)");
    if (!is_known(ins.keyword))
        fail(ctx, "unknown instruction: " + ins.keyword + "; known: " + join(known_instructions(), ", "));
    if (trigger && ins.keyword == "ONBUILD") fail(ctx, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (trigger && (ins.keyword == "FROM" || ins.keyword == "MAINTAINER"))
        fail(ctx, ins.keyword + " isn't allowed as an ONBUILD trigger");

    std::string_view rest;
    if (k < trimmed.size()) {
        while (k < trimmed.size() && is_re_blank(trimmed[k])) ++k;
        const std::string_view after = trimmed.substr(k);
        std::vector<std::string> words;
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        rest = extract_flags(after, words, spans);
        for (std::size_t i = 0; i < words.size(); ++i) {
            std::string_view w = words[i];
            w.remove_prefix(2);  // every flag word starts with "--"
            Flag f;
            const std::size_t eq = w.find('=');
            f.name = std::string(w.substr(0, eq));
            if (eq != std::string_view::npos) f.value = std::string(w.substr(eq + 1));
            f.begin = offset(after) + spans[i].first;
            f.end = offset(after) + spans[i].second;
            ins.flags.push_back(std::move(f));
        }
        ins.text_begin = rest.empty() ? offset(after) + after.size() : offset(rest);
    }
    const std::string_view text_view = trim_space(rest);
    if (!text_view.empty()) ins.text_begin = offset(text_view);
    ins.text = std::string(text_view);
    const std::string& kw = ins.keyword;
    const std::string_view text = ins.text;

    if (kw == "RUN" || kw == "CMD" || kw == "ENTRYPOINT" || kw == "SHELL") {
        maybe_json(ins, text, ins.args, ctx);
    } else if (kw == "ADD" || kw == "COPY" || kw == "VOLUME") {
        // parseMaybeJSONToList: shell form is the blank-separated words.
        maybe_json(ins, text, ins.args, ctx);
        if (!ins.json_form) ins.args = split_blanks(text);
    } else if (kw == "ENV" || kw == "LABEL") {
        name_val(ins, ctx);
    } else if (kw == "ARG") {
        ins.args = parse_words(text, ctx.escape);
    } else if (kw == "FROM" || kw == "EXPOSE") {
        ins.args = split_blanks(text);
    } else if (kw == "HEALTHCHECK") {
        // parseHealthConfig: the type word, then the command as for CMD.
        std::size_t sep = 0;
        while (sep < text.size() && !space_len(text, sep)) sep += rune_len(text, sep);
        if (sep > 0) {
            std::size_t next = sep;
            while (next < text.size() && space_len(text, next)) next += space_len(text, next);
            std::vector<std::string> cmd;
            maybe_json(ins, text.substr(next), cmd, ctx);
            ins.args.emplace_back(text.substr(0, sep));
            ins.args.insert(ins.args.end(), cmd.begin(), cmd.end());
        }
    } else if (kw == "ONBUILD") {
        if (text.empty()) fail(ctx, "ONBUILD requires at least one argument");
        ins.inner = std::make_shared<const Instruction>(parse_instruction(joined, text_view, ctx, true));
    } else if (!text.empty()) {  // MAINTAINER, STOPSIGNAL, USER, WORKDIR: parseString
        ins.args = {ins.text};
    }
    return ins;
}

inline bool takes_heredocs(const Instruction& ins) {
    const Instruction& t = ins.inner ? *ins.inner : ins;
    return (t.keyword == "RUN" || t.keyword == "COPY" || t.keyword == "ADD") && !t.json_form;
}

}  // namespace xbuild::dockerfile::detail::df
