// xbuild/pkg/sources_arch.hpp: restrict every entry of an apt sources file to one architecture.
//
// What `xx-apt --fix-source-file FILE ARCH` does, as the xx shell helper does it: a deb822 file
// (*.sources) with no Architectures field gets `Architectures: ARCH` after each Types line; in a
// one-line file, each `deb`/`deb-src` entry (commented out ones too) without an `arch=` option
// gets `[arch=ARCH]` (into its option block when it has one). Running it twice changes nothing.
//
//   restrict_sources_to_arch("deb http://deb.debian.org/debian bookworm main\n", SourceFormat::one_line, "arm64")
//   // "deb [arch=arm64] http://deb.debian.org/debian bookworm main\n"
#pragma once

#include <string>
#include <string_view>

#include "apt.hpp"

namespace xbuild::pkg {

inline std::string restrict_sources_to_arch(std::string_view text, SourceFormat format, std::string_view arch) {
    std::string out;
    auto each_line = [&](auto&& f) {
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t end = text.find('\n', pos);
            const bool newline = end != std::string_view::npos;
            if (!newline) end = text.size();
            f(text.substr(pos, end - pos));
            if (newline) out += '\n';
            pos = end + 1;
        }
    };
    if (format == SourceFormat::deb822) {
        bool has_field = false;
        each_line([&](std::string_view line) { has_field = has_field || line.starts_with("Architectures:"); });
        out.clear();
        if (has_field) return std::string(text);
        each_line([&](std::string_view line) {
            out += line;
            if (line.starts_with("Types:")) out += "\nArchitectures: " + std::string(arch);
        });
        return out;
    }
    each_line([&](std::string_view line) {
        if (line.find("arch=") != std::string_view::npos) {
            out += line;
            return;
        }
        const std::size_t start = line.starts_with("# ") ? 2 : 0;
        for (std::string_view kind : {"deb-src ", "deb "}) {
            if (line.substr(start).starts_with(kind)) {
                std::string_view rest = line.substr(start + kind.size());
                out += line.substr(0, start + kind.size());
                // apt takes one option block: an existing one gets arch= first (the shell helper
                // would add a second block, which apt refuses).
                if (rest.starts_with("[")) out += "[arch=" + std::string(arch) + " " + std::string(rest.substr(1));
                else out += "[arch=" + std::string(arch) + "] " + std::string(rest);
                return;
            }
        }
        out += line;
    });
    return out;
}

}  // namespace xbuild::pkg
