// xbuild/objfile.hpp: what a binary is built for, read from its headers.
//
// Reads ELF (32/64-bit, either byte order), PE/COFF (PE32, PE32+) and Mach-O files (thin and
// universal) and tells: the machine, word size and byte order; the OS (ELF OS ABI, FreeBSD ABI
// note); for ARM the architecture version (Tag_CPU_arch of .ARM.attributes) and float ABI; the
// program interpreter and the shared libraries (DT_NEEDED, PE imports, Mach-O dylibs), and so
// whether it is statically linked. Then it maps the file to rows of the platform table.
//
//   xbuild::ObjectInfo info = xbuild::read_object("build/hello");
//   info.description();                        // "ELF 32-bit LSB ARM, EABI5, armv7"
//   xbuild::platforms_of(info);                // "linux/arm/v7"
//   info.is_static;                            // false
//   info.interpreter;                          // "/lib/ld-linux-armhf.so.3"
//   xbuild::built_for(info, *xbuild::find_target("linux", "arm", "v8"));   // true (v7 code)
//
// Fast: only the headers and the few tables behind them are read (program headers, the dynamic
// section and its strings, the import directory, load commands; section headers only for ARM),
// so a file of any size is identified in microseconds. read_object() maps the file read-only and
// touches just those pages.
//
// Safe on hostile input: every read is bounds-checked, counts are capped, nothing is allocated in
// proportion to a count the file claims. Anything that is not a well-formed object file throws
// ObjectFileError, whose message names the problem; nothing else is thrown but std::bad_alloc.
//
// Architecture names come from the platform table (targets.hpp) only: a file maps to rows by
// their elf_machine / pe_machine / macho_cpu columns, and its machine is named by machine_name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "targets.hpp"

namespace xbuild {

enum class ObjectFormat : std::uint8_t { elf, pe, macho };

// What the file is for the loader.
enum class ObjectKind : std::uint8_t {
    executable,      // ELF ET_EXEC, or ET_DYN with an interpreter or DF_1_PIE (a PIE); PE image; MH_EXECUTE
    shared_library,  // ELF ET_DYN otherwise, PE DLL, MH_DYLIB / MH_BUNDLE
    relocatable,     // ELF ET_REL, MH_OBJECT (a .o file)
    core,            // ELF ET_CORE, MH_CORE
    other,
};

// The file cannot be read or is not a well-formed ELF, PE or Mach-O file. Messages do not name
// the file, so callers prefix it: "hello: truncated ELF header (40 bytes, need 64)".
class ObjectFileError : public std::runtime_error {
   public:
    enum class Reason : std::uint8_t {
        not_found,      // "no such file"
        not_a_file,     // "is a directory", "not a regular file"
        io,             // open/mmap failed otherwise: "permission denied", ...
        not_an_object,  // "not an ELF, PE or Mach-O binary (starts with \"#!/bin/sh\")", "empty file"
        truncated,      // "truncated ELF header (40 bytes, need 64)", "... beyond end of file"
        malformed,      // a field that cannot be right: "unknown ELF class 3", ...
    };
    ObjectFileError(Reason reason, const std::string& message) : std::runtime_error(message), reason_(reason) {}
    Reason reason() const noexcept { return reason_; }

   private:
    Reason reason_;
};

// What an object file says about itself.
struct ObjectInfo {
    ObjectFormat format = ObjectFormat::elf;
    ObjectKind kind = ObjectKind::other;
    unsigned bits = 0;               // 32 or 64 (ELF class, PE32/PE32+, Mach-O magic); 0 for universal
    Endian endian = Endian::little;  // PE is always little
    std::uint32_t machine = 0;       // ELF e_machine, COFF Machine, Mach-O cputype (0 for universal)

    // "linux", "freebsd", "windows", "darwin"; "" for an ELF OS ABI other than System V (0),
    // GNU/Linux (3) or FreeBSD (9). ELF System V files with a FreeBSD ABI note are "freebsd".
    std::string_view os;
    std::uint8_t elf_osabi = 0;  // EI_OSABI
    std::uint32_t flags = 0;     // ELF e_flags, COFF Characteristics, Mach-O flags

