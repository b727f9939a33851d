// The one place where the gateway frontend changes a Dockerfile before handing it to BuildKit's
// own Dockerfile frontend (dockerfile.v0): the planner and rewrite of xbuild/dockerfile.
#pragma once

#include <map>
#include <string>

#include "xbuild/dockerfile/rewrite.hpp"

namespace xbuild::frontend {

// text: the Dockerfile as the user wrote it. opts: the build's frontend options (build-arg:NAME,
// platform, target, filename, source, ...). Returns the Dockerfile dockerfile.v0 builds:
//  - the cross stages rewritten (xbuild/dockerfile/plan.hpp), with the helpers taken from this
//    frontend's own image (the `source` option), unless build-arg XBUILD_REWRITE is 0/false/off;
//  - the `# syntax=` directive dropped (else dockerfile.v0 could call this frontend again), the
//    other directives kept.
// Its line map turns the engine's line numbers back into the user's (map_lines).
// Throws std::runtime_error ("Dockerfile:3: unterminated heredoc <<EOF") for a broken Dockerfile.
xbuild::dockerfile::Rewritten rewrite_dockerfile(const std::string& text,
                                                 const std::map<std::string, std::string>& opts);

// An engine message with its Dockerfile line numbers ("Dockerfile:12", "line 12") mapped back.
std::string map_lines(const std::string& message, const xbuild::dockerfile::Rewritten& rewritten);

}  // namespace xbuild::frontend
