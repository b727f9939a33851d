// See rewrite_hook.hpp.
#include "rewrite_hook.hpp"

#include "xbuild/dockerfile/parser.hpp"
#include "xbuild/platform.hpp"

namespace xbuild::frontend {

namespace {

std::string option(const std::map<std::string, std::string>& opts, const std::string& name) {
    auto it = opts.find(name);
    return it == opts.end() ? std::string() : it->second;
}

std::string filename_of(const std::map<std::string, std::string>& opts) {
    std::string filename = option(opts, "filename");
    return filename.empty() ? "Dockerfile" : filename;
}

}  // namespace

xbuild::dockerfile::PlanOptions plan_options(const std::map<std::string, std::string>& opts,
                                             const std::string& default_platform) {
    xbuild::dockerfile::PlanOptions plan;
    const std::string off = option(opts, "build-arg:XBUILD_REWRITE");
    plan.enabled = !(off == "0" || off == "false" || off == "off");
    plan.target_stage = option(opts, "target");
    plan.filename = filename_of(opts);
    // BuildKit sends `platform` only when the client names platforms; without it the build is
    // for the worker's default platform, the machine the engine (and this frontend) runs on.
    const std::string platforms = option(opts, "platform");
    if (!platforms.empty()) plan.platforms = xbuild::parse_platform_list(platforms);
    else {
        // The engine's word is taken when the table knows it; the build is not failed over it.
        try {
            plan.platforms = xbuild::parse_platform_list(default_platform.empty() ? "local" : default_platform);
        } catch (const xbuild::PlatformError&) { plan.platforms = {xbuild::host_platform()}; }
    }
    const std::string prefix = "build-arg:";
    for (auto it = opts.lower_bound(prefix); it != opts.end() && it->first.rfind(prefix, 0) == 0; ++it)
        plan.build_args[it->first.substr(prefix.size())] = it->second;
    return plan;
}

RewriteResult rewrite_dockerfile(const std::string& text, const std::map<std::string, std::string>& opts,
                                 const std::string& default_platform) {
    namespace df = xbuild::dockerfile;
    df::PlanOptions options;
    std::vector<df::Warning> warnings;
    try {
        options = plan_options(opts, default_platform);
    } catch (const xbuild::PlatformError& e) {
        // A platform the table does not know: no plan can be made for it, but BuildKit may still
        // build it (emulated): as written, and said.
        auto known = opts;
        known.erase("platform");
        options = plan_options(known, default_platform);
        options.enabled = false;
        warnings.push_back({0, std::string(e.what()) + ": the Dockerfile is built as written", ""});
    }
    const df::Dockerfile file = df::parse(text, options.filename);
    df::Plan plan = df::plan_stages(text, file, options);

    df::RewriteOptions rewrite_options;
    // The helpers come from this frontend's own image (xx and its links in /usr/bin).
    const std::string source = option(opts, "source");
    if (!source.empty()) rewrite_options.xx_image = source;
    rewrite_options.strip_syntax = true;
    RewriteResult result;
    result.rewritten = df::rewrite(text, file, plan, rewrite_options);
    result.warnings = std::move(warnings);
    result.warnings.insert(result.warnings.end(), plan.warnings.begin(), plan.warnings.end());
    return result;
}

std::string map_lines(const std::string& message, const xbuild::dockerfile::Rewritten& rewritten) {
    return xbuild::dockerfile::map_error_lines(message, rewritten);
}

std::string warning_line(const std::string& filename, const xbuild::dockerfile::Warning& warning) {
    std::string line = "[xbuild] warning: " + filename + ":";
    if (warning.line > 0) line += std::to_string(warning.line) + ":";
    line += " " + warning.message;
    if (!warning.fix.empty()) line += "; fix: " + warning.fix;
    return line;
}

}  // namespace xbuild::frontend
