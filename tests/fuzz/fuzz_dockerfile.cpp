// libFuzzer target: Dockerfiles, the text xbuild reads and rewrites. Whatever parses must have
// positions a caller can splice with: in range, in order, not overlapping, whole lines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/dockerfile/parser.hpp"

namespace {

void check(const xbuild::dockerfile::Instruction& ins, std::size_t size) {
    if (ins.begin > ins.end || ins.end > size || ins.first_line < 1 || ins.first_line > ins.last_line)
        __builtin_trap();
    if (ins.keyword.empty()) __builtin_trap();
    for (const auto& h : ins.heredocs)
        if (h.first_line <= ins.first_line || h.first_line > h.last_line || h.last_line > ins.last_line)
            __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto df = xbuild::dockerfile::parse(text);
        if (df.instructions.empty() || (df.escape != '\\' && df.escape != '`')) __builtin_trap();
        std::size_t prev_end = 0;
        int prev_line = 0;
        for (const auto& ins : df.instructions) {
            check(ins, size);
            if (ins.begin < prev_end || ins.first_line <= prev_line) __builtin_trap();
            // Ranges are whole lines (the first may start after a BOM).
            if (ins.begin != 0 && text[ins.begin - 1] != '\n' && !(ins.begin == 3 && text.substr(0, 3) == "\xEF\xBB\xBF"))
                __builtin_trap();
            if (ins.end != size && text[ins.end - 1] != '\n') __builtin_trap();
            if (ins.inner) {
                check(*ins.inner, size);
                if (ins.inner->keyword == "ONBUILD" || ins.inner->inner) __builtin_trap();
            }
            prev_end = ins.end;
            prev_line = ins.last_line;
        }
    } catch (const xbuild::dockerfile::ParseError& e) {
        if (e.line < 1) __builtin_trap();
    }
    return 0;
}
