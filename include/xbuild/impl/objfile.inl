// Implementation of xbuild/objfile.hpp.
//
// Numbers here are file-format facts (header offsets, record types, tag ids), never machines:
// those come from the platform table.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../platform.hpp"

namespace xbuild {
namespace detail::obj {

using Reason = ObjectFileError::Reason;

inline constexpr std::size_t max_needed = 1024;      // DT_NEEDED / imports / dylibs kept
inline constexpr std::size_t max_name = 4096;        // bytes of one library or interpreter name
inline constexpr std::uint32_t max_fat_arches = 30;  // more: not Mach-O (Java class files)
inline constexpr std::size_t max_dynamic = 1 << 16;  // dynamic entries looked at
inline constexpr std::size_t max_imports = 1024;     // PE import descriptors looked at
inline constexpr std::uint32_t max_pe_sections = 4096;  // more: malformed (Windows loads 96)
inline constexpr std::size_t max_notes = 64;         // ELF notes looked at per segment
inline constexpr std::size_t max_note_segments = 16; // PT_NOTE segments looked at
inline constexpr std::string_view unreadable_needed_name = "(a library whose name cannot be read)";

[[noreturn]] inline void fail(Reason reason, const std::string& message) {
    throw ObjectFileError(reason, message);
}

inline std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// A bounds-checked view of the file, read in one byte order.
struct Bytes {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    bool big = false;

    // [off, off + len) lies inside the file (no overflow for any 64-bit values).
    bool has(std::uint64_t off, std::uint64_t len) const noexcept {
        return off <= size && len <= size - off;
    }
    void need(std::uint64_t off, std::uint64_t len) const {
        // Every caller checks with a precise message first: this is the backstop.
        if (!has(off, len)) fail(Reason::truncated, "read beyond end of file at offset " + hex(off));
    }
    std::uint8_t u8(std::uint64_t off) const {
        need(off, 1);
        return data[off];
    }
    std::uint16_t u16(std::uint64_t off) const {
        need(off, 2);
        const unsigned char* p = data + off;
        return big ? std::uint16_t(p[0] << 8 | p[1]) : std::uint16_t(p[1] << 8 | p[0]);
    }
    std::uint32_t u32(std::uint64_t off) const {
        need(off, 4);
        const unsigned char* p = data + off;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = v << 8 | p[big ? i : 3 - i];
        return v;
    }
    std::uint64_t u64(std::uint64_t off) const {
        need(off, 8);
        const unsigned char* p = data + off;
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | p[big ? i : 7 - i];
        return v;
    }
    // A word of the file's class: 4 or 8 bytes.
    std::uint64_t word(std::uint64_t off, bool is64) const { return is64 ? u64(off) : u32(off); }

