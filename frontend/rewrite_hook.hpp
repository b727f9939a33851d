// The one place where the gateway frontend changes a Dockerfile before handing it to BuildKit's
// own Dockerfile frontend (dockerfile.v0). The planner replaces the body of rewrite_dockerfile.
#pragma once

#include <map>
#include <string>

namespace xbuild::frontend {

// text: the Dockerfile as the user wrote it. opts: the build's frontend options (build-arg:NAME,
// platform, target, filename, ...). Returns the Dockerfile that dockerfile.v0 builds.
//
// It must drop the `# syntax=` directive, or dockerfile.v0 could call this frontend again; and
// it should keep instructions on their line numbers, since the engine reports errors by the line
// numbers of the text returned here.
std::string rewrite_dockerfile(const std::string& text, const std::map<std::string, std::string>& opts);

}  // namespace xbuild::frontend
