// Part of xbuild/dockerfile/parser.hpp (see parser.inl): BuildKit's shell-word lexer as its
// heredoc detection runs it (quotes and escapes kept, every variable unset).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text.inl"

namespace xbuild::dockerfile::detail::df {

// Heredoc markers (heredocsFromLine, ParseHeredoc): the line is split into shell words by
// BuildKit's lexer with quotes and escapes kept and every variable unset; a word
// `^(\d*)<<(-?)([^<]*)$` whose rest lexes to one word opens a heredoc. Only the lexer's word
// splitting is ported, and only as far as the variables' values (all unset) decide it.

class ShellWords {
   public:
    ShellWords(std::string_view s, bool raw_quotes, bool raw_escapes, bool skip_unset)
        : s_(s), raw_quotes_(raw_quotes), raw_escapes_(raw_escapes), skip_unset_(skip_unset) {}

    // ProcessWords: false on a lexing error (unterminated quote, bad ${...}).
    bool words(std::vector<std::string>& out) {
        Words w;
        std::string result;
        if (!stop_on(-1, raw_escapes_, result, &w)) return false;
        if (!w.word.empty()) w.list.push_back(std::move(w.word));
        out = std::move(w.list);
        return true;
    }

   private:
    // ${a:-${b:-${c...}}} recurses; deeper than this is an error (no heredoc) rather than a crash.
    static constexpr int max_depth = 64;

    struct Words {
        std::string word;
        std::vector<std::string> list;
        bool in_word = false;

        void add_raw(std::string_view s) {
            word += s;
            in_word = true;
        }
        void add_char(std::string_view rune) {
            if (space_len(rune, 0)) {
                if (in_word && !word.empty()) {
                    list.push_back(std::move(word));
                    word.clear();
                    in_word = false;
                }
            } else {
                add_raw(rune);
            }
        }
        void add_string(std::string_view s) {
            for (std::size_t i = 0; i < s.size();) {
                const std::size_t n = rune_len(s, i);
                add_char(s.substr(i, n));
                i += n;
            }
        }
    };

    bool at_end() const { return pos_ >= s_.size(); }
    int peek() const { return at_end() ? -1 : static_cast<unsigned char>(s_[pos_]); }
    std::string_view take_rune() {
        const std::size_t n = rune_len(s_, pos_);
        const std::string_view r = s_.substr(pos_, n);
        pos_ += n;
        return r;
    }

    // processStopOn
    bool stop_on(int stop, bool raw_escapes, std::string& result, Words* words) {
        if (++depth_ > max_depth) return false;
        while (!at_end()) {
            const int c = peek();
            if (stop >= 0 && c == stop) {
                ++pos_;
                --depth_;
                return true;
            }
            if (c == '\'' || c == '"' || c == '$') {
                std::string tmp;
                if (!(c == '\'' ? single_quote(tmp) : c == '"' ? double_quote(tmp) : dollar(tmp))) return false;
                result += tmp;
                if (words) c == '$' ? words->add_string(tmp) : words->add_raw(tmp);
                continue;
            }
            std::string_view r = take_rune();
            if (r == "\\") {
                if (raw_escapes) {
                    if (words) words->add_raw(r);
                    result += r;
                }
                if (at_end()) break;
                r = take_rune();
                if (words) words->add_raw(r);
            } else if (words) {
                words->add_char(r);
            }
            result += r;
        }
        --depth_;
        return stop < 0;  // ran out before the closing char
    }

    bool single_quote(std::string& out) {
        ++pos_;
        if (raw_quotes_) out += '\'';
        for (;;) {
            if (at_end()) return false;
            const char c = s_[pos_++];
            if (c == '\'') {
                if (raw_quotes_) out += '\'';
                return true;
            }
            out += c;
        }
    }

    bool double_quote(std::string& out) {
        ++pos_;
        if (raw_quotes_) out += '"';
        for (;;) {
            const int c = peek();
            if (c < 0) return false;
            if (c == '"') {
                ++pos_;
                if (raw_quotes_) out += '"';
                return true;
            }
            if (c == '$') {
                std::string tmp;
                if (!dollar(tmp)) return false;
                out += tmp;
                continue;
            }
            std::string_view r = take_rune();
            if (r == "\\") {
                if (raw_escapes_) out += r;
                const int d = peek();
                if (d < 0) continue;
                if (d == '"' || d == '$' || d == '\\') r = take_rune();
            }
            out += r;
        }
    }

    static bool is_special_param(int c) {
        return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c == '0';
    }

    // processName: a variable name, digits, or one special parameter.
    std::string name() {
        std::string out;
        while (!at_end()) {
            const char c = s_[pos_];
            if (out.empty() && is_digit(c)) {
                while (!at_end() && is_digit(s_[pos_])) out += s_[pos_++];
                return out;
            }
            if (out.empty() && is_special_param(static_cast<unsigned char>(c))) {
                ++pos_;
                return std::string(1, c);
            }
            const bool word_char =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
                // Other letters: taken as any non-blank UTF-8 rune.
                (static_cast<unsigned char>(c) >= 0x80 && utf8_len(s_, pos_) > 1 && !space_len(s_, pos_));
            if (!word_char) break;
            out += take_rune();
        }
        return out;
    }

    // processDollar with every variable unset.
    bool dollar(std::string& out) {
        ++pos_;
        if (peek() != '{') {
            const std::string nm = name();
            if (nm.empty()) out = "$";
            else out = skip_unset_ ? "$" + nm : "";
            return true;
        }
        ++pos_;
        const int first = peek();
        if (first < 0 || first == '{' || first == '}' || first == ':') return false;
        const std::string nm = name();
        if (at_end()) return false;  // unsupported modifier
        int ch = s_[pos_];
        std::string chs(take_rune());
        if (ch == '}') {
            out = skip_unset_ ? "${" + nm + "}" : "";
            return true;
        }
        if (ch == '/') {
            const bool all = peek() == '/';
            if (all) ++pos_;
            std::string pattern, replacement;
            if (!stop_on('/', true, pattern, nullptr) || !stop_on('}', true, replacement, nullptr)) return false;
            out = skip_unset_ ? "${" + nm + "/" + pattern + "/" + replacement + "}" : "";
            return true;
        }
        bool null_is_unset = false;
        if (ch == ':') {
            null_is_unset = true;
            if (at_end()) return false;
            ch = s_[pos_];
            chs += take_rune();
        } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
            return false;
        }
        const bool raw = ch == '#' || ch == '%';
        if (null_is_unset && raw) return false;
        std::string word;
        if (!stop_on('}', raw, word, nullptr)) return false;
        if (skip_unset_) {
            out = "${" + nm + chs + word + "}";
            return true;
        }
        switch (ch) {
            case '-': out = word; return true;
            case '+':
            case '#':
            case '%': out.clear(); return true;
            default: return false;  // ${x?msg} fails for an unset x; ${x:y} is unsupported
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    bool raw_quotes_, raw_escapes_, skip_unset_;
};

}  // namespace xbuild::dockerfile::detail::df
