// libFuzzer target: object files, the untrusted bytes xx-verify and `xbuild build` read.
#include <cstddef>
#include <cstdint>
#include <span>

#include "xbuild/objfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        xbuild::ObjectInfo info = xbuild::parse_object(std::as_bytes(std::span(data, size)));
        (void)info.description();
        (void)xbuild::platforms_of(info);
        for (const xbuild::Target& t : xbuild::targets()) (void)xbuild::built_for(info, t);
        // What the parser reports must hold together.
        if (info.needed.size() > 1024) __builtin_trap();
        if (info.slices.empty() && info.bits != 32 && info.bits != 64) __builtin_trap();
        if (info.format == xbuild::ObjectFormat::elf &&
            info.is_static != (info.interpreter.empty() && info.needed.empty()))
            __builtin_trap();
    } catch (const xbuild::ObjectFileError&) {}
    return 0;
}
