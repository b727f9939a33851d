// Implementation of xbuild/emulation/binfmt_handler.hpp.
#pragma once

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "../../process.hpp"
#include "../../strings.hpp"

namespace xbuild::emulation {

namespace detail {

// Appends `v` as `size` bytes in the row's byte order.
inline void put(std::vector<std::uint8_t>& out, std::uint64_t v, unsigned size, Endian endian) {
    for (unsigned i = 0; i < size; ++i) {
        unsigned shift = endian == Endian::little ? i : size - 1 - i;
        out.push_back(static_cast<std::uint8_t>(v >> (8 * shift)));
    }
}

// ELF constants the probe needs.
inline constexpr std::uint16_t et_exec = 2;
inline constexpr std::uint32_t pt_load = 1, pf_rx = 5;
inline constexpr std::uint64_t probe_base = 0x400000;

// Writes all of `text` to `path` (opened for writing only, as /proc files want); throws with errno.
inline void write_proc_file(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
    ssize_t n = ::write(fd, text.data(), text.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(text.size()))
        throw std::runtime_error(path + ": " + std::strerror(n < 0 ? err : EIO));
}

}  // namespace detail

inline bool has_handler(const Target& row) { return row.os == "linux" && !row.qemu.empty(); }

inline std::string handler_name(const Target& row) { return "qemu-" + std::string(row.qemu); }

inline std::vector<std::uint8_t> elf_magic(const Target& row) {
    std::vector<std::uint8_t> m = {0x7f,
                                   'E',
                                   'L',
                                   'F',
                                   static_cast<std::uint8_t>(row.bits == 64 ? 2 : 1),
                                   static_cast<std::uint8_t>(row.endian == Endian::little ? 1 : 2),
                                   1};
    m.resize(16, 0);
    detail::put(m, detail::et_exec, 2, row.endian);
    detail::put(m, row.elf_machine, 2, row.endian);
    m.resize(std::max(m.size(), row.binfmt_mask.size()), 0);  // longer masks look at zeros beyond
    return m;
}

inline std::vector<std::uint8_t> elf_mask(const Target& row) {
    if (!row.binfmt_mask.empty()) return {row.binfmt_mask.begin(), row.binfmt_mask.end()};
    std::vector<std::uint8_t> m(20, 0xff);
    m[7] = 0;                                          // EI_OSABI: any
    m[row.endian == Endian::little ? 16 : 17] = 0xfe;  // e_type: ET_EXEC or ET_DYN
    return m;
}

inline HandlerSpec handler_spec(const Target& row, const std::string& interpreter) {
    // Flags "F" as Debian's qemu-user-static registers its -static binaries (its binfmt-P
    // wrappers add P): F opens the interpreter now, so containers and chroots without it run
    // foreign binaries too. tonistiigi/binfmt adds C (and O), which runs setuid foreign binaries
    // with the file's credentials through QEMU; xbuild does not hand emulated code that power, and
    // without P a -static QEMU never sees a changed argv[0] it would misread as its own.
    return {handler_name(row), elf_magic(row), elf_mask(row), 0, interpreter, "F"};
}

inline std::string registration_line(const HandlerSpec& spec) {
    auto hex = [](const std::vector<std::uint8_t>& bytes) {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s;
        for (std::uint8_t b : bytes) s += {'\\', 'x', digits[b >> 4], digits[b & 15]};
        return s;
    };
    return ":" + spec.name + ":M:" + std::to_string(spec.offset) + ":" + hex(spec.magic) + ":" + hex(spec.mask) + ":" +
           spec.interpreter + ":" + spec.flags;
}

inline std::vector<std::uint8_t> probe_binary(const Target& row) {
    if (row.exit0_code.empty() || row.elf_machine == 0) return {};
    const bool wide = row.bits == 64;
    const Endian e = row.endian;
    const unsigned ehsize = wide ? 64 : 52, phsize = wide ? 56 : 32, word = wide ? 8 : 4;
    const std::uint64_t entry = detail::probe_base + ehsize + phsize;
    const std::uint64_t filesz = ehsize + phsize + row.exit0_code.size();
    std::vector<std::uint8_t> f = elf_magic(row);
    f.resize(20);             // ident, e_type, e_machine
    detail::put(f, 1, 4, e);  // e_version
    detail::put(f, entry, word, e);
    detail::put(f, ehsize, word, e);  // e_phoff
    detail::put(f, 0, word, e);       // e_shoff
    detail::put(f, row.exit0_elf_flags, 4, e);
    detail::put(f, ehsize, 2, e);
    detail::put(f, phsize, 2, e);
    detail::put(f, 1, 2, e);  // e_phnum
    detail::put(f, 0, 2, e);  // e_shentsize
    detail::put(f, 0, 2, e);  // e_shnum
    detail::put(f, 0, 2, e);  // e_shstrndx
    detail::put(f, detail::pt_load, 4, e);
    if (wide) detail::put(f, detail::pf_rx, 4, e);   // 64-bit: p_flags second
    detail::put(f, 0, word, e);                      // p_offset
    detail::put(f, detail::probe_base, word, e);     // p_vaddr
    detail::put(f, detail::probe_base, word, e);     // p_paddr
    detail::put(f, filesz, word, e);                 // p_filesz
    detail::put(f, filesz, word, e);                 // p_memsz
    if (!wide) detail::put(f, detail::pf_rx, 4, e);  // 32-bit: p_flags before p_align
    detail::put(f, 0x1000, word, e);                 // p_align
    f.insert(f.end(), row.exit0_code.begin(), row.exit0_code.end());
    return f;
}

inline std::vector<std::byte> elf_header_sample(const Target& row) {
    std::vector<std::uint8_t> f = probe_binary(row);
    if (f.empty()) f = elf_magic(row);
    std::vector<std::byte> head(binfmt_buffer_size, std::byte {0});
    for (std::size_t i = 0; i < f.size() && i < head.size(); ++i) head[i] = std::byte {f[i]};
    return head;
}

inline const BinfmtEntry* handler_for(std::span<const BinfmtEntry> entries, const Target& row) {
    if (row.os != "linux" || row.elf_machine == 0) return nullptr;
    const auto head = elf_header_sample(row);
    for (const BinfmtEntry& e : entries)
        if (e.enabled && binfmt_matches(e, head, "probe")) return &e;
    return nullptr;
}

inline bool runs_natively(const Target& row, std::string_view cpu_flags) {
    const Target* self = compiled_for_target();
    if (self == nullptr || row.os != "linux") return false;
    if (!self->runs_32bit.empty() && row.arch == self->runs_32bit) return true;
    if (row.arch != self->arch) return false;
    // Whole words of the flags line ("flags\t\t: fpu vme ... avx2 ...").
    const auto words = split(cpu_flags, ' ');
    for (std::string_view need : split(row.cpu_flags, ' '))
        if (!need.empty() && std::find(words.begin(), words.end(), need) == words.end()) return false;
    return true;
}

inline bool runs_natively(const Target& row) {
    // The first `flags` line of /proc/cpuinfo (every CPU of a machine has the same), read once.
    static const std::string flags = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.starts_with("flags")) {
                for (char& c : line)
                    if (c == '\t' || c == ':') c = ' ';
                return line;
            }
        return std::string();
    }();
    return runs_natively(row, flags);
}

