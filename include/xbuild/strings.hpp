// xbuild/strings.hpp: the few string helpers the parsers share.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace xbuild {

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline std::string_view trim(std::string_view s) {
    constexpr std::string_view blanks = " \t\r\n\v\f";
    auto first = s.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

// "a/b//c" split on '/' -> {"a", "b", "", "c"}; an empty input gives one empty part.
inline std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto pos = s.find(sep);
        parts.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) return parts;
        s.remove_prefix(pos + 1);
    }
}
// The parts are views into the input: a temporary string would leave them dangling.
template <class S>
requires std::is_same_v<S, std::string> std::vector<std::string_view> split(S&&, char)
= delete;

template <class Range>
std::string join(const Range& items, std::string_view sep) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += sep;
        out += item;
        first = false;
    }
    return out;
}

}  // namespace xbuild