    // The NUL-terminated string at `off`, which must end before `end` (and the file) and be at
    // most max_name bytes; nullopt otherwise.
    std::optional<std::string> cstr(std::uint64_t off, std::uint64_t end) const {
        end = std::min<std::uint64_t>(end, size);
        if (off >= end) return std::nullopt;
        std::uint64_t limit = std::min<std::uint64_t>(end - off, max_name + 1);
        const void* nul = std::memchr(data + off, 0, limit);
        if (!nul) return std::nullopt;
        const auto len = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - (data + off));
        return std::string(reinterpret_cast<const char*>(data + off), len);
    }
};

inline bool eq_nocase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

inline bool starts_nocase(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && eq_nocase(s.substr(0, prefix.size()), prefix);
}

// The first bytes of an unknown file, quoted for a message: "#!/bin/sh", "\x00\x01...".
inline std::string quote_start(Bytes b) {
    std::string out = "\"";
    std::size_t i = 0;
    for (; i < b.size && i < 16; ++i) {
        unsigned char c = b.data[i];
        if (c == '\n' || c == '\r') break;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += char(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    out += '"';
    if (i == 16 && i < b.size && b.data[i] != '\n' && b.data[i] != '\r') out += "...";
    return out;
}

// --- ELF --------------------------------------------------------------------------------------

// ELF constants (System V ABI, and the ARM ELF ABI for the ARM ones).
inline constexpr std::uint32_t PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;
inline constexpr std::int64_t DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10,
                              DT_FLAGS_1 = 0x6ffffffb;
inline constexpr std::uint64_t DF_1_PIE = 0x08000000;
inline constexpr std::uint16_t ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
inline constexpr std::uint32_t SHT_NOBITS = 8, SHT_ARM_ATTRIBUTES = 0x70000003;
inline constexpr std::uint8_t ELFOSABI_SYSV = 0, ELFOSABI_GNU = 3, ELFOSABI_FREEBSD = 9;
inline constexpr std::uint32_t EF_ARM_ABI_FLOAT_SOFT = 0x200, EF_ARM_ABI_FLOAT_HARD = 0x400;
inline constexpr std::uint32_t NT_FREEBSD_ABI_TAG = 1;

// The table knows which ELF machines are ARM: their rows have Tag_CPU_arch ranges.
inline bool is_arm_elf_machine(std::uint32_t machine) noexcept {
    for (const Target& t : targets())
        if (t.elf_machine != 0 && t.elf_machine == machine && t.elf_arm_arch_max != 0) return true;
    return false;
}

struct ElfLayout {
    Bytes b;
    bool is64 = false;
    std::uint64_t phoff = 0, shoff = 0;
    std::uint32_t phnum = 0, shnum = 0, shstrndx = 0;
    std::uint16_t phentsize = 0, shentsize = 0;

    std::uint64_t ph(std::uint32_t i) const { return phoff + std::uint64_t(i) * phentsize; }
    std::uint32_t p_type(std::uint32_t i) const { return b.u32(ph(i)); }
    std::uint64_t p_offset(std::uint32_t i) const { return is64 ? b.u64(ph(i) + 8) : b.u32(ph(i) + 4); }
    std::uint64_t p_vaddr(std::uint32_t i) const { return is64 ? b.u64(ph(i) + 16) : b.u32(ph(i) + 8); }
    std::uint64_t p_filesz(std::uint32_t i) const { return is64 ? b.u64(ph(i) + 32) : b.u32(ph(i) + 16); }
    std::uint64_t p_align(std::uint32_t i) const { return is64 ? b.u64(ph(i) + 48) : b.u32(ph(i) + 28); }

    std::uint64_t sh(std::uint32_t i) const { return shoff + std::uint64_t(i) * shentsize; }
    std::uint32_t sh_name(std::uint32_t i) const { return b.u32(sh(i)); }
    std::uint32_t sh_type(std::uint32_t i) const { return b.u32(sh(i) + 4); }
    std::uint64_t sh_offset(std::uint32_t i) const { return is64 ? b.u64(sh(i) + 24) : b.u32(sh(i) + 16); }
    std::uint64_t sh_size(std::uint32_t i) const { return is64 ? b.u64(sh(i) + 32) : b.u32(sh(i) + 20); }
    std::uint32_t sh_link(std::uint32_t i) const { return b.u32(sh(i) + (is64 ? 40 : 24)); }
    std::uint32_t sh_info(std::uint32_t i) const { return b.u32(sh(i) + (is64 ? 44 : 28)); }

    // File offset of virtual address `addr`, through the PT_LOAD segments; nullopt when unmapped.
    std::optional<std::uint64_t> file_offset(std::uint64_t addr) const {
        for (std::uint32_t i = 0; i < phnum; ++i) {
            if (p_type(i) != PT_LOAD) continue;
            std::uint64_t va = p_vaddr(i), sz = p_filesz(i);
            if (addr >= va && addr - va < sz) return p_offset(i) + (addr - va);
        }
        return std::nullopt;
    }
};

// ULEB128 at `pos` (< end), advancing it; nullopt when it runs past `end` or 64 bits.
inline std::optional<std::uint64_t> uleb(Bytes b, std::uint64_t& pos, std::uint64_t end) {
    std::uint64_t v = 0;
    for (unsigned shift = 0; pos < end && shift < 64; shift += 7) {
        std::uint8_t byte = b.u8(pos++);
        v |= std::uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return v;
    }
    return std::nullopt;
}

// .ARM.attributes: format 'A', subsections (length, vendor NTBS, data); in the "aeabi" one,
// sub-subsections (tag, length); in Tag_File (1) ULEB128 tag/value pairs. Reads Tag_CPU_arch (6)
// and Tag_ABI_VFP_args (28).
inline void parse_arm_attributes(Bytes b, std::uint64_t off, std::uint64_t size, ObjectInfo& info) {
    auto bad = [](const std::string& what) { fail(Reason::malformed, "malformed .ARM.attributes section: " + what); };
    if (size == 0) return;
    if (b.u8(off) != 'A') bad("unknown format version " + hex(b.u8(off)));
    const std::uint64_t end = off + size;
    std::uint64_t pos = off + 1;
    while (pos < end) {
        if (end - pos < 4) bad("truncated subsection");
        std::uint32_t len = b.u32(pos);
        if (len < 4 || len > end - pos) bad("subsection length " + std::to_string(len) + " out of range");
        const std::uint64_t sub_end = pos + len;
        std::uint64_t q = pos + 4;
        auto vendor = b.cstr(q, sub_end);
        if (!vendor) bad("unterminated vendor name");
        q += vendor->size() + 1;
        if (*vendor == "aeabi") {
            while (q < sub_end) {
                const std::uint64_t start = q;
                auto tag = uleb(b, q, sub_end);
                if (!tag || sub_end - q < 4) bad("truncated attribute block");
                std::uint32_t block_len = b.u32(q);
                q += 4;
                if (block_len < q - start || block_len > sub_end - start)
                    bad("attribute block length " + std::to_string(block_len) + " out of range");
                const std::uint64_t block_end = start + block_len;
                if (*tag == 1) {  // Tag_File: attributes of the whole file
                    while (q < block_end) {
                        auto attr = uleb(b, q, block_end);
                        if (!attr) bad("truncated attribute");
                        // NTBS-valued: 4, 5, 67 and odd tags above 32; 32 is a ULEB then an NTBS.
                        bool ntbs = *attr == 4 || *attr == 5 || *attr == 67 || (*attr > 32 && *attr % 2 == 1);
                        if (*attr == 32 && !uleb(b, q, block_end)) bad("truncated attribute");
                        if (ntbs || *attr == 32) {
                            auto s = b.cstr(q, block_end);
                            if (!s) bad("unterminated string attribute " + std::to_string(*attr));
                            q += s->size() + 1;
                            continue;
                        }
                        auto value = uleb(b, q, block_end);
                        if (!value) bad("truncated value of attribute " + std::to_string(*attr));
                        auto small = unsigned(std::min<std::uint64_t>(*value, 0xffffffffu));
                        if (*attr == 6) info.arm_cpu_arch = small;
                        if (*attr == 28) info.arm_vfp_args = small;
                    }
                }
                q = block_end;
            }
        }
        pos = sub_end;
    }
}

// A FreeBSD ABI note (name "FreeBSD", type NT_FREEBSD_ABI_TAG) in the notes at [off, off+size).
inline bool has_freebsd_note(Bytes b, std::uint64_t off, std::uint64_t size, std::uint64_t align) {
    align = align == 8 ? 8 : 4;
    auto up = [align](std::uint64_t v) { return (v + align - 1) / align * align; };
    std::uint64_t pos = 0;
    for (std::size_t n = 0; n < max_notes && size - pos >= 12; ++n) {
        std::uint32_t namesz = b.u32(off + pos), descsz = b.u32(off + pos + 4), type = b.u32(off + pos + 8);
        std::uint64_t name = pos + 12;
        if (namesz > size - name) return false;
        if (type == NT_FREEBSD_ABI_TAG && namesz == 8 && std::memcmp(b.data + off + name, "FreeBSD", 8) == 0)
            return true;
        std::uint64_t desc = up(name + namesz);
        if (desc > size || descsz > size - desc) return false;
        pos = up(desc + descsz);
        if (pos > size) return false;
    }
    return false;
}

inline ObjectInfo parse_elf(Bytes b) {
    ObjectInfo info;
    info.format = ObjectFormat::elf;
    if (b.size < 6) fail(Reason::truncated, "truncated ELF header (" + std::to_string(b.size) + " bytes, need 52)");
    const std::uint8_t cls = b.data[4], enc = b.data[5];
    if (cls != 1 && cls != 2) fail(Reason::malformed, "unknown ELF class " + std::to_string(cls));
    if (enc != 1 && enc != 2) fail(Reason::malformed, "unknown ELF data encoding " + std::to_string(enc));
    ElfLayout e;
    e.is64 = cls == 2;
    b.big = enc == 2;
    e.b = b;
    const std::size_t ehsize = e.is64 ? 64 : 52;
    if (b.size < ehsize)
        fail(Reason::truncated, "truncated ELF header (" + std::to_string(b.size) + " bytes, need " +
                                    std::to_string(ehsize) + ")");
    info.bits = e.is64 ? 64 : 32;
    info.endian = b.big ? Endian::big : Endian::little;
    info.elf_osabi = b.data[7];
    const std::uint16_t type = b.u16(16);
    info.machine = b.u16(18);
    e.phoff = e.is64 ? b.u64(32) : b.u32(28);
    e.shoff = e.is64 ? b.u64(40) : b.u32(32);
    info.flags = b.u32(e.is64 ? 48 : 36);
    e.phentsize = b.u16(e.is64 ? 54 : 42);
    e.phnum = b.u16(e.is64 ? 56 : 44);
    e.shentsize = b.u16(e.is64 ? 58 : 46);
    e.shnum = b.u16(e.is64 ? 60 : 48);
    e.shstrndx = b.u16(e.is64 ? 62 : 50);

    // Section header table: checked always (it usually ends the file, so this catches truncated
    // files), read only for ARM. Counts past 16 bits live in section 0 (e_shnum 0, PN_XNUM,
    // SHN_XINDEX).
    if (e.shoff != 0) {
        if (e.shentsize < (e.is64 ? 64 : 40))
            fail(Reason::malformed, "section header size " + std::to_string(e.shentsize) + " too small");
        if (!b.has(e.shoff, e.shentsize)) fail(Reason::truncated, "section header table beyond end of file");
        if (e.shnum == 0) {
            std::uint64_t n = e.sh_size(0);
            if (n > 0xffffffffu) fail(Reason::malformed, "section count " + std::to_string(n) + " out of range");
            e.shnum = std::uint32_t(n);
        }
        if (e.shstrndx == 0xffff) e.shstrndx = e.sh_link(0);
        if (e.phnum == 0xffff) e.phnum = e.sh_info(0);
        if (!b.has(e.shoff, std::uint64_t(e.shnum) * e.shentsize))
            fail(Reason::truncated, "section header table beyond end of file");
    } else {
        e.shnum = 0;
    }
    if (e.phnum != 0) {
        if (e.phoff == 0) fail(Reason::malformed, "program header table at offset 0");
        if (e.phentsize < (e.is64 ? 56 : 32))
            fail(Reason::malformed, "program header size " + std::to_string(e.phentsize) + " too small");
        if (!b.has(e.phoff, std::uint64_t(e.phnum) * e.phentsize))
            fail(Reason::truncated, "program header table beyond end of file");
    }

    // Segments whose contents are read (the interpreter, the dynamic section, notes) must be inside
    // the file. Others (PT_LOAD) may run past its end, as in hand-made minimal ELF files: file(1),
    // which the xx shell helper asks, reads only the headers too, and accepts them.
    std::optional<std::uint32_t> dynamic;
    bool freebsd_note = false;
    std::size_t note_segments = 0;
    for (std::uint32_t i = 0; i < e.phnum; ++i) {
        const std::uint32_t pt = e.p_type(i);
        const std::uint64_t off = e.p_offset(i), size = e.p_filesz(i);
        const bool read = pt == PT_INTERP || pt == PT_DYNAMIC || pt == PT_NOTE;
        if (read && size != 0 && !b.has(off, size))
            fail(Reason::truncated, "segment " + std::to_string(i) + " beyond end of file");
        if (pt == PT_INTERP) {
            auto s = b.cstr(off, off + size);
            if (!s) fail(Reason::malformed, "unterminated interpreter path");
            info.interpreter = std::move(*s);
        } else if (pt == PT_DYNAMIC) {
            dynamic = i;
        } else if (pt == PT_NOTE && info.elf_osabi == ELFOSABI_SYSV && !freebsd_note &&
                   note_segments++ < max_note_segments) {
            freebsd_note = has_freebsd_note(b, off, size, e.p_align(i));
        }
    }

    if (info.elf_osabi == ELFOSABI_FREEBSD || freebsd_note) info.os = "freebsd";
    else if (info.elf_osabi == ELFOSABI_SYSV || info.elf_osabi == ELFOSABI_GNU) info.os = "linux";

    // DT_NEEDED names, from the dynamic string table found through the PT_LOAD segments.
    bool pie = false;
    if (dynamic) {
        const std::uint64_t off = e.p_offset(*dynamic), size = e.p_filesz(*dynamic);
        const std::uint64_t entsize = e.is64 ? 16 : 8;
        std::vector<std::uint64_t> needed;
        std::optional<std::uint64_t> strtab, strsz;
        const std::uint64_t count = std::min<std::uint64_t>(size / entsize, max_dynamic);
        for (std::uint64_t k = 0; k < count; ++k) {
            const std::uint64_t at = off + k * entsize;
            const auto tag = static_cast<std::int64_t>(e.is64 ? b.u64(at) : std::uint64_t(std::int32_t(b.u32(at))));
            const std::uint64_t val = b.word(at + entsize / 2, e.is64);
            if (tag == DT_NULL) break;
            if (tag == DT_NEEDED && needed.size() < max_needed) needed.push_back(val);
            else if (tag == DT_STRTAB) strtab = val;
            else if (tag == DT_STRSZ) strsz = val;
            else if (tag == DT_FLAGS_1) pie = (val & DF_1_PIE) != 0;
        }
        // A name that cannot be read (no DT_STRTAB, a table outside the loaded segments, an offset
        // past it, as in hand-made minimal files) is still a needed library: the file is dynamic.
        std::optional<std::uint64_t> str_off = strtab ? e.file_offset(*strtab) : std::nullopt;
        std::uint64_t str_end = b.size;
        if (str_off && strsz && *strsz < b.size - std::min<std::uint64_t>(*str_off, b.size)) str_end = *str_off + *strsz;
        for (std::uint64_t name : needed) {
            std::optional<std::string> s;
            if (str_off && name < str_end - std::min(str_end, *str_off)) s = b.cstr(*str_off + name, str_end);
            info.needed.push_back(s ? std::move(*s) : std::string(unreadable_needed_name));
        }
    }
    info.is_static = info.interpreter.empty() && info.needed.empty();
    switch (type) {
        case ET_REL: info.kind = ObjectKind::relocatable; break;
        case ET_EXEC: info.kind = ObjectKind::executable; break;
        case ET_DYN:
            info.kind = !info.interpreter.empty() || pie ? ObjectKind::executable : ObjectKind::shared_library;
            break;
        case ET_CORE: info.kind = ObjectKind::core; break;
        default: info.kind = ObjectKind::other;
    }

    // ARM: float ABI from e_flags, architecture from .ARM.attributes (by type, else by name).
    if (is_arm_elf_machine(info.machine)) {
        info.arm_eabi = std::uint8_t(info.flags >> 24);
        std::optional<std::uint32_t> attrs;
        for (std::uint32_t i = 0; i < e.shnum && !attrs; ++i)
            if (e.sh_type(i) == SHT_ARM_ATTRIBUTES) attrs = i;
        if (!attrs && e.shstrndx != 0 && e.shstrndx < e.shnum && e.sh_type(e.shstrndx) != SHT_NOBITS) {
            const std::uint64_t str_off = e.sh_offset(e.shstrndx), str_size = e.sh_size(e.shstrndx);
            if (!b.has(str_off, str_size))
                fail(Reason::truncated, "section name table beyond end of file");
            static constexpr char wanted[] = ".ARM.attributes";  // with its NUL: sizeof 16
            for (std::uint32_t i = 0; i < e.shnum && !attrs; ++i) {
                const std::uint32_t name = e.sh_name(i);
                if (name < str_size && str_size - name >= sizeof wanted &&
                    std::memcmp(b.data + str_off + name, wanted, sizeof wanted) == 0)
                    attrs = i;
            }
        }
        if (attrs && e.sh_type(*attrs) != SHT_NOBITS) {
            const std::uint64_t off = e.sh_offset(*attrs), size = e.sh_size(*attrs);
            if (!b.has(off, size)) fail(Reason::truncated, ".ARM.attributes section beyond end of file");
            parse_arm_attributes(b, off, size, info);
        }
        info.hard_float = (info.flags & EF_ARM_ABI_FLOAT_HARD) != 0 ||
                          ((info.flags & EF_ARM_ABI_FLOAT_SOFT) == 0 && info.arm_vfp_args == 1u);
    }
    return info;
}

// --- PE/COFF ----------------------------------------------------------------------------------

inline constexpr std::uint16_t PE32_MAGIC = 0x10b, PE32PLUS_MAGIC = 0x20b;
inline constexpr std::uint16_t IMAGE_FILE_DLL = 0x2000;

inline ObjectInfo parse_pe(Bytes b) {
    ObjectInfo info;
    info.format = ObjectFormat::pe;
    info.os = "windows";
    if (b.size < 64) fail(Reason::truncated, "truncated DOS header (" + std::to_string(b.size) + " bytes, need 64)");
    const std::uint64_t pe = b.u32(0x3c);
    if (!b.has(pe, 4)) fail(Reason::truncated, "PE header beyond end of file");
    if (std::memcmp(b.data + pe, "PE\0\0", 4) != 0)
        fail(Reason::not_an_object, "not an ELF, PE or Mach-O binary (an MS-DOS executable without a PE header)");
    const std::uint64_t coff = pe + 4;
    if (!b.has(coff, 20)) fail(Reason::truncated, "truncated COFF header");
    info.machine = b.u16(coff);
    const std::uint32_t nsections = b.u16(coff + 2);
    const std::uint16_t opt_size = b.u16(coff + 16);
    info.flags = b.u16(coff + 18);
    info.kind = info.flags & IMAGE_FILE_DLL ? ObjectKind::shared_library : ObjectKind::executable;

    const std::uint64_t opt = coff + 20;
    if (opt_size < 2 || !b.has(opt, opt_size)) fail(Reason::truncated, "truncated PE optional header");
    const std::uint16_t magic = b.u16(opt);
    if (magic != PE32_MAGIC && magic != PE32PLUS_MAGIC)
        fail(Reason::malformed, "unknown PE optional header magic " + hex(magic));
    info.bits = magic == PE32PLUS_MAGIC ? 64 : 32;
    const std::uint64_t dirs = opt + (info.bits == 64 ? 112 : 96);  // the data directories
    if (opt_size < dirs - opt) fail(Reason::malformed, "PE optional header too small (" + std::to_string(opt_size) + " bytes)");
    info.pe_subsystem = b.u16(opt + 68);
    const std::uint32_t ndirs = b.u32(dirs - 4);

    if (nsections > max_pe_sections)
        fail(Reason::malformed, "PE file with " + std::to_string(nsections) + " sections");
    const std::uint64_t sections = opt + opt_size;
    if (!b.has(sections, std::uint64_t(nsections) * 40)) fail(Reason::truncated, "PE section table beyond end of file");
    for (std::uint32_t i = 0; i < nsections; ++i) {
        const std::uint64_t s = sections + i * 40ull;
        const std::uint32_t raw_size = b.u32(s + 16), raw_off = b.u32(s + 20);
        if (raw_size != 0 && !b.has(raw_off, raw_size))
            fail(Reason::truncated, "PE section " + std::to_string(i) + " beyond end of file");
    }
    // File offset of an RVA through the sections, and the end of that section's raw data.
    struct Place {
        std::uint64_t off, end;
    };
    auto place = [&](std::uint32_t rva) -> std::optional<Place> {
        for (std::uint32_t i = 0; i < nsections; ++i) {
            const std::uint64_t s = sections + i * 40ull;
            const std::uint32_t vsize = b.u32(s + 8), va = b.u32(s + 12), raw_size = b.u32(s + 16),
                                raw_off = b.u32(s + 20);
            const std::uint32_t span = std::max(vsize, raw_size);
            if (rva >= va && rva - va < span) {
                if (rva - va >= raw_size) return std::nullopt;  // uninitialized data
                return Place{std::uint64_t(raw_off) + (rva - va), std::uint64_t(raw_off) + raw_size};
            }
        }
        return std::nullopt;
    };

    // Data directory 1: the import table, an array of 20-byte descriptors ending in a zero one.
    if (ndirs > 1 && opt_size >= dirs - opt + 16) {
        const std::uint32_t rva = b.u32(dirs + 8), size = b.u32(dirs + 12);
        if (rva != 0 && size != 0) {
            auto at = place(rva);
            if (!at) fail(Reason::malformed, "import table outside the PE sections");
            for (std::size_t k = 0; k < max_imports; ++k) {
                const std::uint64_t d = at->off + k * 20;
                if (d + 20 > at->end) fail(Reason::malformed, "unterminated PE import table");
                const std::uint32_t name_rva = b.u32(d + 12);
                if (name_rva == 0) break;
                auto name_at = place(name_rva);
                auto name = name_at ? b.cstr(name_at->off, name_at->end) : std::nullopt;
                if (!name) fail(Reason::malformed, "PE import name outside the sections");
                if (info.needed.size() < max_needed) info.needed.push_back(std::move(*name));
            }
        }
    }
    info.is_static = std::all_of(info.needed.begin(), info.needed.end(),
                                 [](const std::string& n) { return is_windows_system_dll(n); });
    return info;
}

// --- Mach-O -----------------------------------------------------------------------------------

inline constexpr std::uint32_t MH_MAGIC = 0xfeedface, MH_MAGIC_64 = 0xfeedfacf, MH_CIGAM = 0xcefaedfe,
                               MH_CIGAM_64 = 0xcffaedfe, FAT_MAGIC = 0xcafebabe, FAT_MAGIC_64 = 0xcafebabf;
inline constexpr std::uint32_t LC_SEGMENT = 0x1, LC_LOAD_DYLIB = 0xc, LC_LOAD_DYLINKER = 0xe,
                               LC_LOAD_WEAK_DYLIB = 0x80000018, LC_SEGMENT_64 = 0x19,
                               LC_REEXPORT_DYLIB = 0x8000001f, LC_LAZY_LOAD_DYLIB = 0x20,
                               LC_LOAD_UPWARD_DYLIB = 0x80000023;

inline ObjectInfo parse_macho(Bytes b) {
    ObjectInfo info;
    info.format = ObjectFormat::macho;
    info.os = "darwin";
    b.big = false;
    const std::uint32_t magic = b.u32(0);
    const bool is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
    b.big = magic == MH_CIGAM || magic == MH_CIGAM_64;
    const std::size_t hsize = is64 ? 32 : 28;
    if (b.size < hsize)
        fail(Reason::truncated, "truncated Mach-O header (" + std::to_string(b.size) + " bytes, need " +
                                    std::to_string(hsize) + ")");
    info.bits = is64 ? 64 : 32;
    info.endian = b.big ? Endian::big : Endian::little;
    info.machine = b.u32(4);
    const std::uint32_t filetype = b.u32(12), ncmds = b.u32(16), sizeofcmds = b.u32(20);
    info.flags = b.u32(24);
    switch (filetype) {
        case 1: info.kind = ObjectKind::relocatable; break;                     // MH_OBJECT
        case 2: info.kind = ObjectKind::executable; break;                      // MH_EXECUTE
        case 4: info.kind = ObjectKind::core; break;                            // MH_CORE
        case 6: case 8: info.kind = ObjectKind::shared_library; break;          // MH_DYLIB, MH_BUNDLE
        default: info.kind = ObjectKind::other;
    }
    if (!b.has(hsize, sizeofcmds)) fail(Reason::truncated, "Mach-O load commands beyond end of file");
    if (ncmds > sizeofcmds / 8) fail(Reason::malformed, std::to_string(ncmds) + " load commands in " +
                                                          std::to_string(sizeofcmds) + " bytes");
    const std::uint64_t end = hsize + std::uint64_t(sizeofcmds);
    std::uint64_t pos = hsize;
    for (std::uint32_t i = 0; i < ncmds; ++i) {
        if (end - pos < 8) fail(Reason::malformed, "load command " + std::to_string(i) + " beyond the load commands");
        const std::uint32_t cmd = b.u32(pos), cmdsize = b.u32(pos + 4);
        if (cmdsize < 8 || cmdsize > end - pos)
            fail(Reason::malformed, "load command " + std::to_string(i) + " has size " + std::to_string(cmdsize));
        auto lc_str = [&]() {  // the string a dylib/dylinker command names, at an offset in it
            if (cmdsize < 12) fail(Reason::malformed, "load command " + std::to_string(i) + " too small");
            const std::uint32_t at = b.u32(pos + 8);
            auto s = at < cmdsize ? b.cstr(pos + at, pos + cmdsize) : std::nullopt;
            if (!s) fail(Reason::malformed, "load command " + std::to_string(i) + " has a bad name");
            return std::move(*s);
        };
        if (cmd == LC_LOAD_DYLINKER) {
            info.interpreter = lc_str();
        } else if (cmd == LC_LOAD_DYLIB || cmd == LC_LOAD_WEAK_DYLIB || cmd == LC_REEXPORT_DYLIB ||
                   cmd == LC_LAZY_LOAD_DYLIB || cmd == LC_LOAD_UPWARD_DYLIB) {
            std::string name = lc_str();
            if (info.needed.size() < max_needed) info.needed.push_back(std::move(name));
        } else if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
            const bool s64 = cmd == LC_SEGMENT_64;
            if (cmdsize < (s64 ? 72u : 56u)) fail(Reason::malformed, "segment command " + std::to_string(i) + " too small");
            const std::uint64_t fileoff = s64 ? b.u64(pos + 40) : b.u32(pos + 32);
            const std::uint64_t filesize = s64 ? b.u64(pos + 48) : b.u32(pos + 36);
            if (filesize != 0 && !b.has(fileoff, filesize))
                fail(Reason::truncated, "Mach-O segment " + std::to_string(i) + " beyond end of file");
        }
        pos += cmdsize;
    }
    info.is_static = info.interpreter.empty() && info.needed.empty();
    return info;
}

// Universal binary: big-endian header, nfat_arch entries (20 bytes, 32 for the 64-bit form).
// Returns nullopt when the header does not look like one (a Java class file shares its magic).
inline std::optional<ObjectInfo> parse_fat(Bytes b) {
    b.big = true;
    const bool is64 = b.u32(0) == FAT_MAGIC_64;
    if (b.size < 8) fail(Reason::truncated, "truncated Mach-O universal header (" + std::to_string(b.size) + " bytes, need 8)");
    const std::uint32_t n = b.u32(4);
    if (n == 0 || n > max_fat_arches) return std::nullopt;
    const std::uint64_t entsize = is64 ? 32 : 20, table_end = 8 + n * entsize;
    if (!b.has(8, n * entsize)) fail(Reason::truncated, "Mach-O universal header beyond end of file");
    ObjectInfo info;
    info.format = ObjectFormat::macho;
    info.os = "darwin";
    info.endian = Endian::big;
    info.bits = 0;
    info.is_static = true;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t e = 8 + i * entsize;
        const std::uint32_t cpu = b.u32(e);
        const std::uint64_t off = is64 ? b.u64(e + 8) : b.u32(e + 8);
        const std::uint64_t size = is64 ? b.u64(e + 16) : b.u32(e + 12);
        const std::string which = "universal binary slice " + std::to_string(i);
        if (off < table_end) fail(Reason::malformed, which + " overlaps the header");
        if (!b.has(off, size)) fail(Reason::truncated, which + " beyond end of file");
        Bytes slice{b.data + off, static_cast<std::size_t>(size), false};
        const std::uint32_t magic = size >= 4 ? slice.u32(0) : 0;
        if (magic != MH_MAGIC && magic != MH_MAGIC_64 && magic != MH_CIGAM && magic != MH_CIGAM_64)
            fail(Reason::malformed, which + " is not a Mach-O file");
        ObjectInfo s = parse_macho(slice);
        if (s.machine != cpu)
            fail(Reason::malformed, which + " is for cpu type " + hex(s.machine) + ", the header says " + hex(cpu));
        if (i == 0) info.kind = s.kind;
        info.is_static = info.is_static && s.is_static;
        info.slices.push_back(std::move(s));
    }
    return info;
}

// --- naming -----------------------------------------------------------------------------------

inline std::string machine_name(const ObjectInfo& o) {
    for (const Target& t : targets()) {
        bool match = o.format == ObjectFormat::elf  ? t.elf_machine != 0 && t.elf_machine == o.machine
                     : o.format == ObjectFormat::pe ? t.pe_machine != 0 && t.pe_machine == o.machine
                                                    : t.macho_cpu != 0 && t.macho_cpu == o.machine;
        // Mach-O names CPUs as macOS does, which is the darwin rows' `uname -m`.
        if (match) return std::string(o.format == ObjectFormat::macho ? t.uname : t.machine_name);
    }
    return "machine " + hex(o.machine);
}

}  // namespace detail::obj

