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

}  // namespace detail

inline std::string file_description_problem(std::string_view out, const Target& t, bool want_static) {
    using detail::mentions;
    const std::string os(t.os);
    const bool elf = t.elf_machine != 0;
    const std::string_view os_word = elf ? "ELF" : t.pe_machine != 0 ? "MS Windows" : "Mach-O";
    if (!mentions(out, os_word)) return "does not match expected target OS " + os;
    if (t.os == "freebsd" && !mentions(out, "(FreeBSD)")) return "does not match expected target OS " + os;
    if (t.os == "linux" && (mentions(out, "FreeBSD") || mentions(out, "NetBSD") || mentions(out, "OpenBSD")))
        return "does not match expected target OS " + os;

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
