// xbuild/emulation/binfmt_handler.hpp: QEMU binfmt_misc handlers, made from the platform table.
//
// What `docker run --privileged tonistiigi/binfmt --install arm64` does, without a container: a
// handler per linux row with a `qemu` column, whose magic/mask are derived from the row's ELF
// columns (bits, endian, elf_machine; binfmt_mask where QEMU's differs) and whose interpreter is
// Debian's statically linked qemu-<qemu>-static, registered with the F flag so it works in
// containers and chroots too. A probe (a tiny static ELF that calls exit(0), made from the row's
// exit0_code column) proves each new handler runs binaries.
//
//   const xbuild::Target& row = *xbuild::find_target("linux", "arm64", "");
//   auto spec = handler_spec(row, *find_static_interpreter(row));   // name qemu-aarch64, flags F
//   register_handler("/proc/sys/fs/binfmt_misc", spec);              // root only
//   auto entries = read_binfmt_entries();
//   if (const BinfmtEntry* e = handler_for(entries, row)) ...        // what would run arm64 binaries
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../targets.hpp"
#include "binfmt.hpp"

namespace xbuild::emulation {

// One handler to register: what the kernel's register file takes.
struct HandlerSpec {
    std::string name;  // qemu-aarch64
    std::vector<std::uint8_t> magic, mask;
    unsigned offset = 0;
    std::string interpreter;  // absolute path: /usr/bin/qemu-aarch64-static
    std::string flags;        // "F"
};

// True for rows a handler can be registered for: linux rows with a `qemu` column.
bool has_handler(const Target& row);

// "qemu-" + row.qemu: the entry name (also the name QEMU's own scripts and tonistiigi/binfmt use).
std::string handler_name(const Target& row);

// The ELF header bytes a handler for the row matches (as qemu-binfmt-conf.sh spells them):
// e_ident (7f 'E' 'L' 'F', class, data, version 1, zeros), e_type ET_EXEC, e_machine; the mask
// drops OSABI and e_type's low bit (ET_DYN matches too), or is the row's binfmt_mask column.
std::vector<std::uint8_t> elf_magic(const Target& row);
std::vector<std::uint8_t> elf_mask(const Target& row);

// The handler for the row: name, magic, mask, offset 0, the interpreter, flags "F".
HandlerSpec handler_spec(const Target& row, const std::string& interpreter);

// The line the register file takes: `:name:M:offset:magic:mask:interpreter:flags`, every byte of
// magic and mask as \xHH (so ':' and '\0' never end a field early).
std::string registration_line(const HandlerSpec& spec);

// A minimal static executable for the row: ELF header, one PT_LOAD program header, then the
// row's exit0_code; the file exits 0. Empty when the row has no exit0_code.
std::vector<std::uint8_t> probe_binary(const Target& row);

// The first binfmt_buffer_size bytes of such an executable (its ELF header, zero padded): what
// the kernel matches handlers against when it execs a binary of the row.
std::vector<std::byte> elf_header_sample(const Target& row);

// The enabled entry the kernel would hand a binary of this row to, or nullptr.
const BinfmtEntry* handler_for(std::span<const BinfmtEntry> entries, const Target& row);

// True when this machine runs the row's binaries itself: the row of the CPU this program was
// built for (compiled_for_target), a variant of it whose cpu_flags this CPU has (read once from
// /proc/cpuinfo), or its runs_32bit arch.
bool runs_natively(const Target& row);
// The same, with the CPU's flags given (a `flags : ...` line of /proc/cpuinfo, or its words).
bool runs_natively(const Target& row, std::string_view cpu_flags);

// qemu-<qemu>-static on PATH, else in /usr/bin; nullopt when neither has it.
std::optional<std::string> find_static_interpreter(const Target& row);

// True when `entry` looks like one `xbuild binfmt --install` registers: a qemu-<qemu> name of a
// table row whose interpreter is a qemu-<qemu>-static. (No state file: /proc says it all.)
bool is_xbuild_handler(const BinfmtEntry& entry);

// --- the binfmt_misc file system (root only) -------------------------------------------------

// Mounts binfmt_misc on `dir` unless `dir`/register exists. Throws std::runtime_error.
void mount_binfmt_misc(const std::string& dir = binfmt_misc_dir());

// Writes the spec's registration line to `dir`/register. Throws std::runtime_error (with errno's text).
void register_handler(const std::string& dir, const HandlerSpec& spec);

// Writes -1 to `dir`/`name`: the kernel removes the entry. Throws std::runtime_error.
void remove_handler(const std::string& dir, const std::string& name);

// Writes the row's probe to a fresh 0700 file in a temporary folder, runs it (through the
// kernel, so through binfmt_misc), removes it; true when it exited 0.
bool run_probe(const Target& row);

}  // namespace xbuild::emulation

#include "impl/binfmt_handler.inl"