inline bool is_windows_system_dll(std::string_view name) noexcept {
    using detail::obj::eq_nocase;
    using detail::obj::starts_nocase;
    if (name.size() > 4 && eq_nocase(name.substr(name.size() - 4), ".dll")) name.remove_suffix(4);
    if (starts_nocase(name, "api-ms-win-") || starts_nocase(name, "ext-ms-")) return true;
    static constexpr std::string_view system[] = {
        "kernel32", "kernelbase", "ntdll",    "msvcrt",  "ucrtbase", "user32",   "gdi32",    "gdiplus",
        "advapi32", "ws2_32",     "wsock32",  "mswsock", "shell32",  "shlwapi",  "ole32",    "oleaut32",
        "comctl32", "comdlg32",   "bcrypt",   "ncrypt",  "crypt32",  "secur32",  "sspicli",  "userenv",
        "version",  "winmm",      "iphlpapi", "psapi",   "dbghelp",  "rpcrt4",   "setupapi", "cfgmgr32",
        "winhttp",  "wininet",    "dnsapi",   "netapi32", "imm32",   "uxtheme",  "dwmapi",   "winspool.drv",
        "opengl32", "d3d9",       "d3d11",    "d3d12",   "dxgi",     "dwrite",   "d2d1",     "mpr",
        "powrprof", "wtsapi32",   "hid",      "credui",  "msimg32",  "winusb",   "wintrust", "normaliz",
        "propsys",  "bcryptprimitives", "synchronization", "ntoskrnl.exe", "hal",
    };
    for (std::string_view s : system)
        if (eq_nocase(name, s)) return true;
    return false;
}

