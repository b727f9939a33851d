// The rows of xbuild's platform table (see targets.hpp for what each column means).
// Sources: the xx shell helpers' names (shared/docs/xx-compat.md), Debian/Alpine/Fedora arch
// lists, Go's and Rust's target lists, the ELF/PE/Mach-O specifications.
#pragma once

// The rows are aligned by hand, a column under a column.
// clang-format off

namespace xbuild {
namespace detail {

using enum Endian;

// ELF e_machine values
inline constexpr std::uint16_t EM_386 = 3, EM_MIPS = 8, EM_PPC64 = 21, EM_S390 = 22, EM_ARM = 40,
                               EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243, EM_LOONGARCH = 258;
// PE/COFF machine values
inline constexpr std::uint16_t PE_AMD64 = 0x8664, PE_I386 = 0x14c, PE_ARM64 = 0xaa64, PE_ARMNT = 0x1c4;
// Mach-O cpu types
inline constexpr std::uint32_t MACHO_X86_64 = 0x01000007, MACHO_ARM64 = 0x0100000c;

// ARM EABI Tag_CPU_arch values, by value (Addenda to the ARM ABI, "Tag_CPU_arch").
inline constexpr std::string_view arm_cpu_arch_names[] = {
    "pre-armv4", "armv4",   "armv4t",   "armv5t",    "armv5te",   "armv5tej",     "armv6",
    "armv6kz",   "armv6t2", "armv6k",   "armv7",     "armv6-m",   "armv6s-m",     "armv7e-m",
    "armv8-a",   "armv8-r", "armv8-m.base", "armv8-m.main", "armv8.1-a", "armv8.2-a", "armv8.3-a",
    "armv8.1-m.main", "armv9-a"};

// Linux rows share their CPU columns with the other OSes' rows; these build the linux ones.
constexpr Target amd64(std::string_view variant, std::string_view goamd64, std::string_view qemu_cpu,
                       std::string_view cc_march, std::string_view cpu_flags = "") {
    return {.os = "linux", .arch = "amd64", .variant = variant, .implied_variant = variant.empty() ? "v1" : "",
            .uname = "x86_64", .uname_aliases = "amd64", .arch_aliases = variant.empty() ? "x86_64 x86-64" : "",
            .runs_32bit = "386",
            .debian = "amd64", .alpine = "x86_64", .rhel = "x86_64", .multiarch = "x86_64-linux-gnu",
            .triple_arch = "x86_64", .triple_arch_alpine = "x86_64", .cc_march = cc_march, .cpu_flags = cpu_flags,
            .meson_cpu_family = "x86_64", .go_arch = "amd64", .go_var = "GOAMD64", .go_value = goamd64,
            .rust_gnu = "x86_64-unknown-linux-gnu", .rust_musl = "x86_64-unknown-linux-musl",
            .debian_go = variant.empty() ? "amd64" : "",  // Debian's std is GOAMD64=v1's
            .qemu = "x86_64", .qemu_cpu = qemu_cpu,
            .machine_name = "x86-64", .bits = 64, .endian = little, .elf_machine = EM_X86_64};
}

constexpr Target arm(std::string_view variant, bool is_default, std::string_view uname,
                     std::string_view uname_aliases, std::string_view arch_aliases,
                     std::string_view debian, std::string_view alpine, std::string_view rhel,
                     std::string_view multiarch, std::string_view triple_arch_alpine,
                     std::string_view abi, std::string_view abi_alpine, std::string_view goarm,
                     std::string_view rust_gnu, std::string_view rust_musl, std::string_view qemu_cpu,
                     std::string_view cc_march, std::uint8_t attr_min, std::uint8_t attr_max) {
    return {.os = "linux", .arch = "arm", .variant = variant, .default_variant = is_default,
            .uname = uname, .uname_aliases = uname_aliases, .arch_aliases = arch_aliases,
            .debian = debian, .alpine = alpine, .rhel = rhel, .multiarch = multiarch,
            .triple_arch = "arm", .triple_arch_alpine = triple_arch_alpine,
            .triple_abi = abi, .triple_abi_alpine = abi_alpine, .triple_arch_env = "ARM_TARGET_ARCH",
            .cc_march = cc_march, .meson_cpu_family = "arm", .go_arch = "arm", .go_var = "GOARM", .go_value = goarm,
            .rust_gnu = rust_gnu, .rust_musl = rust_musl, .debian_go = debian,
            .qemu = "arm", .qemu_cpu = qemu_cpu,
            .machine_name = "ARM", .file_machine = "ARM,", .bits = 32, .endian = little, .elf_machine = EM_ARM,
            .elf_arm_arch_min = attr_min, .elf_arm_arch_max = attr_max};
}

// A CPU that has one row (no variants): names are regular enough to pass positionally.
constexpr Target plain(std::string_view arch, std::string_view uname, std::string_view uname_aliases,
                       std::string_view arch_aliases, std::string_view debian, std::string_view alpine,
                       std::string_view rhel, std::string_view multiarch, std::string_view triple_arch,
                       std::string_view triple_arch_alpine, std::string_view abi,
                       std::string_view meson_cpu_family, std::string_view go_var, std::string_view go_value,
                       std::string_view rust_gnu, std::string_view rust_musl, std::string_view qemu,
                       std::string_view machine_name, std::uint8_t bits, Endian endian,
                       std::uint16_t elf_machine) {
    return {.os = "linux", .arch = arch, .variant = "",
            .uname = uname, .uname_aliases = uname_aliases, .arch_aliases = arch_aliases,
            .debian = debian, .alpine = alpine, .rhel = rhel, .multiarch = multiarch,
            .triple_arch = triple_arch, .triple_arch_alpine = triple_arch_alpine,
            .triple_abi = abi, .triple_abi_alpine = abi,
            .triple_arch_env = arch == "riscv64" ? "RISCV64_TARGET_ARCH" : "",
            .needs_gnu_ld = arch == "riscv64" || arch == "s390x" || arch.starts_with("mips"),
            .lld_cflags = arch == "riscv64" ? "-mno-relax" : "",
            .static_prefers_gnu_ld = arch == "386" || arch == "ppc64le",  // as the xx shell helper
            .meson_cpu_family = meson_cpu_family,
            .go_arch = arch, .go_var = go_var, .go_value = go_value,
            .rust_gnu = rust_gnu, .rust_musl = rust_musl, .debian_go = debian, .qemu = qemu,
            .machine_name = machine_name, .bits = bits, .endian = endian, .elf_machine = elf_machine};
}

// The same CPU on another OS: only the OS-specific columns change.
constexpr Target on(std::string_view os, Target t, std::string_view triple_arch, std::string_view uname,
                    std::string_view rust) {
    t.os = os;
    if (t.zig_arch.empty()) t.zig_arch = t.triple_arch;  // zig keeps the CPU's linux name
    t.uname = uname;
    t.uname_aliases = "";
    t.arch_aliases = "";
    t.multiarch = "";
    t.triple_arch = t.triple_arch_alpine = triple_arch;
    t.triple_abi = t.triple_abi_alpine = "";
    t.triple_arch_env = "";
    t.rust_gnu = t.rust_musl = rust;
    t.debian_go = "";
    t.qemu = t.qemu_cpu = "";
    t.binfmt_mask = t.exit0_code = "";
    t.exit0_elf_flags = 0;
    return t;
}
constexpr Target on_windows(Target t, std::string_view triple_arch, std::string_view rust,
                            std::uint16_t pe_machine, std::string_view coff_machine,
                            std::string_view file_machine = "") {
    t = on("windows", t, triple_arch, t.uname, rust);
    if (!file_machine.empty()) t.file_machine = file_machine;
    t.elf_machine = 0;
    t.pe_machine = pe_machine;
    t.coff_machine = coff_machine;
    return t;
}
// Windows rows wine runs (x86), and the one Debian ships a Rust std for.
constexpr Target run_by_wine(Target t, std::string_view debian_rust_std = "") {
    t.runs_under_wine = true;
    t.debian_rust_std = debian_rust_std;
    return t;
}
constexpr Target on_darwin(Target t, std::string_view triple_arch, std::string_view uname,
                           std::string_view rust, std::string_view macos_min, std::uint32_t macho_cpu) {
    t = on("darwin", t, triple_arch, uname, rust);
    t.file_machine = uname;  // file(1) names Mach-O CPUs as uname does: x86_64, arm64
    t.macos_min = macos_min;
    t.elf_machine = 0;
    t.macho_cpu = macho_cpu;
    return t;
}

// Debian's Go for another arch than the row's own Debian one ("" for none): Debian builds
// golang-1.NN-go for its release architectures only, each with one value of the GO* variant
// variable (amd64: GOAMD64=v1, i386: GO386=softfloat, armel: GOARM=5, armhf: GOARM=6), and go
// takes those .a files as stale for any other value: the rows with another go_value have none.
constexpr Target with_debian_go(Target t, std::string_view debian_arch) {
    t.debian_go = debian_arch;
    return t;
}

// An ARM variant that also accepts binaries of an older Tag_CPU_arch (see elf_arm_arch_accepted_min).
constexpr Target accepting_arm_arch_from(Target t, std::uint8_t min) {
    t.elf_arm_arch_accepted_min = min;
    return t;
}

// lld keeps the first object's Tag_CPU_arch (crt1.o's v5TE) where GNU ld merges them: armv6 code
// linked by lld reads as armv5.
constexpr Target linked_by_gnu_ld(Target t) {
    t.needs_gnu_ld = true;
    return t;
}

// binfmt_misc columns (emulation/binfmt_handler.hpp): QEMU's mask where it is not the derived one,
// and the instructions of the probe: exit(0) as the CPU's Linux syscall.
constexpr Target with_binfmt(Target t, std::string_view exit0_code, std::string_view binfmt_mask = "",
                             std::uint32_t exit0_elf_flags = 0) {
    t.exit0_code = exit0_code;
    t.binfmt_mask = binfmt_mask;
    t.exit0_elf_flags = exit0_elf_flags;
    return t;
}
using namespace std::string_view_literals;
// xor %edi,%edi; mov $60,%eax; syscall
inline constexpr std::string_view exit0_amd64 = "\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05"sv;
// xor %ebx,%ebx; mov $1,%eax; int $0x80
inline constexpr std::string_view exit0_386 = "\x31\xdb\xb8\x01\x00\x00\x00\xcd\x80"sv;
// mov x0,#0; mov x8,#93; svc #0
inline constexpr std::string_view exit0_arm64 = "\x00\x00\x80\xd2\xa8\x0b\x80\xd2\x01\x00\x00\xd4"sv;
// mov r0,#0; mov r7,#1; svc #0 (ARM state)
inline constexpr std::string_view exit0_arm = "\x00\x00\xa0\xe3\x01\x70\xa0\xe3\x00\x00\x00\xef"sv;
// li a0,0; li a7,93; ecall
inline constexpr std::string_view exit0_riscv64 = "\x13\x05\x00\x00\x93\x08\xd0\x05\x73\x00\x00\x00"sv;
// li r0,1; li r3,0; sc
inline constexpr std::string_view exit0_ppc64le = "\x01\x00\x00\x38\x00\x00\x60\x38\x02\x00\x00\x44"sv;
// lghi %r2,0; svc 1
inline constexpr std::string_view exit0_s390x = "\xa7\x29\x00\x00\x0a\x01"sv;
// li.w $a0,0; li.w $a7,93; syscall 0
inline constexpr std::string_view exit0_loong64 = "\x04\x00\x80\x02\x0b\x74\x81\x02\x00\x00\x2b\x00"sv;
// o32: li $a0,0; li $v0,4001; syscall (big-endian, then little-endian)
inline constexpr std::string_view exit0_mips = "\x24\x04\x00\x00\x24\x02\x0f\xa1\x00\x00\x00\x0c"sv;
inline constexpr std::string_view exit0_mipsle = "\x00\x00\x04\x24\xa1\x0f\x02\x24\x0c\x00\x00\x00"sv;
// n64: li $a0,0; li $v0,5058; syscall
inline constexpr std::string_view exit0_mips64 = "\x24\x04\x00\x00\x24\x02\x13\xc2\x00\x00\x00\x0c"sv;
inline constexpr std::string_view exit0_mips64le = "\x00\x00\x04\x24\xc2\x13\x02\x24\x0c\x00\x00\x00"sv;
// QEMU's masks (qemu-binfmt-conf.sh, Debian's /usr/share/binfmts/qemu-*) that are not the derived
// one: OSABI 0-3 only (ppc64le, s390x, loong64); e_machine's high byte free (ppc64le); EI_ABIVERSION
// 0-1 (mips) or free (loong64); the 32-bit mips entries leave n32 (EF_MIPS_ABI2 in e_flags) out.
inline constexpr std::string_view mask_ppc64le = "\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\x00"sv;
inline constexpr std::string_view mask_s390x = "\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff"sv;
inline constexpr std::string_view mask_loong64 = "\xff\xff\xff\xff\xff\xff\xff\xfc\x00\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"sv;
inline constexpr std::string_view mask_mips64le = "\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"sv;
inline constexpr std::string_view mask_mips64 = "\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff"sv;
inline constexpr std::string_view mask_mipsle = "\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20"sv;
inline constexpr std::string_view mask_mips = "\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20"sv;

inline constexpr Target linux_amd64 = with_binfmt(amd64("", "v1", "", ""), exit0_amd64);
constexpr Target with_zig_arch(Target t, std::string_view zig_arch) {
    t.zig_arch = zig_arch;
    return t;
}
constexpr Target with_file_machine(Target t, std::string_view file_machine) {
    t.file_machine = file_machine;
    return t;
}
// Debian builds its i386 Go std with GO386=softfloat: go takes it as stale for the row's sse2.
inline constexpr Target linux_386 = with_binfmt(with_file_machine(with_zig_arch(with_debian_go(plain(
    "386", "i386", "i486 i586 i686", "i386 i486 i586 i686", "i386", "x86", "i386", "i386-linux-gnu",
    "i686", "i586", "", "x86", "GO386", "sse2", "i686-unknown-linux-gnu", "i686-unknown-linux-musl", "i386",
    "Intel 80386", 32, little, EM_386), ""), "x86"), "Intel 80386|Intel i386"), exit0_386);
constexpr Target with_32bit(Target t, std::string_view arch32, std::string_view implied_variant) {
    t.runs_32bit = arch32;
    t.implied_variant = implied_variant;
    return t;
}
inline constexpr Target linux_arm64 = with_binfmt(with_32bit(plain(
    "arm64", "aarch64", "arm64", "aarch64", "arm64", "aarch64", "aarch64", "aarch64-linux-gnu",
    "aarch64", "aarch64", "", "aarch64", "", "", "aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl",
    "aarch64", "ARM aarch64", 64, little, EM_AARCH64), "arm", "v8"), exit0_arm64);
// Debian builds its armhf Go std with GOARM=6 (the arm/v6 row uses it): go takes it as stale for GOARM=7.
inline constexpr Target linux_armv7 = with_binfmt(with_debian_go(arm(
    "v7", true, "armv7l", "armv7", "armhf", "armhf", "armv7", "armv7hl", "arm-linux-gnueabihf", "armv7",
    "eabihf", "eabihf", "7", "armv7-unknown-linux-gnueabihf", "armv7-unknown-linux-musleabihf", "",
    "", 10, 13), ""), exit0_arm, "", 0x05000000);

#define XBUILD_X86_64_V2 "cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3"
#define XBUILD_X86_64_V3 XBUILD_X86_64_V2 " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
inline constexpr std::string_view x86_64_v2_flags = XBUILD_X86_64_V2;
inline constexpr std::string_view x86_64_v3_flags = XBUILD_X86_64_V3;
inline constexpr std::string_view x86_64_v4_flags = XBUILD_X86_64_V3 " avx512f avx512bw avx512cd avx512dq avx512vl";
#undef XBUILD_X86_64_V3
#undef XBUILD_X86_64_V2

inline constexpr Target table[] = {
    linux_amd64,
    // The x86-64 psABI levels, as the kernel's /proc/cpuinfo names their instructions (abm: lzcnt).
    with_binfmt(amd64("v2", "v2", "max", "x86-64-v2", x86_64_v2_flags), exit0_amd64),
    with_binfmt(amd64("v3", "v3", "max", "x86-64-v3", x86_64_v3_flags), exit0_amd64),
    with_binfmt(amd64("v4", "v4", "max", "x86-64-v4", x86_64_v4_flags), exit0_amd64),
    linux_386,
    linux_arm64,
    linux_armv7,
    // Debian's armel is soft-float (gnueabi); Alpine's armhf is an armv6 hard-float port. It
    // accepts v5TE code: Debian's armel baseline, which v6 CPUs run, and the tag lld gives any
    // program it links (crt1.o's), so `clang --target=arm-linux-gnueabi` output verifies.
    // Its Go std comes from Debian's armhf: only GOARM=5 picks armel's (xx-go, go_std.hpp).
    with_binfmt(with_debian_go(accepting_arm_arch_from(linked_by_gnu_ld(arm("v6", false, "armv6l", "armv6", "armel", "armel",
        "armhf", "armv6hl", "arm-linux-gnueabi", "armv6", "eabi", "eabihf", "6", "arm-unknown-linux-gnueabi",
        "arm-unknown-linux-musleabihf", "arm1176", "armv6", 6, 9)), 4), "armhf"), exit0_arm, "", 0x05000000),
    with_binfmt(arm("v5", false, "armv5l", "armv5 armv5tel armv5tejl", "", "armel", "armel", "armv5tel",
        "arm-linux-gnueabi", "armv5", "eabi", "eabi", "5", "armv5te-unknown-linux-gnueabi",
        "armv5te-unknown-linux-musleabi", "arm926", "armv5te", 0, 5), exit0_arm, "", 0x05000000),
    // 32-bit code on an ARMv8 CPU: the armhf ABI, and v7's names (as the xx shell helper prints).
    // Its binaries are v7 code unless built with -march=armv8-a: both are built for arm/v8.
    with_binfmt(with_debian_go(accepting_arm_arch_from(
        arm("v8", false, "armv7l", "armv8l", "", "armhf", "armv7", "armv7hl", "arm-linux-gnueabihf",
            "armv7", "eabihf", "eabihf", "7", "armv7-unknown-linux-gnueabihf",
            "armv7-unknown-linux-musleabihf", "", "", 14, 255),
        10), ""), exit0_arm, "", 0x05000000),
    with_binfmt(plain("riscv64", "riscv64", "", "", "riscv64", "riscv64", "riscv64", "riscv64-linux-gnu", "riscv64",
          "riscv64", "", "riscv64", "", "", "riscv64gc-unknown-linux-gnu", "riscv64gc-unknown-linux-musl",
          "riscv64", "RISC-V", 64, little, EM_RISCV), exit0_riscv64),
    with_binfmt(plain("ppc64le", "ppc64le", "", "ppc64el powerpc64le", "ppc64el", "ppc64le", "ppc64le",
          "powerpc64le-linux-gnu", "powerpc64le", "powerpc64le", "", "ppc64", "", "",
          "powerpc64le-unknown-linux-gnu", "powerpc64le-unknown-linux-musl", "ppc64le",
          "64-bit PowerPC", 64, little, EM_PPC64), exit0_ppc64le, mask_ppc64le, 2),
    with_binfmt(plain("s390x", "s390x", "", "", "s390x", "s390x", "s390x", "s390x-linux-gnu", "s390x", "s390x", "", "s390x",
          "", "", "s390x-unknown-linux-gnu", "s390x-unknown-linux-musl", "s390x", "IBM S/390", 64, big,
          EM_S390), exit0_s390x, mask_s390x),
    with_binfmt(with_debian_go(plain("loong64", "loongarch64", "", "loongarch64", "loong64", "loongarch64", "loongarch64",
          "loongarch64-linux-gnu", "loongarch64", "loongarch64", "", "loongarch64", "", "",
          "loongarch64-unknown-linux-gnu", "loongarch64-unknown-linux-musl", "loongarch64", "LoongArch",
          64, little, EM_LOONGARCH), ""), exit0_loong64, mask_loong64),
    with_binfmt(with_debian_go(plain("mips", "mips", "", "", "mips", "mips", "mips", "mips-linux-gnu", "mips", "mips", "", "mips",
          "GOMIPS", "hardfloat", "mips-unknown-linux-gnu", "mips-unknown-linux-musl", "mips", "MIPS", 32, big,
          EM_MIPS), ""), exit0_mips, mask_mips),
    with_binfmt(plain("mipsle", "mipsle", "", "mipsel", "mipsel", "mipsle", "mipsel", "mipsel-linux-gnu", "mipsel",
          "mipsel", "", "mips", "GOMIPS", "hardfloat", "mipsel-unknown-linux-gnu", "mipsel-unknown-linux-musl",
          "mipsel", "MIPS", 32, little, EM_MIPS), exit0_mipsle, mask_mipsle),
    with_binfmt(with_debian_go(plain("mips64", "mips64", "", "", "mips64", "mips64", "mips64", "mips64-linux-gnuabi64", "mips64",
          "mips64", "abi64", "mips64", "GOMIPS64", "hardfloat", "mips64-unknown-linux-gnuabi64",
          "mips64-unknown-linux-muslabi64", "mips64", "MIPS", 64, big, EM_MIPS), ""), exit0_mips64, mask_mips64),
    // A mips64el kernel says `mips64` too; the exact pass of find_target_by_uname gives mips64 that name.
    with_binfmt(plain("mips64le", "mips64le", "mips64", "mips64el", "mips64el", "mips64le", "mips64el",
          "mips64el-linux-gnuabi64", "mips64el", "mips64el", "abi64", "mips64", "GOMIPS64", "hardfloat",
          "mips64el-unknown-linux-gnuabi64", "mips64el-unknown-linux-muslabi64", "mips64el", "MIPS", 64,
          little, EM_MIPS), exit0_mips64le, mask_mips64le),

    run_by_wine(on_windows(linux_amd64, "x86_64", "x86_64-pc-windows-gnu", PE_AMD64, "X64"), "libstd-rust-dev-windows"),
    run_by_wine(on_windows(linux_386, "i686", "i686-pc-windows-gnu", PE_I386, "X86")),
    on_windows(linux_arm64, "aarch64", "aarch64-pc-windows-gnullvm", PE_ARM64, "ARM64", "ARM64|Aarch64"),
    on_windows(linux_armv7, "armv7", "thumbv7a-pc-windows-msvc", PE_ARMNT, "ARM", "ARMv7"),

    on_darwin(linux_amd64, "x86_64", "x86_64", "x86_64-apple-darwin", "10.6", MACHO_X86_64),
    on_darwin(linux_arm64, "arm64", "arm64", "aarch64-apple-darwin", "11.0", MACHO_ARM64),

    on("freebsd", linux_amd64, "x86_64", "amd64", "x86_64-unknown-freebsd"),
    on("freebsd", linux_arm64, "aarch64", "arm64", "aarch64-unknown-freebsd"),
};

// Platforms whose binaries xx-verify recognizes, as the xx shell helper does, though the helpers
// build for none of them: Go's big-endian linux/ppc64 and the BSDs besides FreeBSD.
inline constexpr Target recognized_only[] = {
    with_debian_go(plain("ppc64", "ppc64", "", "", "ppc64", "", "ppc64", "powerpc64-linux-gnu", "powerpc64", "", "",
          "ppc64", "", "", "powerpc64-unknown-linux-gnu", "", "ppc64", "64-bit PowerPC", 64, big, EM_PPC64), ""),
    on("netbsd", linux_amd64, "x86_64", "amd64", "x86_64-unknown-netbsd"),
    on("netbsd", linux_arm64, "aarch64", "arm64", "aarch64-unknown-netbsd"),
    on("openbsd", linux_amd64, "x86_64", "amd64", "x86_64-unknown-openbsd"),
    on("openbsd", linux_arm64, "aarch64", "arm64", "aarch64-unknown-openbsd"),
};

}  // namespace detail

inline std::span<const Target> targets() noexcept { return detail::table; }

inline const Target* find_target(std::string_view os, std::string_view arch,
                                 std::string_view variant) noexcept {
    for (const Target& t : detail::table)
        if (t.os == os && t.arch == arch && t.variant == variant) return &t;
    return nullptr;
}

inline const Target* find_recognized_target(std::string_view os, std::string_view arch,
                                            std::string_view variant) noexcept {
    if (const Target* t = find_target(os, arch, variant)) return t;
    for (const Target& t : detail::recognized_only)
        if (t.os == os && t.arch == arch && t.variant == variant) return &t;
    return nullptr;
}

inline std::string_view arm_cpu_arch_name(unsigned tag) noexcept {
    return tag < std::size(detail::arm_cpu_arch_names) ? detail::arm_cpu_arch_names[tag] : std::string_view();
}

inline std::span<const std::string_view> ubuntu_main_archive_arches() noexcept {
    static constexpr std::string_view arches[] = {"amd64", "i386"};
    return arches;
}

inline const Target* compiled_for_target() noexcept {
#if defined(__x86_64__)
    return find_target("linux", "amd64", "");
#elif defined(__aarch64__)
    return find_target("linux", "arm64", "");
#else
    return nullptr;
#endif
}

inline const Target* find_target_by_uname(std::string_view machine) noexcept {
    for (const Target& t : detail::table)
        if (t.os == "linux" && t.uname == machine) return &t;
    for (const Target& t : detail::table)
        if (t.os == "linux" && in_word_list(t.uname_aliases, machine)) return &t;
    return nullptr;
}

}  // namespace xbuild
// clang-format on
