// libFuzzer target: platform strings, platform lists and os-release text, the untrusted text the
// helpers read from their environment and the filesystem.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/platform.hpp"
#include "xbuild/target_env.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        xbuild::Platform p = xbuild::parse_platform(text);
        // Whatever parses must have a row and print back to itself.
        const xbuild::Target& t = xbuild::target_of(p);
        if (xbuild::parse_platform(p.str()) != p || xbuild::platform_of(t) != p) __builtin_trap();
    } catch (const xbuild::PlatformError&) {}
    try {
        for (const auto& p : xbuild::parse_platform_list(text)) (void)xbuild::target_of(p);
    } catch (const xbuild::PlatformError&) {}
    auto rel = xbuild::parse_os_release(text);
    auto env = xbuild::TargetEnv::resolve(
        [&](std::string_view name) { return name == "TARGETPLATFORM" ? std::string(text) : std::string(); }, rel,
        "x86_64");
    try {
        (void)env.env_lines();
        (void)env.sysroot();
    } catch (const xbuild::UnsupportedTarget&) {}
    return 0;
}