inline std::string ObjectInfo::description() const {
    using detail::obj::machine_name;
    std::string d;
    switch (format) {
        case ObjectFormat::elf: {
            d = "ELF " + std::to_string(bits) + "-bit " + (endian == Endian::big ? "MSB " : "LSB ") +
                machine_name(*this);
            if (detail::obj::is_arm_elf_machine(machine)) {
                if (arm_eabi != 0) d += ", EABI" + std::to_string(arm_eabi);
                if (arm_cpu_arch) {
                    std::string_view name = arm_cpu_arch_name(*arm_cpu_arch);
                    d += ", " + (name.empty() ? "Tag_CPU_arch " + std::to_string(*arm_cpu_arch) : std::string(name));
                }
            }
            if (os == "freebsd") d += ", FreeBSD";
            else if (os.empty()) d += ", OS ABI " + std::to_string(elf_osabi);
            break;
        }
        case ObjectFormat::pe:
            d = (bits == 64 ? "PE32+ " : "PE32 ") + machine_name(*this);
            break;
        case ObjectFormat::macho:
            if (slices.empty()) {
                d = "Mach-O " + std::to_string(bits) + "-bit " + machine_name(*this);
            } else {
                d = "Mach-O universal binary:";
                for (std::size_t i = 0; i < slices.size(); ++i)
                    d += (i ? ", " : " ") + machine_name(slices[i]);
            }
            break;
    }
    return d;
}

