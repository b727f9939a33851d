// libFuzzer target: xbuild.toml, the project file a cross-build reads from the project it builds.
// Any bytes either parse into a Config or raise a ConfigError with a position inside the text;
// nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/platform.hpp"
#include "xbuild/project/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const xbuild::project::Config cfg = xbuild::project::parse_config(text);
        // What parses holds what the model promises.
        for (const auto& p : cfg.platforms) (void)xbuild::parse_platform(p);
        if (cfg.jobs && *cfg.jobs < 1) __builtin_trap();
        if (cfg.kind == "command" && cfg.command.empty()) __builtin_trap();
    } catch (const xbuild::project::ConfigError& e) {
        // Lines count from 1; a line past the last one would point nowhere.
        std::size_t lines = 1;
        for (char c : text) lines += c == '\n';
        if (e.line() > lines + 1) __builtin_trap();
    }
    return 0;
}
