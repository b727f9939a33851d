// xbuild/dockerfile/shell_commands.hpp: the simple commands of a RUN's shell text, with offsets.
//
// The planner asks "does this RUN build Go code, run tests, install packages?" and the rewrite
// replaces single words (`go` -> `xx-go`) in place, so every other byte stays as written. This
// is not a shell: it splits on the control operators (&& || ; | & newline, parentheses, braces)
// outside quotes, $(...) and backquotes, skips reserved words (if then do ! ...), leading
// NAME=value assignments and the wrappers env/sudo/time/exec/command, and reports each
// command's words with their byte offsets in the text.
//
//   for (const auto& c : shell_commands("CGO_ENABLED=0 go build -o /out/app . && ls"))
//       c.words;   // {"go", "build", "-o", "/out/app", "."}, then {"ls"}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::dockerfile {

struct ShellCommand {
    std::vector<std::string> words;        // as written, quotes kept (the planner matches plain words)
    std::vector<std::size_t> offsets;      // byte offset of each word in the text
    std::vector<std::string> assignments;  // leading NAME=value words
    std::size_t end = 0;                   // offset just past the command's last word
};

// Whose lines the text is. A RUN's (dockerfile): escape + blanks + newline continues the line
// and comment lines inside a continuation are dropped, as BuildKit joins them. A script's
// (shell, a heredoc body): only backslash + newline continues, and a comment ends at its line.
enum class Lines { dockerfile, shell };

// `escape` is the Dockerfile's escape character (for Lines::shell, pass '\\').
std::vector<ShellCommand> shell_commands(std::string_view text, char escape = '\\', Lines lines = Lines::dockerfile);

// The program a command runs, without its folder: "go" for /usr/local/go/bin/go.
std::string_view program_name(const ShellCommand& command);

}  // namespace xbuild::dockerfile

#include "impl/shell_commands.inl"