inline ObjectInfo parse_object(std::span<const std::byte> bytes) {
    using namespace detail::obj;
    Bytes b{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), false};
    if (b.size == 0) fail(Reason::not_an_object, "not an ELF, PE or Mach-O binary (empty file)");
    if (b.size >= 4 && std::memcmp(b.data, "\x7f" "ELF", 4) == 0) return parse_elf(b);
    if (b.size >= 2 && b.data[0] == 'M' && b.data[1] == 'Z') return parse_pe(b);
    if (b.size >= 4) {
        const std::uint32_t le = b.u32(0);
        if (le == MH_MAGIC || le == MH_MAGIC_64 || le == MH_CIGAM || le == MH_CIGAM_64) return parse_macho(b);
        b.big = true;
        const std::uint32_t be = b.u32(0);
        b.big = false;
        if (be == FAT_MAGIC || be == FAT_MAGIC_64)
            if (auto fat = parse_fat(b)) return std::move(*fat);
    }
    fail(Reason::not_an_object, "not an ELF, PE or Mach-O binary (starts with " + quote_start(b) + ")");
}

inline ObjectInfo read_object(const std::string& path) {
    using detail::obj::fail;
    using Reason = ObjectFileError::Reason;
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below anyway).
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) fail(Reason::not_found, "no such file");
        if (err == EISDIR) fail(Reason::not_a_file, "is a directory");
        std::string msg = std::strerror(err);
        if (!msg.empty()) msg[0] = char(std::tolower(static_cast<unsigned char>(msg[0])));
        fail(Reason::io, msg);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(Reason::io, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) fail(Reason::not_a_file, "is a directory");
    if (!S_ISREG(st.st_mode)) fail(Reason::not_a_file, "not a regular file");
    if (st.st_size <= 0) return parse_object({});
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) fail(Reason::io, std::string("cannot map: ") + std::strerror(errno));
    struct Unmapper {
        void* p;
        std::size_t n;
        ~Unmapper() { ::munmap(p, n); }
    } unmapper{map, size};
    return parse_object({static_cast<const std::byte*>(map), size});
}

