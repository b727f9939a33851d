// Implementation of xbuild/dockerfile/shell_commands.hpp.
#pragma once

#include <array>
#include <algorithm>

#include "../parser.hpp"

namespace xbuild::dockerfile {

namespace detail {

inline bool is_operator_char(char c) { return c == '&' || c == '|' || c == ';' || c == '(' || c == ')' || c == '\n'; }
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

inline bool is_assignment(std::string_view w) {
    auto eq = w.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    for (std::size_t i = 0; i < eq; ++i) {
        char c = w[i];
        bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

inline constexpr std::array<std::string_view, 12> reserved_words = {"if",   "then",  "else",  "elif", "fi", "do",
                                                                    "done", "while", "until", "!",    "{",  "}"};
inline constexpr std::array<std::string_view, 5> wrappers = {"env", "sudo", "time", "exec", "command"};

// A RUN's lines are joined by the parser's rule (parser_lines.inl: strip_continuation, and the
// comment and blank lines it drops inside a continuation), applied here to the raw lines.

// The line of t that holds offset i: [i, its "\n"), without the "\r"s before it (trimNewline).
inline std::string_view rest_of_line(std::string_view t, std::size_t i) {
    const std::size_t nl = t.find('\n', i);
    std::string_view line = t.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// The length of the line continuation at t[i] (the escape that the parser strips as the line's
// continuation, the blanks after it, the line end), 0 when there is none.
inline std::size_t continuation_length(std::string_view t, std::size_t i, char escape) {
    const std::size_t nl = t.find('\n', i);
    if (i >= t.size() || t[i] != escape || nl == std::string_view::npos) return 0;
    std::string_view line = rest_of_line(t, i);
    return df::strip_continuation(line, escape) && line.empty() ? nl + 1 - i : 0;
}

// Whether the line that ends at t[nl] (a newline; from `from` on) ends with a continuation.
inline bool ends_continued(std::string_view t, std::size_t from, std::size_t nl, char escape) {
    const std::size_t start = t.rfind('\n', nl == 0 ? 0 : nl - 1);
    const std::size_t line_start = start == std::string_view::npos || start < from || start >= nl ? from : start + 1;
    std::string_view line = rest_of_line(t.substr(0, nl), line_start);
    return df::strip_continuation(line, escape);
}

// Past the comment and empty lines that BuildKit drops from inside a continuation.
inline std::size_t skip_dropped_lines(std::string_view t, std::size_t i) {
    while (i < t.size()) {
        const std::string_view line = rest_of_line(t, i);
        if (!df::is_comment(line) && !df::trim_left_space(line).empty()) break;
        const std::size_t nl = t.find('\n', i);
        if (nl == std::string_view::npos) break;  // the last line is the instruction's own
        i = nl + 1;
    }
    return i;
}

// Past the continuations at t[i] (and, in a RUN's lines, the lines BuildKit drops inside them);
// i itself when there is none.
inline std::size_t past_joins(std::string_view t, std::size_t i, char escape, Lines lines = Lines::dockerfile) {
    for (;;) {
        if (lines == Lines::shell) {
            if (i + 1 >= t.size() || t[i] != '\\' || t[i + 1] != '\n') return i;
            i += 2;
        } else {
            const std::size_t n = continuation_length(t, i, escape);
            if (n == 0) return i;
            i = skip_dropped_lines(t, i + n);
        }
    }
}

// Reads one word starting at i (not blank, not an operator); returns the offset past it.
inline std::size_t scan_word(std::string_view t, std::size_t i, char escape, Lines lines = Lines::dockerfile) {
    int depth = 0;  // $( ... ) nesting
    while (i < t.size()) {
        char c = t[i];
        if (c == escape && i + 1 < t.size()) {
            // A continuation joins the lines: the word goes on when the next line goes on with it.
            const std::size_t next = past_joins(t, i, escape, lines);
            if (next == i) {
                // An escape that ends a RUN's line continues it even right after another escape
                // (BuildKit only looks at the last character): that one is not escaped.
                i += lines == Lines::dockerfile && past_joins(t, i + 1, escape) != i + 1 ? 1 : 2;
                continue;
            }
            if (next >= t.size() || is_blank(t[next]) || is_operator_char(t[next])) break;
            i = next;
            continue;
        }
        if (c == '\'') {
            auto close = t.find('\'', i + 1);
            i = close == std::string_view::npos ? t.size() : close + 1;
            continue;
        }
        if (c == '"' || c == '`') {
            std::size_t j = i + 1;
            while (j < t.size() && t[j] != c) j += (t[j] == escape && j + 1 < t.size()) ? 2 : 1;
            i = std::min(j + 1, t.size());
            continue;
        }
        if (c == '$' && i + 1 < t.size() && t[i + 1] == '(') {
            depth++;
            i += 2;
            continue;
        }
        if (depth > 0) {
            if (c == '(') depth++;
            if (c == ')') depth--;
            i++;
            continue;
        }
        if (is_blank(c) || is_operator_char(c)) break;
        i++;
    }
    return i;
}

}  // namespace detail

inline std::vector<ShellCommand> shell_commands(std::string_view t, char escape, Lines lines) {
    std::vector<ShellCommand> out;
    ShellCommand cur;
    bool in_command = false;  // past the assignments and wrappers: words are arguments
    auto finish = [&] {
        if (!cur.words.empty()) out.push_back(std::move(cur));
        cur = ShellCommand {};
        in_command = false;
    };
    std::size_t i = 0;
    while (i < t.size()) {
        char c = t[i];
        if (detail::is_blank(c)) {
            i++;
            continue;
        }
        if (const std::size_t next = detail::past_joins(t, i, escape, lines); next != i) {  // continuations: a blank
            i = next;
            continue;
        }
        if (detail::is_operator_char(c)) {
            finish();
            i++;
            continue;
        }
        if (c == '#') {  // a word that starts with # starts a comment, to the line's end
            auto nl = t.find('\n', i);
            // A RUN's continued lines are one line by the time the shell sees the comment.
            while (lines == Lines::dockerfile && nl != std::string_view::npos &&
                   detail::ends_continued(t, i, nl, escape))
                nl = t.find('\n', nl + 1);
            i = nl == std::string_view::npos ? t.size() : nl;
            continue;
        }
        const std::size_t end = detail::scan_word(t, i, escape, lines);
        std::string word(t.substr(i, end - i));
        if (!in_command && cur.words.empty()) {
            if (std::find(detail::reserved_words.begin(), detail::reserved_words.end(), word) !=
                detail::reserved_words.end()) {
                i = end;
                continue;
            }
            if (detail::is_assignment(word)) {
                cur.assignments.push_back(std::move(word));
                i = end;
                continue;
            }
            if (std::find(detail::wrappers.begin(), detail::wrappers.end(), word) != detail::wrappers.end()) {
                i = end;  // env/sudo/...: the command follows (their own options are not skipped)
                continue;
            }
            in_command = true;
        }
        cur.words.push_back(std::move(word));
        cur.offsets.push_back(i);
        cur.end = end;
        i = end == i ? i + 1 : end;
    }
    finish();
    return out;
}

inline std::string_view program_name(const ShellCommand& command) {
    if (command.words.empty()) return {};
    std::string_view w = command.words.front();
    auto slash = w.rfind('/');
    return slash == std::string_view::npos ? w : w.substr(slash + 1);
}

}  // namespace xbuild::dockerfile
