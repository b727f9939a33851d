// Part of the implementation of xbuild/project/config.hpp: a shield in front of toml++ 3.3.
//
// toml++ up to 3.4 reaches __builtin_unreachable() (undefined behaviour) when it asks whether
// certain non-ASCII code points are whitespace (marzer/tomlplusplus#190 and #295, fixed after 3.4
// by PR #305): U+00A1-U+0499 (é, «, Greek, Cyrillic, ...) and one more range. Which characters it
// asks that of depends on its parser's state in ways a scanner cannot follow (a first guard that
// tried was passed by the fuzzer), so toml++ never sees them: before parsing, each becomes a
// stand-in in a private-use plane (U+F0000 + the code point), which toml++ classifies safely; the
// strings read and the messages get the characters back. One code point for one, so lines and
// columns stay right. A document that holds that plane's code points itself is refused.
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

inline constexpr char32_t toml_stand_in_base = 0xF0000;

// The code point at text[i] and its length in bytes; a byte that starts no valid sequence stands
// for itself (toml++ then reports it).
inline std::pair<char32_t, std::size_t> utf8_at(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    if (i + len > text.size()) return {b, 1};
    char32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return {b, 1};
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    return {cp, len};
}

inline void append_utf8(std::string& out, char32_t cp) {
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

// `text` with every character toml++ 3.3 cannot classify replaced by its stand-in. Throws
// ConfigError (through `r`) at a code point of the stand-in plane.
inline std::string shield_toml(const Reader& r, std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    unsigned line = 1, column = 1;
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, len] = utf8_at(text, i);
        if (cp >= toml_stand_in_base && cp < toml_stand_in_base + 0x10000) {
            toml::source_region region;
            region.begin = {line, column};
            r.fail(region, "a character of the private-use plane U+F0000-U+FFFFF is not accepted here");
        }
        if (len > 1 && toml_whitespace_test_is_undefined(cp)) append_utf8(out, toml_stand_in_base + cp);
        else out.append(text.substr(i, len));
        i += len;
        if (cp == '\n') ++line, column = 1;
        else ++column;
    }
    return out;
}

// The characters back in place of their stand-ins.
inline std::string unshield(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto [cp, len] = utf8_at(text, i);
        if (cp >= toml_stand_in_base && toml_whitespace_test_is_undefined(cp - toml_stand_in_base))
            append_utf8(out, cp - toml_stand_in_base);
        else out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

inline void unshield_all(std::vector<std::string>& items) {
    for (std::string& s : items) s = unshield(s);
}

// Every string of a Config read from shielded text, given back its characters.
inline void unshield_config(Config& c) {
    unshield_all(c.platforms);
    c.kind = unshield(c.kind);
    unshield_all(c.command);
    unshield_all(c.outputs);
    unshield_all(c.go.packages);
    c.go.ldflags = unshield(c.go.ldflags);
    unshield_all(c.go.tags);
    unshield_all(c.go.flags);
    c.rust.profile = unshield(c.rust.profile);
    unshield_all(c.rust.features);
    unshield_all(c.rust.bins);
    unshield_all(c.rust.flags);
    for (ToolSettings* t : {&c.cmake, &c.meson, &c.configure, &c.make}) unshield_all(t->args);
    c.cmake_build_type = unshield(c.cmake_build_type);
    unshield_all(c.artifacts.include);
    unshield_all(c.artifacts.exclude);
    ImageSettings& im = c.image;
    for (std::string* s : {&im.base, &im.path, &im.user, &im.workdir}) *s = unshield(*s);
    unshield_all(im.entrypoint);
    unshield_all(im.cmd);
    unshield_all(im.ports);
    for (auto& [name, value] : im.env) name = unshield(name), value = unshield(value);
    std::map<std::string, std::string> labels;
    for (const auto& [name, value] : im.labels) labels.emplace(unshield(name), unshield(value));
    im.labels = std::move(labels);
}

}  // namespace xbuild::project::detail
