// xbuild/oci/impl/layout_io.inl: the file and tar helpers under layout.inl and docker_archive.inl:
// temp names, fsync + rename, checked tar entry paths, libarchive readers and a reproducible tar
// writer. In detail::layout_io (not plain detail) so other oci headers' helpers cannot clash with
// them in one translation unit. Included by layout.inl after LayoutError is declared.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "../../fs.hpp"

namespace xbuild::oci {

namespace detail::layout_io {

inline std::string errno_text() { return std::strerror(errno); }

// A name no other writer (thread or process) picks: pid, random bits and a counter. Dot-prefixed,
// so the tar writer and other tools' blob walkers skip it.
inline std::filesystem::path temp_beside(std::filesystem::path target) {
    static std::atomic<unsigned> counter {0};
    thread_local std::mt19937_64 rng {std::random_device {}()};
    if (!target.has_filename()) target = target.parent_path();  // "dir/" names dir
    char bits[17];
    std::snprintf(bits, sizeof bits, "%016llx", static_cast<unsigned long long>(rng()));
    const std::string name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + bits +
                             "-" + std::to_string(counter++);
    return target.parent_path() / name;
}

// An fd that closes itself.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

inline Fd open_read(const std::filesystem::path& p) {
    Fd f(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) throw LayoutError("cannot read " + p.string() + ": " + errno_text());
    return f;
}

inline Fd create_excl(const std::filesystem::path& p) {
    Fd f(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (f.fd < 0) throw LayoutError("cannot create " + p.string() + ": " + errno_text());
    return f;
}

inline void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& what) {
    const char* p = static_cast<const char*>(data);
    while (size) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LayoutError("cannot write " + what.string() + ": " + errno_text());
        p += n;
        size -= std::size_t(n);
    }
}

// read(2) without EINTR; 0 at the end.
inline std::size_t read_some(int fd, void* buf, std::size_t size, const std::filesystem::path& what) {
    for (;;) {
        const ssize_t n = ::read(fd, buf, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LayoutError("cannot read " + what.string() + ": " + errno_text());
        return std::size_t(n);
    }
}

// Data must be on disk before the rename makes it visible under its final name. EINVAL/EROFS:
// the filesystem cannot sync (some FUSE and special filesystems); nothing better can be done.
inline void sync_fd(int fd, const std::filesystem::path& what) {
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        throw LayoutError("cannot fsync " + what.string() + ": " + errno_text());
}

inline void sync_file(const std::filesystem::path& p) {
    Fd f = open_read(p);
    sync_fd(f.fd, p);
}

// So a rename survives a crash; best effort, as some filesystems refuse fsync on directories.
inline void sync_dir(const std::filesystem::path& p) {
    Fd f(::open(p.empty() ? "." : p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (f.fd >= 0) ::fsync(f.fd);
}

inline void make_dirs(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::create_directories(p, ec);
    if (ec) throw LayoutError("cannot create folder " + p.string() + ": " + ec.message());
}

// The folder a blob goes in (blobs/<algorithm>) below a layout's root, which must exist: never
// made again here, so a layout removed under a running copy (Ctrl-C's cleanup) stays removed.
inline void make_blob_folder(const std::filesystem::path& root, const std::filesystem::path& folder) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) throw LayoutError("layout folder " + root.string() + " is gone");
    for (const auto& p : {folder.parent_path(), folder}) {
        std::filesystem::create_directory(p, ec);
        if (ec) throw LayoutError("cannot create folder " + p.string() + ": " + ec.message());
    }
}

// The rename after the data is on disk; the tmp file is removed when it fails.
inline void commit_temp(const std::filesystem::path& tmp, const std::filesystem::path& target) {
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        const std::string why = errno_text();
        std::error_code ec;
        std::filesystem::remove_all(tmp, ec);
        throw LayoutError("cannot rename " + tmp.string() + " to " + target.string() + ": " + why);
    }
    sync_dir(target.parent_path());
}

// Removes a temp file (or folder) unless released (the rename happened).
struct TempGuard {
    std::filesystem::path path;
    TempGuard(const TempGuard&) = delete;
    TempGuard& operator=(const TempGuard&) = delete;
    explicit TempGuard(std::filesystem::path p) : path(std::move(p)) {}
    void release() { path.clear(); }
    ~TempGuard() {
        if (!path.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    }
};

// A file written whole or not at all (xbuild/fs.hpp), failures as LayoutError.
inline void write_file_atomic(const std::filesystem::path& target, std::string_view bytes) {
    try {
        xbuild::write_file_atomically(target.string(), bytes, 0644);
    } catch (const std::runtime_error& e) { throw LayoutError(e.what()); }
}

inline std::string read_file(const std::filesystem::path& p, std::size_t max_bytes) {
    Fd f = open_read(p);
    std::string out;
    char buf[1 << 16];
    while (const std::size_t n = read_some(f.fd, buf, sizeof buf, p)) {
        if (out.size() + n > max_bytes)
            throw LayoutError(p.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
        out.append(buf, n);
    }
    return out;
}

// A tar entry's name made relative and checked: no absolute paths, no "..", nothing empty.
// Returns "" for the archive's root ("./").
inline std::string safe_entry_path(std::string_view name) {
    if (name.empty() || name.front() == '/')
        throw LayoutError("tar entry '" + std::string(name) + "' has an absolute or empty path");
    std::string out;
    std::size_t i = 0;
    while (i <= name.size()) {
        std::size_t j = name.find('/', i);
        if (j == std::string_view::npos) j = name.size();
        const std::string_view part = name.substr(i, j - i);
        if (part == "..") throw LayoutError("tar entry '" + std::string(name) + "' leaves the folder (\"..\")");
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        i = j + 1;
    }
    return out;
}

// libarchive may have no message; std::string(nullptr) is undefined.
inline std::string archive_message(archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
}

// The compressions container tools write (Docker's DecompressStream reads the same four). Not
// filter_all: its uuencode and lrzip bidders could mistake an odd plain tar for their input.
inline void support_compressions(archive* a) {
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
}

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

// A tar read entry by entry; data comes in chunks (holes of sparse entries as zeros).
struct ArchiveReader {
    ArchivePtr a {archive_read_new(), &archive_read_free};
    std::filesystem::path path;
    explicit ArchiveReader(const std::filesystem::path& tar) : path(tar) {
        if (!a) throw LayoutError("libarchive could not start a reader");
        support_compressions(a.get());
        archive_read_support_format_tar(a.get());
        if (archive_read_open_filename(a.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK)
            throw LayoutError("cannot open tar " + tar.string() + ": " + archive_message(a.get()));
    }
    // The next entry, nullptr at the end.
    archive_entry* next() {
        archive_entry* e = nullptr;
        const int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) return nullptr;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            throw LayoutError("cannot read tar " + path.string() + ": " + archive_message(a.get()));
        return e;
    }
    // Calls sink(data, size) for the current entry's data, chunk by chunk.
    template <class Sink>
    void read_data(Sink&& sink) {
        std::unique_ptr<char[]> buf(new char[1 << 16]);
        for (;;) {
            const la_ssize_t n = archive_read_data(a.get(), buf.get(), 1 << 16);
            if (n == 0) return;
            if (n < 0) throw LayoutError("cannot read tar " + path.string() + ": " + archive_message(a.get()));
            sink(static_cast<const void*>(buf.get()), std::size_t(n));
        }
    }
};

// A tar written with everything that varies between machines fixed.
struct ArchiveWriter {
    ArchivePtr a {archive_write_new(), &archive_write_free};
    std::filesystem::path path;
    // pax_restricted: plain ustar headers unless a name or size needs pax, as docker's tars.
    explicit ArchiveWriter(const std::filesystem::path& p) : path(p) {
        if (!a) throw LayoutError("libarchive could not start a writer");
        archive_write_set_format_pax_restricted(a.get());
        if (archive_write_open_filename(a.get(), p.c_str()) != ARCHIVE_OK)
            throw LayoutError("cannot create " + p.string() + ": " + archive_message(a.get()));
    }
    [[noreturn]] void fail(const std::string& what) {
        throw LayoutError(what + " " + path.string() + ": " + archive_message(a.get()));
    }
    // mtime 0, root-owned, no user or group names, fixed modes.
    void header(const std::string& name, mode_t type, la_int64_t size) {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), type == AE_IFDIR ? 0755 : 0644);
        archive_entry_set_size(e.get(), type == AE_IFDIR ? 0 : size);
        archive_entry_set_mtime(e.get(), 0, 0);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) fail("cannot write a header for " + name + " in");
    }
    void data(const void* p, std::size_t n) {
        if (n && archive_write_data(a.get(), p, n) != la_ssize_t(n)) fail("cannot write");
    }
    void dir(const std::string& name) { header(name, AE_IFDIR, 0); }
    void file(const std::string& name, std::string_view bytes) {
        header(name, AE_IFREG, la_int64_t(bytes.size()));
        data(bytes.data(), bytes.size());
    }
    void file_from(const std::string& name, const std::filesystem::path& src) {
        Fd f = open_read(src);
        struct stat st {};
        if (::fstat(f.fd, &st) != 0) throw LayoutError("cannot stat " + src.string() + ": " + errno_text());
        header(name, AE_IFREG, la_int64_t(st.st_size));
        std::unique_ptr<char[]> buf(new char[1 << 16]);
        std::uint64_t done = 0;
        while (const std::size_t n = read_some(f.fd, buf.get(), 1 << 16, src)) {
            done += n;
            if (done > std::uint64_t(st.st_size)) break;
            data(buf.get(), n);
        }
        if (done != std::uint64_t(st.st_size)) throw LayoutError(src.string() + " changed size while it was archived");
    }
    void close() {
        if (archive_write_close(a.get()) != ARCHIVE_OK) fail("cannot finish");
    }
};

