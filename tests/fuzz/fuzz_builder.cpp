// libFuzzer target: what a builder reads that it did not write itself: builders.json (a file the
// user may edit), a node's `docker info` JSON and a BuildKit daemon's `buildctl debug workers`
// JSON. The first byte picks the reader. Bad input must be a ConfigError, nothing else; a config
// that reads must write back to text that reads to the same config.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "xbuild/builder/config.hpp"
#include "xbuild/builder/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace xb = xbuild::builder;
    if (size == 0) return 0;
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0: {
                const std::string once = xb::format_config(xb::parse_config(text));
                if (xb::format_config(xb::parse_config(once)) != once) __builtin_trap();
                break;
            }
            case 1: (void)xb::platforms_from_docker_info(text); break;
            default: (void)xb::platforms_from_buildctl_workers(text); break;
        }
    } catch (const xb::ConfigError&) {
        // Refused with a message: what bad input should get.
    }
    return 0;
}