    // ARM ELF files (machine with an ARM row in the table).
    std::uint8_t arm_eabi = 0;             // EABI version in e_flags (5 today), 0 for none
    std::optional<unsigned> arm_cpu_arch;  // Tag_CPU_arch: 4 = v5TE, 6 = v6, 10 = v7, 14 = v8-A
    std::optional<unsigned> arm_vfp_args;  // Tag_ABI_VFP_args: 1 = arguments in VFP registers
    bool hard_float = false;               // EF_ARM_ABI_FLOAT_HARD, or Tag_ABI_VFP_args == 1

    std::uint16_t pe_subsystem = 0;  // 2 = Windows GUI, 3 = console, 10.. = EFI

    // Linkage. ELF: PT_INTERP and DT_NEEDED; PE: imported DLLs (no interpreter); Mach-O:
    // LC_LOAD_DYLINKER and LC_LOAD_DYLIB (weak, re-exported, lazy, upward too).
    std::string interpreter;
    std::vector<std::string> needed;  // at most 1024 names, in file order
    // ELF: no interpreter and no DT_NEEDED (a static-pie is static); Mach-O: no dylinker and no
    // dylib; PE: imports only Windows system DLLs (see is_windows_system_dll); universal: every
    // slice is static.
    bool is_static = true;

    // Universal (fat) Mach-O: one entry per architecture (at most 30), in file order; the fields
    // above then describe the container (format macho, bits 0, machine 0). Empty otherwise.
    std::vector<ObjectInfo> slices;

    // One line in the style of file(1), machine names from the platform table:
    //   "ELF 64-bit LSB x86-64", "ELF 32-bit LSB ARM, EABI5, armv7", "ELF 64-bit MSB IBM S/390",
    //   "ELF 64-bit LSB x86-64, FreeBSD", "PE32+ x86-64", "PE32 Intel 80386",
    //   "Mach-O 64-bit arm64" (Mach-O names its CPUs as macOS's `uname -m` does),
    //   "Mach-O universal binary: x86_64, arm64", and "machine 0x2a" for machines the table lacks.
    std::string description() const;
};

// Identifies the object file in `bytes`. Throws ObjectFileError.
ObjectInfo parse_object(std::span<const std::byte> bytes);

// Identifies the file at `path`: mapped read-only, never read past its end. Follows symlinks.
// Throws ObjectFileError (reason not_found, not_a_file or io when it cannot be read).
ObjectInfo read_object(const std::string& path);

// The platform table rows the file is built for, in table order:
//  - ELF: rows whose os (linux, or freebsd), elf_machine, bits and endian are the file's. For ARM,
//    only the variant whose [elf_arm_arch_min, elf_arm_arch_max] holds Tag_CPU_arch; a file
//    without one (Go binaries) is every variant's. An arch with a variant-less row maps to that
//    row alone: an x86-64 file is linux/amd64, whatever amd64/vN rows exist.
//  - PE: windows rows by pe_machine. Mach-O: darwin rows by macho_cpu; universal: every slice's.
// Empty when the table has no such platform.
std::vector<const Target*> targets_of(const ObjectInfo& info);

// Those rows as platform strings: "linux/arm64"; "linux/arm (any variant)" for an ARM file
// without Tag_CPU_arch; "darwin/amd64, darwin/arm64" for a universal binary; "" for none.
std::string platforms_of(const ObjectInfo& info);

// Whether the file is built for `target`: one of its rows, or
//  - a variant-less row of the same os/arch (an amd64 binary is built for amd64/v3 as well);
//  - for ARM, Tag_CPU_arch within [elf_arm_arch_accepted_min, elf_arm_arch_max] (arm/v8 takes
//    v7 code); else the variant must match exactly (an armv6 binary is not built for arm/v7);
//  - universal: any slice is.
bool built_for(const ObjectInfo& info, const Target& target);

// A DLL every Windows has (kernel32.dll, msvcrt.dll, ucrtbase.dll, api-ms-win-*, ext-ms-*,
// user32.dll, ws2_32.dll, ...), case-insensitive, with or without ".dll". MinGW's runtime DLLs
// (libstdc++-6.dll, libgcc_s_*.dll, libwinpthread-1.dll) are not.
bool is_windows_system_dll(std::string_view name) noexcept;

}  // namespace xbuild

#include "impl/objfile.inl"
