// xbuild/targets.hpp: the platform table, the one place that spells architecture names.
//
// One row per target platform, holding its name in every ecosystem the project talks to:
// OCI (os/arch/variant), `uname -m`, package managers, GNU/LLVM triples, Go, Rust, QEMU, and
// how its object files identify themselves (ELF machine, PE machine, Mach-O cpu type).
// Every other file converts names by looking rows up here, never by string-munging.
//
//   for (const xbuild::Target& t : xbuild::targets()) ...
//   const xbuild::Target* t = xbuild::find_target("linux", "arm", "v7");
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace xbuild {

enum class Endian : std::uint8_t { little, big };

struct Target {
    // --- OCI platform ---------------------------------------------------------------------
    std::string_view os;               // linux, windows, darwin, freebsd
    std::string_view arch;             // GOARCH-style: amd64, arm64, arm, 386, riscv64, ...
    std::string_view variant;          // "" when none; arm: v5..v8, amd64: v2..v4
    bool default_variant = false;      // the variant a bare `arch` means (arm -> v7)
    std::string_view implied_variant;  // the variant a variant-less row also answers to (arm64: v8)

    // --- names of the CPU elsewhere ---------------------------------------------------------
    std::string_view uname;          // `uname -m` as xx-info prints it (march)
    std::string_view uname_aliases;  // other `uname -m` values meaning this CPU, space-separated
    std::string_view arch_aliases;   // other spellings accepted in platform strings, space-separated
    std::string_view runs_32bit;     // the 32-bit arch this CPU also runs (amd64: 386)
    std::string_view debian;         // dpkg architecture
    std::string_view alpine;         // apk architecture
    std::string_view rhel;           // rpm architecture
    std::string_view multiarch;      // Debian multiarch tuple: /usr/lib/<multiarch>

    // --- GNU/LLVM triple parts (xx-info triple) ---------------------------------------------
    std::string_view triple_arch;         // glibc distros (Debian, Ubuntu, RHEL, ...), mingw, darwin
    std::string_view triple_arch_alpine;  // Alpine
    std::string_view triple_abi;          // after the libc on glibc distros: "", eabihf, eabi, abi64
    std::string_view triple_abi_alpine;   // ... on Alpine
    std::string_view triple_arch_env;     // variable that overrides triple_arch (ARM_TARGET_ARCH)
    std::string_view macos_min;           // darwin rows: default MACOSX_VERSION_MIN

    // --- C/C++ (xx-cc) -------------------------------------------------------------------------
    std::string_view cc_march;  // -march the variant needs beyond the triple's default ("" none)
    // /proc/cpuinfo `flags` a CPU of the arch needs to run the variant's code (amd64 v2..v4: the
    // x86-64 psABI levels), space-separated; "" when every CPU of the arch runs it.
    std::string_view cpu_flags;
    bool needs_gnu_ld = false;           // lld 14 cannot link it right (s390x, riscv64, mips eh_frame, arm/v6 tags)
    std::string_view lld_cflags;         // what makes lld work anyway when GNU ld is missing (riscv64)
    bool static_prefers_gnu_ld = false;  // XX_CC_PREFER_STATIC_LINKER=1 picks GNU ld (386, ppc64le)
    std::string_view meson_cpu_family;   // Meson's cpu_family

    // --- Go and Rust ----------------------------------------------------------------------
    std::string_view go_arch;
    std::string_view go_var, go_value;     // the one GO* variable the variant sets (GOARM=7, ...)
    std::string_view rust_gnu, rust_musl;  // Rust target triples per libc
    std::string_view zig_arch;             // `zig cc -target` arch, "" when it is triple_arch
    // linux rows: the Debian architecture whose golang-1.NN-go holds Go's standard library built
    // for this go_arch/go_value (xx-go, go_std.hpp); "" when Debian ships none that go takes as up
    // to date for it (another GO* value, as armhf's GOARM=6 for arm/v7). arm/v6 says armhf, not its
    // armel: only GOARM=5 picks Debian's armel build.
    std::string_view debian_go;

    // --- QEMU user mode -------------------------------------------------------------------
    std::string_view qemu;      // qemu-<qemu> / qemu-<qemu>-static
    std::string_view qemu_cpu;  // QEMU_CPU the variant needs, "" for the default
    // binfmt_misc (emulation/binfmt_handler.hpp): the mask QEMU's qemu-binfmt-conf.sh registers,
    // as raw bytes, where it differs from the one derived from bits/endian/elf_machine ("": derived)
    std::string_view binfmt_mask;
    // Machine code that calls exit(0): the probe binary `xbuild binfmt --install` runs (raw bytes)
    std::string_view exit0_code;
    std::uint32_t exit0_elf_flags = 0;  // e_flags that probe needs (ppc64le: ELFv2 ABI)

    // --- object files (xx-verify, xx-run) ---------------------------------------------------
    std::string_view machine_name;  // for messages: "x86-64", "ARM aarch64", ...
    // What file(1) prints for the machine, '|' between alternatives ("Intel 80386|Intel i386");
    // "" means machine_name. Read by XX_VERIFY_FILE_CMD_OUTPUT (file_description.hpp).
    std::string_view file_machine;
    std::uint8_t bits = 0;  // 32 or 64
    Endian endian = Endian::little;
    std::uint16_t elf_machine = 0;  // e_machine (EM_*)
    // ARM only: the range of the ELF Tag_CPU_arch attribute this variant means (.ARM.attributes)
    std::uint8_t elf_arm_arch_min = 0, elf_arm_arch_max = 0;
    // ARM only: the lowest Tag_CPU_arch still accepted as built for this variant, when below
    // elf_arm_arch_min (arm/v8: its armhf compilers emit v7 code); 0 means elf_arm_arch_min.
    std::uint8_t elf_arm_arch_accepted_min = 0;
    std::uint16_t pe_machine = 0;      // IMAGE_FILE_MACHINE_*, windows rows
    std::string_view coff_machine;     // its name for llvm-cvtres -machine: (xx-windres): X64, ARM64, ...
    bool runs_under_wine = false;      // windows rows wine runs (x86 code)
    std::string_view debian_rust_std;  // Debian's Rust std package for a non-linux row, "" none
    std::uint32_t macho_cpu = 0;       // CPU_TYPE_*, darwin rows
};

// The table. Rows of one arch are adjacent; the first row of an arch is its canonical form.
std::span<const Target> targets() noexcept;

// Exact row for os/arch/variant, or nullptr.
const Target* find_target(std::string_view os, std::string_view arch, std::string_view variant) noexcept;

// find_target, else a platform only recognized in binaries (xx-verify): linux/ppc64,
// netbsd/amd64, openbsd/arm64, ... Such a row builds nothing; nullptr if neither.
const Target* find_recognized_target(std::string_view os, std::string_view arch, std::string_view variant) noexcept;

// Row whose `uname -m` (or one of its aliases) is `machine`, for the linux OS; nullptr if none.
const Target* find_target_by_uname(std::string_view machine) noexcept;

// The ARM EABI name of a Tag_CPU_arch value (.ARM.attributes): 10 -> "armv7", 4 -> "armv5te";
// "" for values the ABI does not define.
std::string_view arm_cpu_arch_name(unsigned tag) noexcept;

// The Debian architectures Ubuntu's main archive (archive.ubuntu.com, security.ubuntu.com)
// serves; Ubuntu's other architectures are on ports.ubuntu.com/ubuntu-ports (xx-apt).
std::span<const std::string_view> ubuntu_main_archive_arches() noexcept;

// The linux row of the CPU this program itself was compiled for (amd64 and arm64 builds),
// from the compiler's predefined macros; nullptr for other CPUs.
const Target* compiled_for_target() noexcept;

// True when `name` appears in a space-separated list.
constexpr bool in_word_list(std::string_view list, std::string_view name) noexcept {
    while (!list.empty()) {
        auto end = list.find(' ');
        if (list.substr(0, end) == name) return true;
        if (end == std::string_view::npos) break;
        list.remove_prefix(end + 1);
    }
    return false;
}

}  // namespace xbuild

#include "impl/targets_table.inl"
