// Implementation of xbuild/emulation/binfmt.hpp.
#pragma once

#include <cstdlib>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "../../strings.hpp"

namespace xbuild::emulation {

namespace detail {

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "7f454c46" -> {0x7f, 0x45, 0x4c, 0x46}; nullopt for odd lengths and non-hex characters.
inline std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view s) {
    if (s.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

// "offset 0" -> 0; only what the kernel can print (a small decimal).
inline std::optional<unsigned> parse_offset(std::string_view s) {
    if (s.empty() || s.size() > 3) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + unsigned(c - '0');
    }
    return v;
}

// Reads at most `limit` bytes of a small file (binfmt_misc entries are one page at most).
inline std::optional<std::string> read_small_file(const std::string& path, std::size_t limit = 4096) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buf[1024];
    while (text.size() < limit) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (text.size() > limit) text.resize(limit);
    return text;
}

}  // namespace detail

inline std::optional<BinfmtEntry> parse_binfmt_entry(std::string_view name, std::string_view text) {
    BinfmtEntry e;
    e.name = name;
    bool have_status = false, have_interpreter = false, have_offset = false, have_magic = false;
    for (std::string_view line : split(text, '\n')) {
        line = trim(line);
        if (line.empty()) continue;
        auto space = line.find(' ');
        std::string_view key = line.substr(0, space);
        std::string_view value = space == std::string_view::npos ? std::string_view() : trim(line.substr(space + 1));
        if (!have_status) {
            // The first line is the state, nothing else.
            if (line != "enabled" && line != "disabled") return std::nullopt;
            e.enabled = line == "enabled";
            have_status = true;
        } else if (key == "interpreter") {
            if (value.empty() || value.front() != '/') return std::nullopt;
            e.interpreter = value;
            have_interpreter = true;
        } else if (key == "flags:") {
            if (value.find_first_not_of("POCF") != std::string_view::npos) return std::nullopt;
            e.flags = value;
        } else if (key == "extension") {
            if (value.size() < 2 || value.front() != '.') return std::nullopt;
            e.by_extension = true;
            e.extension = value.substr(1);
        } else if (key == "offset") {
            auto off = detail::parse_offset(value);
            if (!off) return std::nullopt;
            e.offset = *off;
            have_offset = true;
        } else if (key == "magic") {
            auto bytes = detail::parse_hex(value);
            if (!bytes || bytes->empty()) return std::nullopt;
            e.magic = std::move(*bytes);
            have_magic = true;
        } else if (key == "mask") {
            auto bytes = detail::parse_hex(value);
            if (!bytes || bytes->empty()) return std::nullopt;
            e.mask = std::move(*bytes);
        } else {
            return std::nullopt;  // not something the kernel writes
        }
    }
    if (!have_status || !have_interpreter) return std::nullopt;
    if (e.by_extension) {
        if (have_magic || have_offset || !e.mask.empty()) return std::nullopt;
        return e;
    }
    if (!have_magic || !have_offset) return std::nullopt;
    if (!e.mask.empty() && e.mask.size() != e.magic.size()) return std::nullopt;
    if (e.offset + e.magic.size() > binfmt_buffer_size) return std::nullopt;
    return e;
}

inline bool binfmt_matches(const BinfmtEntry& e, std::span<const std::byte> head, std::string_view path) {
    if (e.by_extension) {
        auto dot = path.rfind('.');
        return dot != std::string_view::npos && path.substr(dot + 1) == e.extension;
    }
    if (e.magic.empty() || e.offset + e.magic.size() > binfmt_buffer_size) return false;
    for (std::size_t j = 0; j < e.magic.size(); ++j) {
        const std::size_t at = e.offset + j;
        // The kernel's buffer is zero past the end of a short file.
        const auto byte = at < head.size() ? static_cast<std::uint8_t>(head[at]) : std::uint8_t {0};
        const std::uint8_t mask = e.mask.empty() ? std::uint8_t {0xff} : e.mask[j];
        if ((byte ^ e.magic[j]) & mask) return false;
    }
    return true;
}

inline std::string binfmt_misc_dir() {
    const char* dir = std::getenv("XX_BINFMT_MISC");
    return dir && *dir ? dir : "/proc/sys/fs/binfmt_misc";
}

inline std::vector<BinfmtEntry> read_binfmt_entries(const std::string& dir) {
    std::vector<BinfmtEntry> entries;
    if (auto status = detail::read_small_file(dir + "/status"); status && trim(*status) == "disabled") return entries;
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* ent = ::readdir(d)) {
            std::string_view n = ent->d_name;
            if (n.empty() || n.front() == '.' || n == "status" || n == "register") continue;
            names.emplace_back(n);
            if (names.size() >= 1024) break;  // the kernel has no limit; a sane folder has a few dozen
        }
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    for (const std::string& n : names)
        if (auto text = detail::read_small_file(dir + "/" + n))
            if (auto e = parse_binfmt_entry(n, *text)) entries.push_back(std::move(*e));
    return entries;
}

}  // namespace xbuild::emulation