inline std::optional<std::string> find_static_interpreter(const Target& row) {
    if (row.qemu.empty()) return std::nullopt;
    const std::string name = "qemu-" + std::string(row.qemu) + "-static";
    if (auto found = find_program(name)) return found;
    std::string in_usr_bin = "/usr/bin/" + name;
    if (::access(in_usr_bin.c_str(), X_OK) == 0) return in_usr_bin;
    return std::nullopt;
}

inline bool is_xbuild_handler(const BinfmtEntry& entry) {
    for (const Target& row : targets()) {
        if (!has_handler(row) || entry.name != handler_name(row)) continue;
        auto slash = entry.interpreter.rfind('/');
        return entry.interpreter.substr(slash + 1) == "qemu-" + std::string(row.qemu) + "-static";
    }
    return false;
}

inline void mount_binfmt_misc(const std::string& dir) {
    if (::access((dir + "/register").c_str(), F_OK) == 0) return;
    if (::mount("binfmt_misc", dir.c_str(), "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        throw std::runtime_error("cannot mount binfmt_misc on " + dir + ": " + std::strerror(errno));
}

inline void register_handler(const std::string& dir, const HandlerSpec& spec) {
    detail::write_proc_file(dir + "/register", registration_line(spec));
}

inline void remove_handler(const std::string& dir, const std::string& name) {
    detail::write_proc_file(dir + "/" + name, "-1");
}

inline bool run_probe(const Target& row) {
    const std::vector<std::uint8_t> bytes = probe_binary(row);
    if (bytes.empty()) return false;
    const char* tmp = std::getenv("TMPDIR");
    std::string folder = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/xbuild-probe-XXXXXX";
    if (::mkdtemp(folder.data()) == nullptr) return false;
    const std::string path = folder + "/probe";
    bool ok = false;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (fd >= 0) {
        bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
        ::close(fd);
        if (written) {
            try {
                ok = run_program({path}) == 0;
            } catch (const std::exception&) {
                ok = false;  // the kernel refused to exec it: no handler runs it
            }
        }
        ::unlink(path.c_str());
    }
    ::rmdir(folder.c_str());
    return ok;
}

}  // namespace xbuild::emulation
