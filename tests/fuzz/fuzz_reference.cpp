// libFuzzer target: image references as a user or a Dockerfile gives them (`-t`, imagetools
// sources, oci-layout:// paths). Whatever parses must print back to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/registry/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto ref = xbuild::registry::parse_image_ref(text);
        if (const auto* r = std::get_if<xbuild::registry::Reference>(&ref)) {
            if (xbuild::registry::parse_reference(r->str()) != *r) __builtin_trap();
            (void)r->familiar();
        } else {
            const auto& l = std::get<xbuild::registry::LayoutReference>(ref);
            if (std::get<xbuild::registry::LayoutReference>(xbuild::registry::parse_image_ref(l.str())) != l)
                __builtin_trap();
        }
    } catch (const xbuild::registry::ReferenceError&) {}
    return 0;
}
