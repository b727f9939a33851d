// xbuild/emulation/binfmt.hpp: the kernel's binfmt_misc handlers, read and matched as the kernel does.
//
// binfmt_misc lets the kernel hand a foreign binary to an interpreter (QEMU, wine, ...) when it
// is exec'd. xx-run asks it whether a target binary would run as it is: an enabled handler whose
// magic (under its mask, at its offset) matches the file's first bytes, or whose extension
// matches the file name.
//
//   auto entries = xbuild::emulation::read_binfmt_entries();      // /proc/sys/fs/binfmt_misc
//   for (const auto& e : entries)
//       if (e.enabled && binfmt_matches(e, head, "./hello")) ...  // head: the file's first 256 bytes
//
// An entry file (/proc/sys/fs/binfmt_misc/qemu-aarch64) reads, as the kernel writes it:
//   enabled
//   interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
//   flags: POCF
//   offset 0
//   magic 7f454c460201010000000000000000000200b700
//   mask ffffffffffffff00fffffffffffffffffeffffff
// or, for an extension entry, `extension .exe` in place of offset/magic/mask.
// When binfmt_misc is not mounted the folder is empty: no handler applies (the kernel sees none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::emulation {

// The bytes of a file the kernel matches magic against (BINPRM_BUF_SIZE); past the end of a
// shorter file they read as zero.
inline constexpr std::size_t binfmt_buffer_size = 256;

struct BinfmtEntry {
    std::string name;  // the entry's file name: qemu-aarch64
    bool enabled = false;
    std::string interpreter;  // absolute path
    std::string flags;        // letters P (preserve argv0), O (open binary), C (credentials), F (fix binary)
    bool by_extension = false;
    std::string extension;  // without the dot (by_extension entries)
    unsigned offset = 0;    // magic entries: where the magic starts
    std::vector<std::uint8_t> magic;
    std::vector<std::uint8_t> mask;  // empty: every bit counts

    // F: the kernel opened the interpreter when the entry was registered, so it works even where
    // the interpreter's path does not exist (containers, chroots).
    bool fix_binary() const { return flags.find('F') != std::string::npos; }
};

// Parses the text of one entry file. nullopt when the text is not a well-formed entry (the
// `status` and `register` files, a truncated read, junk): such an entry is never matched.
std::optional<BinfmtEntry> parse_binfmt_entry(std::string_view name, std::string_view text);

// Would the kernel pick this entry for the file at `path` whose first bytes are `head`?
// (Only the match: `enabled` is the caller's to check.) Extension entries compare the text after
// the last '.' of the whole path, as the kernel does.
bool binfmt_matches(const BinfmtEntry& entry, std::span<const std::byte> head, std::string_view path);

// The binfmt_misc folder xx-run, `xbuild run`, `xbuild binfmt` and `xbuild platforms` read:
// $XX_BINFMT_MISC when set (tests point it at a folder of their own), else /proc/sys/fs/binfmt_misc.
std::string binfmt_misc_dir();

// Every entry under `dir` (a binfmt_misc mount), in name order; empty when the folder does not
// exist, holds no entries (not mounted), or its `status` file says disabled.
std::vector<BinfmtEntry> read_binfmt_entries(const std::string& dir = "/proc/sys/fs/binfmt_misc");

}  // namespace xbuild::emulation

#include "impl/binfmt.inl"
