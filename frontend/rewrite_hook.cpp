// See rewrite_hook.hpp.
#include "rewrite_hook.hpp"

#include "xbuild/dockerfile/parser.hpp"
#include "xbuild/dockerfile/plan.hpp"

namespace xbuild::frontend {

namespace {

std::string option(const std::map<std::string, std::string>& opts, const std::string& name) {
    auto it = opts.find(name);
    return it == opts.end() ? std::string() : it->second;
}

}  // namespace

xbuild::dockerfile::Rewritten rewrite_dockerfile(const std::string& text,
                                                 const std::map<std::string, std::string>& opts) {
    namespace df = xbuild::dockerfile;
    std::string filename = option(opts, "filename");
    if (filename.empty()) filename = "Dockerfile";
    const df::Dockerfile file = df::parse(text, filename);

    const std::string off = option(opts, "build-arg:XBUILD_REWRITE");
    df::PlanOptions plan_options;
    plan_options.enabled = !(off == "0" || off == "false" || off == "off");
    plan_options.target_stage = option(opts, "target");
    plan_options.filename = filename;
    const df::Plan plan = df::plan_stages(text, file, plan_options);

    df::RewriteOptions rewrite_options;
    // The helpers come from this frontend's own image (xx and its links in /usr/bin).
    const std::string source = option(opts, "source");
    if (!source.empty()) rewrite_options.xx_image = source;
    rewrite_options.strip_syntax = true;
    return df::rewrite(text, file, plan, rewrite_options);
}

std::string map_lines(const std::string& message, const xbuild::dockerfile::Rewritten& rewritten) {
    return xbuild::dockerfile::map_error_lines(message, rewritten);
}

}  // namespace xbuild::frontend