inline std::vector<const Target*> targets_of(const ObjectInfo& info) {
    std::vector<const Target*> rows;
    if (!info.slices.empty()) {
        for (const ObjectInfo& s : info.slices)
            for (const Target* t : targets_of(s))
                if (std::find(rows.begin(), rows.end(), t) == rows.end()) rows.push_back(t);
        std::sort(rows.begin(), rows.end());  // table order: rows are one array
        return rows;
    }
    for (const Target& t : targets()) {
        bool match = false;
        switch (info.format) {
            case ObjectFormat::elf:
                match = t.elf_machine != 0 && t.elf_machine == info.machine && t.bits == info.bits &&
                        t.endian == info.endian && !info.os.empty() && t.os == info.os;
                if (match && info.arm_cpu_arch && t.elf_arm_arch_max != 0)
                    match = *info.arm_cpu_arch >= t.elf_arm_arch_min && *info.arm_cpu_arch <= t.elf_arm_arch_max;
                break;
            case ObjectFormat::pe: match = t.pe_machine != 0 && t.pe_machine == info.machine; break;
            case ObjectFormat::macho: match = t.macho_cpu != 0 && t.macho_cpu == info.machine; break;
        }
        if (match) rows.push_back(&t);
    }
    // Nothing in the headers tells amd64/v3 code from amd64 code: an arch with a variant-less row
    // maps to that row alone.
    std::erase_if(rows, [&](const Target* t) {
        return !t->variant.empty() && std::any_of(rows.begin(), rows.end(), [&](const Target* base) {
            return base->variant.empty() && base->os == t->os && base->arch == t->arch;
        });
    });
    return rows;
}

