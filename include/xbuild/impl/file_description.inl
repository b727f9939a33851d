#pragma once

namespace xbuild {

namespace detail {

inline bool mentions(std::string_view text, std::string_view needle) {
    return text.find(needle) != std::string_view::npos;
}

// One of the '|'-separated names is in the text.
inline bool mentions_any(std::string_view text, std::string_view names) {
    while (true) {
        const auto bar = names.find('|');
        if (mentions(text, names.substr(0, bar))) return true;
        if (bar == std::string_view::npos) return false;
        names.remove_prefix(bar + 1);
    }
}

inline constexpr std::pair<std::string_view, std::string_view> bsd_marks[] = {
    {"freebsd", "(FreeBSD)"}, {"netbsd", "(NetBSD)"}, {"openbsd", "(OpenBSD)"}};

}  // namespace detail

inline std::string file_description_problem(std::string_view out, const Target& t, bool want_static) {
    using detail::mentions;
    const std::string os(t.os);
    const bool elf = t.elf_machine != 0;
    const std::string_view os_word = elf ? "ELF" : t.pe_machine != 0 ? "MS Windows" : "Mach-O";
    if (!mentions(out, os_word)) return "does not match expected target OS " + os;
    // file(1) names a BSD's ELF ABI in parentheses, "version 1 (FreeBSD)"; Linux's is SYSV/GNU.
    for (const auto& [bsd, mark] : detail::bsd_marks) {
        if (t.os == bsd && !mentions(out, mark)) return "does not match expected target OS " + os;
        if (t.os != bsd && mentions(out, mark.substr(1, mark.size() - 2)))
            return "does not match expected target OS " + os;
    }

    const std::string_view names = t.file_machine.empty() ? t.machine_name : t.file_machine;
    if (!detail::mentions_any(out, names)) return "does not match expected target architecture " + std::string(t.arch);
    if (elf) {
        const std::string word = std::to_string(t.bits) + "-bit " + (t.endian == Endian::little ? "LSB" : "MSB");
        if (!mentions(out, word)) return "does not match expected endianness for " + std::string(t.arch);
    }

    if (want_static && elf) {
        const bool is_static = mentions(out, "statically linked") || mentions(out, "static-pie") ||
                               (mentions(out, " pie ") && !mentions(out, ", interpreter "));
        if (!is_static) return "is not statically linked";
    }
    return {};
}

}  // namespace xbuild
