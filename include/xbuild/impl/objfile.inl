// Implementation of xbuild/objfile.hpp: format detection, read_object, naming and table rows.
//
// One reader per format (objfile_elf.inl, objfile_pe.inl, objfile_macho.inl) over the shared
// bounds-checked bytes (objfile_bytes.inl). Numbers in them are file-format facts (header
// offsets, record types, tag ids), never machines: those come from the platform table.
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
#include "objfile_bytes.inl"
#include "objfile_elf.inl"
#include "objfile_pe.inl"
#include "objfile_macho.inl"

namespace xbuild {
namespace detail::obj {

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
        case ObjectFormat::pe: d = (bits == 64 ? "PE32+ " : "PE32 ") + machine_name(*this); break;
        case ObjectFormat::macho:
            if (slices.empty()) {
                d = "Mach-O " + std::to_string(bits) + "-bit " + machine_name(*this);
            } else {
                d = "Mach-O universal binary:";
                for (std::size_t i = 0; i < slices.size(); ++i) d += (i ? ", " : " ") + machine_name(slices[i]);
            }
            break;
    }
    return d;
}

inline ObjectInfo parse_object(std::span<const std::byte> bytes) {
    using namespace detail::obj;
    Bytes b {reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), false};
    if (b.size == 0) fail(Reason::not_an_object, "not an ELF, PE or Mach-O binary (empty file)");
    if (b.size >= 4 && std::memcmp(b.data,
                                   "\x7f"
                                   "ELF",
                                   4) == 0)
        return parse_elf(b);
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
    } closer {fd};
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
    } unmapper {map, size};
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
