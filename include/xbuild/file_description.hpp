// xbuild/file_description.hpp: is a file(1) description that of a binary built for the target?
//
// The xx shell helper's xx-verify classifies binaries by the text `file -L -b` prints, and lets
// XX_VERIFY_FILE_CMD_OUTPUT stand in for that text (its tests and some build scripts set it).
// Our xx-verify reads headers instead (objfile.hpp); this is the same judgement made from such a
// description, with the shell helper's rules:
//
//   - the OS: "ELF" for linux and the BSDs, with the BSD's "(FreeBSD)", "(NetBSD)", "(OpenBSD)"
//     for that BSD and no other BSD's name for any other OS; "Mach-O" for darwin, "MS Windows"
//     for windows;
//   - the CPU: one of the row's file_machine names ("ARM aarch64", "Intel 80386|Intel i386");
//   - for ELF, the word size and byte order ("64-bit LSB");
//   - when static is wanted (ELF only): "statically linked", "static-pie", or a
//     " pie " with no ", interpreter ".
//
//   auto why = xbuild::file_description_problem(
//       ": ELF 64-bit LSB executable, ARM aarch64, ... dynamically linked, interpreter ...",
//       *xbuild::find_target("linux", "arm64", ""), /*want_static=*/true);
//   // why == "is not statically linked"
//
// The variant is not checked: file(1) does not print it (arm/v6 accepts any "ARM," file).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "targets.hpp"

namespace xbuild {

// "" when `description` is that of a binary built for `target`; else what is wrong, worded as
// the shell helper words it after "file NAME ": "does not match expected target OS linux",
// "does not match expected target architecture arm64", "does not match expected endianness for
// s390x", "is not statically linked".
std::string file_description_problem(std::string_view description, const Target& target, bool want_static);

}  // namespace xbuild

#include "impl/file_description.inl"
