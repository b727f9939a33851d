// Implementation of xbuild/dockerfile/parser.hpp: a port of BuildKit's parser.go and
// line_parsers.go, plus the part of its shell lexer that finds heredoc markers. Comments name
// the Go function each piece mirrors, so a later BuildKit change can be followed.
#pragma once

#include <algorithm>
#include <cstdint>

#include "../../strings.hpp"

namespace xbuild::dockerfile {

inline const std::vector<std::string_view>& known_instructions() {
    static const std::vector<std::string_view> names = {
        "ADD",   "ARG",        "CMD",     "COPY", "ENTRYPOINT", "ENV",        "EXPOSE", "FROM",   "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN",  "SHELL",      "STOPSIGNAL", "USER",   "VOLUME", "WORKDIR"};
    return names;
}

namespace detail::df {

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// JSON (parseJSON): Go's json.Decoder reading one value into []interface{}. Only the first value
// is read, whatever follows it is ignored, as there.

enum class JsonArray : std::uint8_t { ok, invalid, not_strings };

class JsonReader {
   public:
    explicit JsonReader(std::string_view s) : s_(s) {}

    JsonArray array(std::vector<std::string>& out) {
        if (peek() != '[') return JsonArray::invalid;
        ++i_;
        std::vector<std::string> items;
        bool only_strings = true;
        ws();
        if (peek() == ']') {
            out.clear();
            return JsonArray::ok;
        }
        for (;;) {
            ws();
            if (peek() == '"') {
                std::string item;
                if (!string(&item)) return JsonArray::invalid;
                items.push_back(std::move(item));
            } else {
                if (!skip_value()) return JsonArray::invalid;
                only_strings = false;
            }
            ws();
            const int c = peek();
            ++i_;
            if (c == ']') break;
            if (c != ',') return JsonArray::invalid;
        }
        if (!only_strings) return JsonArray::not_strings;
        out = std::move(items);
        return JsonArray::ok;
    }

   private:
    // Go's decoder refuses deeper nesting; the outer array is one level.
    static constexpr std::size_t max_depth = 10000;

    int peek() const { return i_ < s_.size() ? static_cast<unsigned char>(s_[i_]) : -1; }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    int hex4(std::size_t at) const {
        if (s_.size() - std::min(at, s_.size()) < 4) return -1;
        int v = 0;
        for (std::size_t k = at; k < at + 4; ++k) {
            const char c = s_[k];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= c - '0';
            else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
            else return -1;
        }
        return v;
    }
    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // A string at '"'; decoded into *out when out is set. Bytes that are not UTF-8 and lone
    // surrogates become U+FFFD, as Go decodes them.
    bool string(std::string* out) {
        ++i_;
        std::string buf;
        for (;;) {
            if (i_ >= s_.size()) return false;
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                break;
            }
            if (c < 0x20) return false;
            if (c != '\\') {
                buf += static_cast<char>(c);
                ++i_;
                continue;
            }
            if (i_ + 1 >= s_.size()) return false;
            const char e = s_[i_ + 1];
            i_ += 2;
            switch (e) {
                case '"':
                case '\\':
                case '/': buf += e; break;
                case 'b': buf += '\b'; break;
                case 'f': buf += '\f'; break;
                case 'n': buf += '\n'; break;
                case 'r': buf += '\r'; break;
                case 't': buf += '\t'; break;
                case 'u': {
                    const int hi = hex4(i_);
                    if (hi < 0) return false;
                    i_ += 4;
                    std::uint32_t cp = static_cast<std::uint32_t>(hi);
                    if (cp >= 0xD800 && cp < 0xE000) {
                        const bool pair = cp < 0xDC00 && s_.size() - i_ >= 6 && s_[i_] == '\\' && s_[i_ + 1] == 'u';
                        const int lo = pair ? hex4(i_ + 2) : -1;
                        if (lo >= 0xDC00 && lo < 0xE000) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(lo) - 0xDC00);
                            i_ += 6;
                        } else {
                            cp = 0xFFFD;
                        }
                    }
                    append_utf8(buf, cp);
                    break;
                }
                default: return false;
            }
        }
        if (out) {
            out->clear();
            for (std::size_t k = 0; k < buf.size();) {
                const std::size_t n = utf8_len(buf, k);
                if (n) {
                    out->append(buf, k, n);
                    k += n;
                } else {
                    out->append("\xEF\xBF\xBD");
                    ++k;
                }
            }
        }
        return true;
    }

    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    bool digits() {
        const std::size_t start = i_;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        return i_ > start;
    }

    bool number() {
        if (peek() == '-') ++i_;
        if (peek() == '0') ++i_;
        else if (!digits()) return false;
        if (peek() == '.') {
            ++i_;
            if (!digits()) return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            if (!digits()) return false;
        }
        return true;
    }

    // `"key" :` inside an object.
    bool key() {
        ws();
        if (peek() != '"' || !string(nullptr)) return false;
        ws();
        if (peek() != ':') return false;
        ++i_;
        return true;
    }

    // Any JSON value, nested arrays and objects tracked on a stack rather than by recursion.
    bool skip_value() {
        std::vector<char> open;
        for (;;) {
            // A value is expected here.
            ws();
            const int c = peek();
            bool closed_empty = false;
            if (c == '[' || c == '{') {
                if (open.size() + 2 > max_depth) return false;
                open.push_back(static_cast<char>(c));
                ++i_;
                ws();
                if (peek() == (c == '[' ? ']' : '}')) {
                    ++i_;
                    open.pop_back();
                    closed_empty = true;
                } else if (c == '{') {
                    if (!key()) return false;
                    continue;
                } else {
                    continue;
                }
            }
            if (!closed_empty) {
                bool ok = false;
                if (c == '"') ok = string(nullptr);
                else if (c == 't') ok = literal("true");
                else if (c == 'f') ok = literal("false");
                else if (c == 'n') ok = literal("null");
                else ok = number();
                if (!ok) return false;
            }
            // After a value: close containers, or go on to the next member.
            for (;;) {
                if (open.empty()) return true;
                ws();
                const int d = peek();
                if (d == ',') {
                    ++i_;
                    if (open.back() == '{' && !key()) return false;
                    break;
                }
                if (d != (open.back() == '[' ? ']' : '}')) return false;
                ++i_;
                open.pop_back();
            }
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

inline JsonArray parse_json_array(std::string_view text, std::vector<std::string>& out) {
    return JsonReader(trim_left_space(text)).array(out);
}

// ---------------------------------------------------------------------------------------------
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

struct Marker {
    Heredoc heredoc;
    std::string written;  // "<<-'EOT'", for messages
};

inline std::vector<Marker> heredoc_markers(std::string_view line, const Context& ctx) {
    std::vector<Marker> markers;
    std::vector<std::string> words;
    // A line the lexer cannot split has no heredocs (BuildKit ignores that error).
    if (!ShellWords(line, true, true, false).words(words)) return markers;
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
        if (!ShellWords(rest, false, false, true).words(plain) || !ShellWords(rest, true, false, true).words(raw))
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
            df.directives.push_back({name, value, ctx.line});
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
