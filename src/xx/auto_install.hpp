// XX_AUTO_INSTALL=1 for the helpers: install what the target lacks (its C compiler, Rust's std)
// and go on; see xbuild/toolchain/auto_install.hpp for what is installed, and when not.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "xbuild/toolchain/auto_install.hpp"
#include "xbuild/toolchain/cc.hpp"

namespace xbuild::xx {

// Installs `missing` for the target when XX_AUTO_INSTALL=1, saying so on stderr; returns false
// (having done nothing) when it is not set. Throws std::runtime_error with the reason when it
// is set but cannot install (not root, no apt-get/apk, no such package) or a command fails.
// `enabled`: whether to install at all (XX_AUTO_INSTALL=1 by default; xx-cargo installs the
// Rust std unless XX_AUTO_INSTALL=0, as the shell helper always does).
bool auto_install(std::string_view helper, const xbuild::TargetEnv& env, xbuild::toolchain::Missing missing,
                  bool enabled = xbuild::toolchain::auto_install_enabled());

// True when the target has a compiler of `family` for `lang` here.
bool has_compiler(const xbuild::toolchain::CcToolchain& tc, xbuild::toolchain::Lang lang,
                  xbuild::toolchain::Family family);

// With XX_AUTO_INSTALL=1 only: true when the target is glibc on Linux and neither Debian's
// multiarch libc6-dev:<arch> nor libc6-dev-<arch>-cross is installed (no crt1.o), so linking
// would fail although the compiler exists.
bool target_libc_missing(const xbuild::toolchain::CcToolchain& tc);

// tc.compiler(), after installing the target's gcc when there is no compiler and
// XX_AUTO_INSTALL=1 (or only libc6-dev, when that is what is missing); without it, the error
// also names XX_AUTO_INSTALL=1. (Family::clang:
// only clang serves, so nothing is installed.)
xbuild::Command compiler_or_install(std::string_view helper, const xbuild::toolchain::CcToolchain& tc,
                                    xbuild::toolchain::Lang lang, xbuild::toolchain::Family family,
                                    std::span<const std::string> args);

}  // namespace xbuild::xx
