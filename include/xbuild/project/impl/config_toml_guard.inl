// Part of the implementation of xbuild/project/config.hpp: a guard in front of toml++ 3.3.
//
// toml++ up to 3.4 reaches __builtin_unreachable() (undefined behaviour) when it asks whether
// certain non-ASCII code points are whitespace (marzer/tomlplusplus#190 and #295, fixed after 3.4
// by PR #305): U+00A1-U+0499 and two more ranges. It asks that of every character outside strings
// and comments, of quoted keys (it records them), and in multi-line basic strings of the character
// after a backslash and the first one after a line-ending backslash. Only string values and
// comments are safe, so this scan rejects such a character anywhere else, before toml++ sees it.
// Outside strings the document would be invalid anyway; a quoted key or a line-ending backslash
// with one is valid TOML that this version cannot read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xbuild::project::detail {

// toml++ 3.3's is_non_ascii_horizontal_whitespace(c) hits its unreachable default for c.
constexpr bool toml_whitespace_test_is_undefined(char32_t c) {
    if (c < 0xA0 || c > 0xFEFF) return false;
    const std::uint64_t child = (static_cast<std::uint64_t>(c) - 0xA0) / 0x3FA;
    if ((std::uint64_t {1} << child) & 0x7FFFFFFFFFFFF75Eull) return false;
    if (c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
    return child != 5 && child != 7;
}

// Walks the text by code point with its line and column (1-based, in code points like toml++).
class TomlGuard {
   public:
    TomlGuard(const Reader& r, std::string_view text) : r_(r), text_(text) {}

    void run() {
        while (i_ < text_.size()) {
            char c = text_[i_];
            if (c == '#') {
                while (i_ < text_.size() && text_[i_] != '\n') next();
            } else if (c == '"' || c == '\'') {
                string(c);
            } else {
                if (c == '[' && !seen_on_line_) header_line_ = true;
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') seen_on_line_ = true;
                check(next(), "here; outside a string it is not valid TOML");
            }
        }
    }

   private:
    struct Pos {
        unsigned line, column;
    };

    // Decodes the code point at i_ (a stray byte stands for itself) and steps over it.
    char32_t next() {
        auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text_[k]); };
        unsigned char b = byte(i_);
        std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
        char32_t cp = len == 1 ? b : b & (0x7F >> len);
        if (i_ + len > text_.size()) len = 1, cp = b;
        for (std::size_t k = 1; k < len; ++k) {
            if ((byte(i_ + k) & 0xC0) != 0x80) {
                len = 1, cp = b;
                break;
            }
            cp = (cp << 6) | (byte(i_ + k) & 0x3F);
        }
        at_ = {line_, column_};
        i_ += len;
        if (cp == '\n') {
            ++line_, column_ = 1;
            seen_on_line_ = header_line_ = false;
        } else ++column_;
        return cp;
    }

    void check(char32_t cp, std::string_view where) const {
        if (!toml_whitespace_test_is_undefined(cp)) return;
        fail(at_, cp, where);
    }

    [[noreturn]] void fail(Pos at, char32_t cp, std::string_view where) const {
        static constexpr char hex[] = "0123456789ABCDEF";
        std::string code = "U+";
        for (int shift = 12; shift >= 0; shift -= 4) code += hex[(cp >> shift) & 0xF];
        toml::source_region region;
        region.begin = {at.line, at.column};
        r_.fail(region, "character " + code + " " + std::string(where) + " (toml++ 3.3 cannot read it there)");
    }

    bool starts_with(std::string_view s) const { return text_.substr(i_).starts_with(s); }

    // A string from its opening quote; `q` is " or '.
    void string(char q) {
        const bool multi = starts_with(std::string(3, q));
        const bool basic = q == '"';
        seen_on_line_ = true;
        for (int k = 0; k < (multi ? 3 : 1); ++k) next();
        bool found = false;
        Pos first {};
        char32_t first_cp = 0;
        while (i_ < text_.size()) {
            if (multi && starts_with(std::string(3, q))) {
                for (int k = 0; k < 3; ++k) next();
                for (int extra = 0; extra < 2 && i_ < text_.size() && text_[i_] == q; ++extra) next();
                break;
            }
            if (!multi && (text_[i_] == q || text_[i_] == '\n')) {
                if (text_[i_] == q) next();
                break;
            }
            if (basic && text_[i_] == '\\') {
                next();
                if (i_ >= text_.size()) break;
                char32_t escaped = next();
                if (!multi) continue;
                check(escaped, "after a backslash");
                if (escaped == ' ' || escaped == '\t' || escaped == '\r' || escaped == '\n') {
                    while (i_ < text_.size() && std::string_view(" \t\r\n").find(text_[i_]) != std::string_view::npos)
                        next();
                    if (i_ < text_.size()) check(next(), "right after a line-ending backslash");
                }
                continue;
            }
            char32_t cp = next();
            if (!found && toml_whitespace_test_is_undefined(cp)) found = true, first = at_, first_cp = cp;
        }
        // A quoted key: followed by '=' or '.', or by ']' in a table header.
        if (!found) return;
        std::size_t k = i_;
        while (k < text_.size() && (text_[k] == ' ' || text_[k] == '\t')) ++k;
        if (k < text_.size() && (text_[k] == '=' || text_[k] == '.' || (text_[k] == ']' && header_line_)))
            fail(first, first_cp, "in a quoted key");
    }

    const Reader& r_;
    std::string_view text_;
    std::size_t i_ = 0;
    unsigned line_ = 1, column_ = 1;
    Pos at_ {1, 1};
    bool seen_on_line_ = false, header_line_ = false;
};

// Throws ConfigError for text that would make toml++ 3.3 misbehave.
inline void guard_toml(const Reader& r, std::string_view text) {
#if TOML_LIB_MAJOR == 3 && TOML_LIB_MINOR <= 4
    TomlGuard(r, text).run();
#else
    (void)r, (void)text;
#endif
}

}  // namespace xbuild::project::detail
