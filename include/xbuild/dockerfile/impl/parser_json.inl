// Part of xbuild/dockerfile/parser.hpp (see parser.inl): the exec form's JSON arrays, read as Go's
// json.Decoder reads one value into []interface{}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text.inl"

namespace xbuild::dockerfile::detail::df {

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

}  // namespace xbuild::dockerfile::detail::df
