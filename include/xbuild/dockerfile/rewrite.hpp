// xbuild/dockerfile/rewrite.hpp: the Dockerfile with a plan's changes applied.
//
// Only what the plan changes is touched; every other byte stays as written. For each cross
// stage: `--platform=$BUILDPLATFORM` after FROM, two lines after it (the helpers copied from
// the xx image's stage, and `ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT`), and the
// in-place command edits (go -> xx-go, cargo -> xx-cargo, `&& xx-verify OUT`); once, before the
// first cross stage, the stage that provides the helpers:
//   FROM --platform=$BUILDPLATFORM <xx image> AS xbuild-xx
// (and `COPY --from=N` naming a stage at or after it by index says N+1, to mean the same stage).
// Inserted lines shift line numbers, so the result maps each of its lines to the original one
// (BuildKit's errors name lines of the text it was given: the frontend maps them back).
//
//   auto out = xbuild::dockerfile::rewrite(text, file, plan, {.xx_image = "127.0.0.1:5000/xbuild/frontend"});
//   out.text; out.original_line[n - 1];   // the user's line for line n of out.text
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plan.hpp"

namespace xbuild::dockerfile {

struct RewriteOptions {
    std::string xx_image = "xbuild/xx";  // an image with xx and its links in /usr/bin
    bool strip_syntax = false;           // drop the `# syntax=` line (the frontend must: loop guard)
};

struct Rewritten {
    std::string text;
    std::vector<int> original_line;  // per line of `text`, the 1-based line of the original it comes from
    bool changed = false;
};

Rewritten rewrite(std::string_view text, const Dockerfile& file, const Plan& plan, const RewriteOptions& options = {});

// "Dockerfile:12: ..." -> "Dockerfile:9: ..." for every `NAME:<line>` with a line of the rewritten
// text, so messages from BuildKit name the user's lines.
std::string map_error_lines(std::string_view message, const Rewritten& rewritten);

}  // namespace xbuild::dockerfile

#include "impl/rewrite.inl"
