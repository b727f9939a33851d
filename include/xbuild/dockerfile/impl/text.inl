// Text helpers shared by the Dockerfile parser, the shell-word lexers and the planner: UTF-8
// runes, Go's unicode.IsSpace, the trims and splits BuildKit's parser uses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::dockerfile::detail::df {

// Text helpers. Go's parser decodes UTF-8 where it calls unicode.IsSpace, so blanks here are
// Unicode white space (NBSP, U+2000.. too); its regexps use ASCII classes.

// Length of a well-formed UTF-8 sequence at s[i], 0 when the bytes there are not one.
inline std::size_t utf8_len(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = at(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3;
    else if (c >= 0xF0 && c <= 0xF4) n = 4;
    else return 0;
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((at(i + k) & 0xC0) != 0x80) return 0;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if ((c == 0xE0 && at(i + 1) < 0xA0) || (c == 0xED && at(i + 1) > 0x9F) || (c == 0xF0 && at(i + 1) < 0x90) ||
        (c == 0xF4 && at(i + 1) > 0x8F))
        return 0;
    return n;
}

// Bytes of the rune at s[i] as Go steps through text: an invalid byte is a rune of its own.
inline std::size_t rune_len(std::string_view s, std::size_t i) {
    const std::size_t n = utf8_len(s, i);
    return n ? n : 1;
}

// unicode.IsSpace: the length of the white-space rune at s[i], 0 when there is none.
inline std::size_t space_len(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c < 0xC2) return 0;
    const std::string_view r = s.substr(i, 3);
    if (r.substr(0, 2) == "\xC2\x85" || r.substr(0, 2) == "\xC2\xA0") return 2;
    if (r.size() < 3) return 0;
    const auto last = static_cast<unsigned char>(r[2]);
    if (r.substr(0, 2) == "\xE2\x80" && (last <= 0x8A || last == 0xA8 || last == 0xA9 || last == 0xAF) && last >= 0x80)
        return 3;
    if (r == "\xE1\x9A\x80" || r == "\xE2\x81\x9F" || r == "\xE3\x80\x80") return 3;
    return 0;
}

inline std::string_view trim_left_space(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = space_len(s, i);
        if (n == 0) break;
        i += n;
    }
    return s.substr(i);
}

// strings.TrimSpace.
inline std::string_view trim_space(std::string_view s) {
    s = trim_left_space(s);
    std::size_t end = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t sp = space_len(s, i);
        if (sp) {
            i += sp;
        } else {
            i += rune_len(s, i);
            end = i;
        }
    }
    return s.substr(0, end);
}

// reWhitespace: [\t\v\f\r ].
inline bool is_re_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

// reWhitespace.Split(s, -1) for text without outer blanks; empty text has no words.
inline std::vector<std::string> split_blanks(std::string_view s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_re_blank(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_re_blank(s[i])) ++i;
        if (i > start) words.emplace_back(s.substr(start, i - start));
    }
    return words;
}

inline std::string to_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

// Go's %q, enough for messages.
inline std::string go_quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace xbuild::dockerfile::detail::df
