// Implementation of xbuild/target_env.hpp.
#pragma once

#include <climits>
#include <cstdlib>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../platform.hpp"
#include "../process.hpp"
#include "../strings.hpp"

namespace xbuild {

namespace detail {

// Distros whose GNU triples carry no vendor (x86_64-linux-gnu, not x86_64-debian-linux-gnu).
inline constexpr std::array<std::string_view, 7> vendorless_distros = {"debian", "ubuntu", "rhel", "fedora",
                                                                       "centos", "rocky",  "ol"};
inline constexpr std::array<std::string_view, 5> rhel_family = {"rhel", "fedora", "centos", "rocky", "ol"};

template <class List>
bool contains(const List& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// One os-release value, unquoted as `sh` would.
inline std::string os_release_value(std::string_view raw) {
    std::string out;
    raw = trim(raw);
    if (raw.empty()) return out;
    if (raw.front() == '\'') {
        auto end = raw.find('\'', 1);
        return std::string(raw.substr(1, end == std::string_view::npos ? end : end - 1));
    }
    const bool dq = raw.front() == '"';
    for (std::size_t i = dq ? 1 : 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (dq && c == '"') break;
        if (!dq && (c == ' ' || c == '\t')) break;
        if (c == '\\' && i + 1 < raw.size()) {
            char next = raw[i + 1];
            if (!dq || next == '"' || next == '\\' || next == '$' || next == '`') {
                out += next;
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

}  // namespace detail

inline OsRelease parse_os_release(std::string_view text) {
    OsRelease rel;
    rel.present = true;
    for (std::string_view line : split(text, '\n')) {
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view key = trim(line.substr(0, eq));
        if (key == "ID") rel.id = detail::os_release_value(line.substr(eq + 1));
        else if (key == "VERSION_ID") rel.version_id = detail::os_release_value(line.substr(eq + 1));
    }
    return rel;
}

inline OsRelease read_os_release(const std::string& root) {
    std::ifstream in(root + "/etc/os-release", std::ios::binary);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_os_release(text.str());
}

inline EnvLookup process_env() {
    return [](std::string_view name) -> std::string {
        const char* v = std::getenv(std::string(name).c_str());
        return v ? v : "";
    };
}

inline TargetEnv TargetEnv::resolve(const EnvLookup& env, const OsRelease& os_release, std::string_view machine) {
    TargetEnv te;
    te.host_machine_ = machine;
    te.os_ = env("TARGETOS");
    te.arch_ = env("TARGETARCH");
    te.variant_ = env("TARGETVARIANT");
    std::string platform = env("TARGETPLATFORM");

    // TARGETPAIR (os-arch[variant]) only when nothing more specific is set.
    if (platform.empty() && te.os_.empty() && te.arch_.empty()) {
        if (std::string pair = env("TARGETPAIR"); !pair.empty()) {
            auto f = split(pair, '-');
            std::string os(f[0]), arch(f.size() > 1 ? f[1] : f[0]), variant;
            // The variant of an arch that always has one (arm) is glued on: armv7. Any v<N>
            // splits off as the xx shell helper does; an unknown one is dropped below.
            for (const Target& t : targets()) {
                if (!t.default_variant || !arch.starts_with(std::string(t.arch) + 'v')) continue;
                variant = arch.substr(t.arch.size());
                arch = t.arch;
                break;
            }
            platform = os + "/" + arch + (variant.empty() ? "" : "/" + variant);
        }
    }

    if (!platform.empty()) {
        // Like `cut -d/ -fN`: a string without '/' yields itself for every field.
        auto f = split(platform, '/');
        std::string os(f[0]), arch(f.size() > 1 ? f[1] : f[0]), third(f.size() > 2 ? f[2] : "");
        if (f.size() == 1) third = f[0];
        if (!os.empty() && !arch.empty()) {
            te.os_ = os;
            te.arch_ = arch;
            // Variants are kept only where the table has them (arm v5-v8, amd64 v2-v4); an arch
            // with a default variant gets it for anything else.
            std::string_view fallback = detail::default_variant(arch);
            if (!third.empty() && detail::arch_has_variant(arch, third)) te.variant_ = third;
            else if (!fallback.empty()) te.variant_ = fallback;
        }
    }

    if (te.os_.empty()) te.os_ = "linux";
    if (te.arch_.empty()) {
        if (const Target* host = find_target_by_uname(machine)) {
            te.arch_ = host->arch;
            if (te.variant_.empty()) te.variant_ = host->variant;
        } else {
            te.arch_ = "unknown";
        }
    }
    if (te.variant_.empty()) te.variant_ = detail::default_variant(te.arch_);

    // The row: exact, else the arch's plain or default row (a stray TARGETVARIANT), else the
    // platform parser's spellings (linux/aarch64).
    te.target_ = find_target(te.os_, te.arch_, te.variant_);
    if (!te.target_) te.target_ = find_target(te.os_, te.arch_, "");
    if (!te.target_) te.target_ = find_target(te.os_, te.arch_, detail::default_variant(te.arch_));
    if (!te.target_) {
        try {
            std::string spec = te.os_ + "/" + te.arch_ + (te.variant_.empty() ? "" : "/" + te.variant_);
            Platform p = parse_platform(spec);
            te.target_ = find_target(p.os, p.arch, p.variant);
        } catch (const PlatformError&) {}
    }

    std::string xx_vendor = env("XX_VENDOR");
    te.distro_ = !xx_vendor.empty() ? xx_vendor : os_release.present ? os_release.id : "unknown";
    te.vendor_ = te.distro_;
    if (te.os_ == "darwin" && xx_vendor.empty()) te.vendor_ = "apple";
    if (te.os_ == "windows") te.vendor_ = "w64";

    te.libc_ = env("XX_LIBC");
    if (te.libc_.empty()) te.libc_ = te.distro_ == "alpine" ? "musl" : "gnu";
    if (te.os_ == "windows") te.libc_ = "mingw32";

    te.os_version_ = os_release.version_id;
    te.macosx_min_ = env("MACOSX_VERSION_MIN");
    if (te.macosx_min_.empty() && te.target_) te.macosx_min_ = te.target_->macos_min;
    if (te.target_ && !te.target_->triple_arch_env.empty()) te.triple_arch_override_ = env(te.target_->triple_arch_env);
    return te;
}

namespace detail {

// A `uname` on PATH that is not the system's (/bin/uname or /usr/bin/uname, whatever they link
// to): a wrapper faking the machine, which the shell helper, running `uname -m`, would obey.
inline std::optional<std::string> shadowing_uname(const EnvLookup& env) {
    const auto found = find_program("uname", env("PATH"));
    if (!found) return std::nullopt;
    auto real = [](const std::string& p) {
        char buf[PATH_MAX];
        return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
    };
    const std::string mine = real(*found);
    if (mine.empty() || mine == real("/usr/bin/uname") || mine == real("/bin/uname")) return std::nullopt;
    return found;
}

}  // namespace detail

inline std::string running_machine(const EnvLookup& env) {
    std::string machine = env("XX_TEST_MACHINE");
    if (!machine.empty()) return machine;
    if (const auto wrapper = detail::shadowing_uname(env)) {
        try {
            auto out = capture_program({*wrapper, "-m"}).out;
            while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
            if (!out.empty()) return out;
        } catch (const std::exception&) {
            // not runnable: the kernel's answer below
        }
    }
    utsname u {};
    if (uname(&u) == 0) machine = u.machine;
    return machine;
}

inline TargetEnv TargetEnv::from_process(const EnvLookup& env) {
    return resolve(env, read_os_release(env("XX_ROOT")), running_machine(env));
}

inline const Target& TargetEnv::target() const {
    if (target_) return *target_;
    std::string msg = "unsupported target: os=" + os_ + " arch=" + arch_;
    auto oses = known_oses();
    if (detail::contains(oses, os_)) msg += " (known for " + os_ + ": " + detail::platforms_of_os(os_) + ")";
    else msg += " (known operating systems: " + join(oses, ", ") + ")";
    throw UnsupportedTarget(msg);
}

inline std::string TargetEnv::triple() const {
    const Target& t = target();
    if (t.os == "windows") return std::string(t.triple_arch) + "-w64-mingw32";
    if (t.os == "darwin") return std::string(t.triple_arch) + "-apple-macos" + macosx_min_;
    if (t.os == "freebsd") return std::string(t.triple_arch) + "-unknown-freebsd";
    const bool alpine = distro_ == "alpine";
    std::string triple = !triple_arch_override_.empty() ? triple_arch_override_
                         : alpine                       ? std::string(t.triple_arch_alpine)
                                                        : std::string(t.triple_arch);
    if (!detail::contains(detail::vendorless_distros, vendor_)) triple += "-" + vendor_;
    triple += "-linux-" + libc_;
    triple += alpine ? t.triple_abi_alpine : t.triple_abi;
    return triple;
}

inline std::string_view TargetEnv::march() const { return target().uname; }
inline std::string_view TargetEnv::debian_arch() const { return target().debian; }
inline std::string_view TargetEnv::alpine_arch() const { return target().alpine; }
inline std::string_view TargetEnv::rhel_arch() const { return target().rhel; }

inline std::string_view TargetEnv::pkg_arch() const {
    const Target& t = target();
    if (distro_ == "debian" || distro_ == "ubuntu") return t.debian;
    if (distro_ == "alpine") return t.alpine;
    if (detail::contains(detail::rhel_family, distro_)) return t.rhel;
    return arch_;
}

inline bool TargetEnv::is_cross() const {
    if (!target_ || os_ != "linux") return true;
    const Target* host = find_target_by_uname(host_machine_);
    return !host || host->uname != target_->uname;
}

inline std::string TargetEnv::sysroot() const {
    if (distro_ == "alpine" && is_cross()) return "/" + triple() + "/";
    return "/";
}

inline std::string TargetEnv::env_lines() const {
    std::string out;
    auto line = [&](std::string_view key, std::string_view value) {
        out.append(key).append("=").append(value).append("\n");
    };
    line("XX_OS", os_);
    line("XX_MARCH", march());
    line("XX_VENDOR", vendor_);
    line("XX_PKG_ARCH", pkg_arch());
    line("XX_TRIPLE", triple());
    line("XX_LIBC", libc_);
    line("TARGETOS", os_);
    line("TARGETARCH", arch_);
    line("TARGETVARIANT", variant_);
    return out;
}

}  // namespace xbuild
