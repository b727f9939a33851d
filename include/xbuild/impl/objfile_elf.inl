// The ELF reader of objfile.hpp: headers, program headers, dynamic section, ARM attributes, notes.
#pragma once

#include <algorithm>
#include <cstring>

#include "objfile_bytes.inl"

namespace xbuild {
namespace detail::obj {

inline constexpr std::size_t max_dynamic = 1 << 16;   // dynamic entries looked at
inline constexpr std::size_t max_notes = 64;          // ELF notes looked at per segment
inline constexpr std::size_t max_note_segments = 16;  // PT_NOTE segments looked at
inline constexpr std::string_view unreadable_needed_name = "(a library whose name cannot be read)";

// ELF constants (System V ABI, and the ARM ELF ABI for the ARM ones).
inline constexpr std::uint32_t PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;
inline constexpr std::int64_t DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_FLAGS_1 = 0x6ffffffb;
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
        fail(Reason::truncated,
             "truncated ELF header (" + std::to_string(b.size) + " bytes, need " + std::to_string(ehsize) + ")");
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
        if (str_off && strsz && *strsz < b.size - std::min<std::uint64_t>(*str_off, b.size))
            str_end = *str_off + *strsz;
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
            if (!b.has(str_off, str_size)) fail(Reason::truncated, "section name table beyond end of file");
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

}  // namespace detail::obj
}  // namespace xbuild