inline std::string platforms_of(const ObjectInfo& info) {
    std::vector<const Target*> rows = targets_of(info);
    if (rows.size() > 1 && std::all_of(rows.begin(), rows.end(), [&](const Target* t) {
            return t->os == rows[0]->os && t->arch == rows[0]->arch;
        }))
        return std::string(rows[0]->os) + "/" + std::string(rows[0]->arch) + " (any variant)";
    std::string out;
    for (const Target* t : rows) out += (out.empty() ? "" : ", ") + platform_of(*t).str();
    return out;
}

inline bool built_for(const ObjectInfo& info, const Target& target) {
    if (!info.slices.empty())
        return std::any_of(info.slices.begin(), info.slices.end(),
                           [&](const ObjectInfo& s) { return built_for(s, target); });
    for (const Target* t : targets_of(info)) {
        if (t->os != target.os || t->arch != target.arch) continue;
        if (t->variant == target.variant || t->variant.empty()) return true;
        // Another variant of the same arch: ARM code of an older architecture the target accepts.
        if (info.arm_cpu_arch && target.elf_arm_arch_accepted_min != 0 &&
            *info.arm_cpu_arch >= target.elf_arm_arch_accepted_min && *info.arm_cpu_arch <= target.elf_arm_arch_max)
            return true;
    }
    return false;
}

}  // namespace xbuild
