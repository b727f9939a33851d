// A fake build machine for the toolchain tests: programs on PATH (in /usr/bin), files, folders
// and environment variables, as the cc.hpp Probe the toolchain models look through.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "xbuild/toolchain/cc.hpp"

namespace test_support {

struct FakeMachine {
    std::set<std::string> programs;
    std::set<std::string> files;
    std::map<std::string, std::vector<std::string>> dirs;
    std::map<std::string, std::string, std::less<>> env;

    xbuild::toolchain::Probe probe() const {
        return {
            [this](std::string_view name) -> std::optional<std::string> {
                if (programs.count(std::string(name))) return "/usr/bin/" + std::string(name);
                return std::nullopt;
            },
            [this](const std::string& path) { return files.count(path) > 0; },
            [this](const std::string& dir) {
                auto it = dirs.find(dir);
                return it == dirs.end() ? std::vector<std::string> {} : it->second;
            },
            [this](std::string_view name) {
                auto it = env.find(name);
                return it == env.end() ? std::string() : it->second;
            },
        };
    }
};

}  // namespace test_support
