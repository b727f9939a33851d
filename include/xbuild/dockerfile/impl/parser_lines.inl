// Part of xbuild/dockerfile/parser.hpp (see parser.inl): the lines of a Dockerfile (comments,
// continuations, BuildKit's scanLines), errors with their line, the parser directives, and the
// source map from a joined line back to the input.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "../../strings.hpp"
#include "text.inl"

namespace xbuild::dockerfile::detail::df {

// isComment: the first non-blank char is #.
inline bool is_comment(std::string_view line) {
    line = trim_left_space(line);
    return !line.empty() && line.front() == '#';
}

// trimContinuationCharacter: the escape char followed only by spaces and tabs ends the line
// without ending the instruction. Returns the line without them, and whether it continues.
inline bool strip_continuation(std::string_view& line, char escape) {
    std::size_t n = line.size();
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) --n;
    if (n == 0 || line[n - 1] != escape) return false;
    line = line.substr(0, n - 1);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Lines: split at "\n" as BuildKit's scanLines; the body drops the trailing "\r"s and "\n"
// (trimNewline), and a BOM at the very start (discardBOM), which stays out of [begin, end).

struct Line {
    std::size_t begin = 0, end = 0;
    std::string_view body;
};

class LineReader {
   public:
    explicit LineReader(std::string_view text) : text_(text) {}

    bool next(Line& line) {
        if (pos_ >= text_.size()) return false;
        const std::size_t nl = text_.find('\n', pos_);
        const std::size_t stop = nl == std::string_view::npos ? text_.size() : nl + 1;
        line.begin = pos_;
        line.end = stop;
        if (number_ == 0 && text_.substr(0, 3) == "\xEF\xBB\xBF") line.begin = 3;
        std::string_view body = text_.substr(line.begin, stop - line.begin);
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
        line.body = body;
        pos_ = stop;
        ++number_;
        return true;
    }
    int number() const { return number_; }  // of the last line read, 1-based
    std::string_view raw(const Line& line) const { return text_.substr(line.begin, line.end - line.begin); }

   private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int number_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Errors: every one carries the file name and a line.

struct Context {
    std::string_view filename;
    int line = 0;
    char escape = '\\';
};

[[noreturn]] inline void fail(const Context& ctx, std::string message) {
    throw ParseError(ctx.filename, ctx.line, std::move(message));
}

// ---------------------------------------------------------------------------------------------
// DirectiveParser.ParseLine: `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (\s is [\t\n\f\r ]),
// for known names only, until the first line that is not one.

class DirectiveParser {
   public:
    // True when `line` is a directive; sets name (lower case) and value.
    bool parse(std::string_view line, std::string& name, std::string& value) {
        if (done_) return false;
        if (!match(line, name, value) || (name != "syntax" && name != "escape" && name != "check")) {
            done_ = true;
            return false;
        }
        return true;
    }

   private:
    static bool is_re_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
    static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    static bool match(std::string_view line, std::string& name, std::string& value) {
        std::size_t i = 0;
        if (line.empty() || line[0] != '#') return false;
        ++i;
        while (i < line.size() && is_re_space(line[i])) ++i;
        const std::size_t start = i;
        if (i >= line.size() || !is_alpha(line[i])) return false;
        while (i < line.size() && (is_alpha(line[i]) || is_digit(line[i]))) ++i;
        name = to_lower(line.substr(start, i - start));
        while (i < line.size() && is_re_space(line[i])) ++i;
        if (i >= line.size() || line[i] != '=') return false;
        const std::string_view rest = line.substr(i + 1);
        if (rest.empty()) return false;
        std::size_t a = 0, b = rest.size();
        while (a < b && is_re_space(rest[a])) ++a;
        while (b > a && is_re_space(rest[b - 1])) --b;
        // (.+?) needs a char: when all is blank the regexp settles on the last one.
        value = a < b ? std::string(rest.substr(a, b - a)) : std::string(rest.substr(rest.size() - 1));
        return true;
    }

    bool done_ = false;
};

}  // namespace xbuild::dockerfile::detail::df

namespace xbuild::dockerfile {

inline std::size_t SourceMap::raw(std::size_t k) const {
    if (pieces.empty()) return 0;
    // The last piece that starts at or before k.
    auto it =
        std::upper_bound(pieces.begin(), pieces.end(), k, [](std::size_t v, const Piece& p) { return v < p.joined; });
    if (it != pieces.begin()) --it;
    if (k < it->joined) return it->raw;
    return k - it->joined < it->size ? it->raw + (k - it->joined) : it->raw + it->size;
}

inline std::size_t SourceMap::raw_end(std::size_t k) const { return k == 0 ? raw(0) : raw(k - 1) + 1; }

}  // namespace xbuild::dockerfile
