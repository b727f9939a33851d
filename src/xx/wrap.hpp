// `--wrap` / `--unwrap` for helpers that stand in for a plain tool name (xx-go as `go`): a link
// named like the tool, pointing at xx, in a PATH folder searched before the real tool's.
#pragma once

#include <string_view>

namespace xbuild::xx {

// Links `tool` -> xx in the first writable PATH folder before the one holding the real `tool`
// (atomically: a temporary name renamed into place). Returns the exit status; says why on failure.
int wrap_on_path(std::string_view helper, std::string_view tool);

// Removes every `tool` on PATH that is a link to this xx.
int unwrap_on_path(std::string_view helper, std::string_view tool);

}  // namespace xbuild::xx