inline constexpr std::string_view layout_marker = "{\"imageLayoutVersion\":\"1.0.0\"}";

// image-layout.md's grammar for ref.name: component ("/" component)*, a component being
// alphanum (separator alphanum)*, separators - . _ : @ + and "--".
inline bool valid_ref_name(std::string_view name) {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    auto sep = [](char c) { return c == '-' || c == '.' || c == '_' || c == ':' || c == '@' || c == '+'; };
    if (name.empty()) return false;
    std::size_t i = 0;
    while (true) {
        // One component: starts and ends with alphanum; separators alone or "--".
        if (i >= name.size() || !alnum(name[i])) return false;
        while (i < name.size() && name[i] != '/') {
            if (alnum(name[i])) {
                ++i;
                continue;
            }
            if (!sep(name[i])) return false;
            std::size_t n = 1;
            if (name[i] == '-' && i + 1 < name.size() && name[i + 1] == '-') n = 2;
            i += n;
            if (i >= name.size() || !alnum(name[i])) return false;
        }
        if (i == name.size()) return true;
        ++i;  // past '/'
    }
}

inline bool has_ref_name(const Descriptor& d, const std::string& name) {
    const auto it = d.annotations.find(std::string(ref_name_annotation));
    return it != d.annotations.end() && it->second == name;
}

}  // namespace detail::layout_io

}  // namespace xbuild::oci
