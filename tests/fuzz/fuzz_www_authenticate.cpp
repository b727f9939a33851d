// libFuzzer target: WWW-Authenticate headers, which any registry (or anything on the path to it)
// may send. Only AuthParseError may escape; every challenge has a lower-case scheme.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/registry/www_authenticate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& c : xbuild::registry::parse_www_authenticate(text)) {
            if (c.scheme.empty()) __builtin_trap();
            for (char ch : c.scheme)
                if (ch >= 'A' && ch <= 'Z') __builtin_trap();
        }
    } catch (const xbuild::registry::AuthParseError&) {}
    return 0;
}
