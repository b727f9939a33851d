// Implementation of xbuild/registry/www_authenticate.hpp.
#pragma once

#include <cstring>

namespace xbuild::registry {

namespace detail {

// RFC 7230 tchar, and RFC 7235 token68's alphabet.
inline bool auth_tchar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}
inline bool auth_token68_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("-._~+/", c) != nullptr);
}

inline std::string auth_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

[[noreturn]] inline void auth_fail(const std::string& what, std::size_t pos) {
    throw AuthParseError("WWW-Authenticate: " + what + " at position " + std::to_string(pos));
}

class ChallengeLexer {
   public:
    explicit ChallengeLexer(std::string_view s) : s_(s) {}

    std::vector<Challenge> parse() {
        std::vector<Challenge> out;
        for (;;) {
            skip_list_separators();
            if (at_end()) return out;
            const std::size_t at = i_;
            const std::string_view scheme = token();
            if (scheme.empty()) auth_fail("expected an authentication scheme (a token)", at);
            Challenge c {auth_lower(scheme), {}};
            const std::size_t after_scheme = i_;
            blanks();
            if (!at_end() && s_[i_] != ',') {
                if (i_ == after_scheme)
                    auth_fail("expected a blank after the scheme '" + std::string(scheme) + "'", i_);
                if (!token68(c)) params(c);
            }
            out.push_back(std::move(c));
        }
    }

   private:
    bool at_end() const { return i_ >= s_.size(); }
    void blanks() {
        while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    void skip_list_separators() {
        while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
    }
    std::string_view token() {
        const std::size_t b = i_;
        while (!at_end() && auth_tchar(s_[i_])) ++i_;
        return s_.substr(b, i_ - b);
    }

    // token68 ("Negotiate abc==") when the word runs to the element's end; else nothing consumed.
    bool token68(Challenge& c) {
        const std::size_t b = i_;
        std::size_t j = i_;
        while (j < s_.size() && auth_token68_char(s_[j])) ++j;
        if (j == b) return false;
        while (j < s_.size() && s_[j] == '=') ++j;
        const std::size_t end = j;
        while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
        if (j < s_.size() && s_[j] != ',') return false;
        c.params[""] = std::string(s_.substr(b, end - b));
        i_ = j;
        return true;
    }

    std::string value_of(std::string_view name) {
        std::string value;
        if (!at_end() && s_[i_] == '"') {
            const std::size_t open = i_++;
            for (;;) {
                if (at_end()) auth_fail("unterminated quoted string", open);
                const char ch = s_[i_++];
                if (ch == '"') return value;
                if (ch == '\\') {
                    if (at_end()) auth_fail("unterminated quoted string", open);
                    value += s_[i_++];
                } else {
                    value += ch;
                }
            }
        }
        const std::size_t at = i_;
        const std::string_view v = token();
        if (v.empty()) auth_fail("expected a token or a quoted string as the value of '" + std::string(name) + "'", at);
        return std::string(v);
    }

    // auth-param *( "," auth-param ): a comma followed by `token =` continues this challenge,
    // anything else after it starts the next one.
    void params(Challenge& c) {
        for (;;) {
            blanks();
            const std::size_t at = i_;
            const std::string_view name = token();
            if (name.empty()) auth_fail("expected a parameter name", at);
            blanks();
            if (at_end() || s_[i_] != '=')
                auth_fail("expected '=' after the parameter '" + std::string(name) + "'", i_);
            ++i_;
            blanks();
            std::string value = value_of(name);
            c.params.emplace(auth_lower(name), std::move(value));  // a repeated name keeps the first
            blanks();
            if (at_end()) return;
            if (s_[i_] != ',') auth_fail("expected ',' after the value of '" + std::string(name) + "'", i_);
            std::size_t j = i_;
            while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t' || s_[j] == ',')) ++j;
            std::size_t k = j;
            while (k < s_.size() && auth_tchar(s_[k])) ++k;
            std::size_t m = k;
            while (m < s_.size() && (s_[m] == ' ' || s_[m] == '\t')) ++m;
            if (k == j || m >= s_.size() || s_[m] != '=') return;
            i_ = j;
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace detail

inline std::vector<Challenge> parse_www_authenticate(std::string_view header) {
    return detail::ChallengeLexer(header).parse();
}

inline const Challenge* find_challenge(const std::vector<Challenge>& challenges, std::string_view scheme) {
    for (const auto& c : challenges)
        if (c.scheme == scheme) return &c;
    return nullptr;
}

}  // namespace xbuild::registry
