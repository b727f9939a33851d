// The one place where the gateway frontend changes a Dockerfile before handing it to BuildKit's
// own Dockerfile frontend (dockerfile.v0): the planner and rewrite of xbuild/dockerfile.
//
//   auto options = plan_options({{"platform", "linux/arm64,linux/arm/v7"}, {"build-arg:V", "1"}});
//   auto result = rewrite_dockerfile(text, opts);  // result.rewritten.text, result.warnings
#pragma once

#include <map>
#include <string>
#include <vector>

#include "xbuild/dockerfile/plan.hpp"
#include "xbuild/dockerfile/rewrite.hpp"

namespace xbuild::frontend {

// The planner's options from the build's frontend options: `platform` (comma-separated, as
// `docker build --platform` sends it; absent: default_platform, the engine worker's first
// platform, or this machine's when that is ""), every `build-arg:NAME`, `target`, `filename`,
// and build-arg XBUILD_REWRITE=0/false/off (off). Throws xbuild::PlatformError for a platform
// the table does not know.
xbuild::dockerfile::PlanOptions plan_options(const std::map<std::string, std::string>& opts,
                                             const std::string& default_platform = "");

// What the frontend builds, and what it says about it.
struct RewriteResult {
    xbuild::dockerfile::Rewritten rewritten;            // the text dockerfile.v0 builds, and its line map
    std::vector<xbuild::dockerfile::Warning> warnings;  // the plan's, with the user's line numbers
};

// text: the Dockerfile as the user wrote it. opts: the build's frontend options (build-arg:NAME,
// platform, target, filename, source, ...). Returns the Dockerfile dockerfile.v0 builds:
//  - the cross stages rewritten (xbuild/dockerfile/plan.hpp), with the helpers taken from this
//    frontend's own image (the `source` option), unless build-arg XBUILD_REWRITE is 0/false/off;
//  - the `# syntax=` directive dropped (else dockerfile.v0 could call this frontend again), the
//    other directives kept.
// Its line map turns the engine's line numbers back into the user's (map_lines). A `platform`
// the platform table does not know turns the rewrite off, with a warning (line 0) saying so.
// Throws std::runtime_error ("Dockerfile:3: unterminated heredoc <<EOF") for a broken Dockerfile.
// default_platform: as for plan_options.
RewriteResult rewrite_dockerfile(const std::string& text, const std::map<std::string, std::string>& opts,
                                 const std::string& default_platform = "");

// An engine message with its Dockerfile line numbers ("Dockerfile:12", "line 12") mapped back.
std::string map_lines(const std::string& message, const xbuild::dockerfile::Rewritten& rewritten);

// The line a warning shows in the build output: "[xbuild] warning: Dockerfile:5: MESSAGE; fix: FIX"
// ("Dockerfile: MESSAGE" for line 0, a warning about the whole file).
std::string warning_line(const std::string& filename, const xbuild::dockerfile::Warning& warning);

}  // namespace xbuild::frontend
