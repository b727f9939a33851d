// xx-verify: checks that binaries are built for the target, as the xx shell helper does, but by
// reading their headers (objfile.hpp) instead of parsing file(1) output, so it also tells ARM
// variants apart and names what is wrong.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "helpers.hpp"
#include "xbuild/file_description.hpp"
#include "xbuild/objfile.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/target_env.hpp"

namespace xbuild::xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-verify [--static] FILE...\n"
    "\n"
    "Checks that each FILE is built for the target platform: TARGETPLATFORM, TARGETPAIR or\n"
    "TARGETOS/TARGETARCH/TARGETVARIANT, else the running machine. ELF, PE and Mach-O files are\n"
    "identified by their headers; ARM variants by their .ARM.attributes (arm/v8 also accepts v7\n"
    "code), and an amd64 binary is accepted for amd64/v2..v4.\n"
    "Prints a line for every file that is not, and exits 1; prints nothing and exits 0 when all are.\n"
    "\n"
    "Options:\n"
    "  --static   also require statically linked files: no interpreter and no shared libraries\n"
    "             (a static-pie is static); for Windows, no DLLs but the system's.\n"
    "             XX_VERIFY_STATIC set to any non-empty value does the same.\n"
    "  --setup    accepted for the shell helper's scripts (it installs file(1)); nothing to do here\n"
    "  -h, --help print this help\n"
    "\n"
    "XX_VERIFY_FILE_CMD_OUTPUT: judge every FILE by this file(1)-style description instead of its\n"
    "headers, with the shell helper's rules (the files need not exist; variants are not checked).\n";

void report(std::string_view file, const std::string& message) {
    std::fprintf(stderr, "%.*s: %s\n", int(file.size()), file.data(), message.c_str());
}

// Why a file is not a static binary; "" when it is. Worded so that scripts grepping the shell
// helper's "not statically linked" find it.
std::string static_problem(const xbuild::ObjectInfo& info) {
    if (info.is_static) return {};
    if (info.format == xbuild::ObjectFormat::pe) {
        std::vector<std::string> dlls;
        for (const auto& dll : info.needed)
            if (!xbuild::is_windows_system_dll(dll)) dlls.push_back(dll);
        return "not statically linked (imports " + xbuild::join(dlls, ", ") + "), expected a static binary";
    }
    std::string why;
    if (!info.interpreter.empty()) why = "interpreter " + info.interpreter;
    if (!info.needed.empty()) why += (why.empty() ? "needs " : "; needs ") + xbuild::join(info.needed, ", ");
    return "not statically linked (" + why + "), expected a static binary";
}

// The target, resolved as xx-info does but without reading os-release: the vendor and libc it
// gives play no part in which binaries are built for the target.
xbuild::TargetEnv target_env() {
    xbuild::EnvLookup env = xbuild::process_env();
    return xbuild::TargetEnv::resolve(env, xbuild::OsRelease {}, xbuild::running_machine(env));
}

}  // namespace

int verify_main(std::string_view, Args args) {
    const char* env_static = std::getenv("XX_VERIFY_STATIC");
    bool want_static = env_static && *env_static;
    bool setup = false;
    std::vector<std::string_view> files;
    bool options = true;
    for (const char* arg : args) {
        std::string_view a = arg;
        if (options && a == "--") {
            options = false;
        } else if (options && (a == "--help" || a == "-h")) {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (options && a == "--static") {
            want_static = true;  // anywhere in the list, as the shell helper takes it
        } else if (options && a == "--setup") {
            setup = true;  // the shell helper installs file(1) here; the headers need nothing
        } else if (options && a.size() > 1 && a[0] == '-') {
            std::fprintf(stderr, "xx-verify: invalid flag %s\n\n%s", arg, usage_text);
            return 1;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty() && setup && args.size() == 1) return 0;  // `xx-verify --setup` alone
    if (files.empty()) {
        std::fputs(usage_text, stderr);
        return 1;
    }

    const xbuild::TargetEnv env = target_env();
    const xbuild::Target* target = nullptr;
    try {
        target = &env.target();
    } catch (const xbuild::UnsupportedTarget& e) {
        // Platforms nothing here builds for (linux/ppc64, netbsd/amd64) still have binaries to check.
        target = xbuild::find_recognized_target(env.os(), env.arch(), env.variant());
        if (!target) {
            std::fprintf(stderr, "%s\n", e.what());
            return 1;
        }
    }
    const std::string expected = xbuild::platform_of(*target).str();

    // The shell helper's stand-in for file(1)'s output: the same description for every file.
    if (const char* described = std::getenv("XX_VERIFY_FILE_CMD_OUTPUT"); described && *described) {
        for (std::string_view file : files) {
            const std::string problem = xbuild::file_description_problem(described, *target, want_static);
            if (!problem.empty()) {
                std::fprintf(stderr, "file %.*s %s: %s\n", int(file.size()), file.data(), problem.c_str(), described);
                return 1;
            }
        }
        return 0;
    }

    int status = 0;
    for (std::string_view file : files) {
        xbuild::ObjectInfo info;
        try {
            info = xbuild::read_object(std::string(file));
        } catch (const xbuild::ObjectFileError& e) {
            if (e.reason() == xbuild::ObjectFileError::Reason::not_found)
                std::fprintf(stderr, "file %.*s does not exist\n", int(file.size()), file.data());
            else report(file, e.what());
            status = 1;
            continue;
        }
        if (!xbuild::built_for(info, *target)) {
            std::string built = xbuild::platforms_of(info);
            report(file, "built for " + (built.empty() ? std::string("an unknown platform") : built) + " (" +
                             info.description() + "), expected " + expected);
            status = 1;
            continue;
        }
        if (want_static) {
            // A universal binary: the slice for the target is the one that must be static.
            const xbuild::ObjectInfo* slice = &info;
            for (const auto& s : info.slices)
                if (xbuild::built_for(s, *target)) {
                    slice = &s;
                    break;
                }
            if (std::string problem = static_problem(*slice); !problem.empty()) {
                report(file, problem);
                status = 1;
            }
        }
    }
    return status;
}

}  // namespace xbuild::xx
