// libFuzzer target: binfmt_misc entry text (what xx-run reads from /proc/sys/fs/binfmt_misc), and
// matching a parsed entry against arbitrary file heads and names.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "xbuild/emulation/binfmt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace em = xbuild::emulation;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto entry = em::parse_binfmt_entry("fuzz", text);
    if (!entry) return 0;
    // What the parser accepts must be an entry the kernel could hold.
    if (entry->interpreter.empty() || entry->interpreter.front() != '/') __builtin_trap();
    if (entry->by_extension) {
        if (entry->extension.empty() || !entry->magic.empty()) __builtin_trap();
    } else {
        if (entry->magic.empty() || entry->offset + entry->magic.size() > em::binfmt_buffer_size) __builtin_trap();
        if (!entry->mask.empty() && entry->mask.size() != entry->magic.size()) __builtin_trap();
    }
    // Matching reads only within the head it is given (ASan checks), whatever its length.
    auto bytes = std::as_bytes(std::span(data, size));
    for (std::size_t n : {std::size_t {0}, size / 2, size})
        (void)em::binfmt_matches(*entry, bytes.first(n), text.substr(0, n));
    return 0;
}
