// Shared by xx-cc (cc.cpp) and the target-prefixed tools (tools.cpp): run a planned Command,
// and make the prefixed tool links.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xbuild/toolchain/cc.hpp"

namespace xbuild::xx {

// Execs the command; returns only on failure, with the exit status to use.
int exec_command(std::string_view helper, const xbuild::Command& cmd);

// Links <triple>-clang, -clang++, -pkg-config, ... to xx in xx's own folder, atomically (a
// temporary name renamed into place), so concurrent first calls do not race. Returns false
// and says why on stderr when `report_errors`.
bool setup_target_triple(const xbuild::toolchain::CcToolchain& tc, bool report_errors);

// setup_target_triple on first use: one lstat when the links are already there.
void ensure_target_triple_links(const xbuild::toolchain::CcToolchain& tc);

// The folder xx lives in, and its file name there.
std::string xx_folder();
std::string xx_file_name();

// Toolchain for an explicit triple spelled in a tool name, with the rest of the environment.
xbuild::toolchain::CcToolchain toolchain_for_triple(const std::string& triple);

}  // namespace xbuild::xx
