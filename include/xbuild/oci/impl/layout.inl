// Implementation of xbuild/oci/layout.hpp.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <type_traits>

namespace xbuild::oci {

namespace detail {

// to_json may hand back text or a json value; we always want the text.
template <class T>
std::string json_text(const T& value) {
    auto j = to_json(value);
    if constexpr (std::is_same_v<std::decay_t<decltype(j)>, std::string>)
        return j;
    else
        return j.dump();
}

inline std::string errno_text() { return std::strerror(errno); }

// A name no other writer (thread or process) picks: pid plus random bits.
inline std::filesystem::path temp_beside(const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    const std::string name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(rd()) + "-" + std::to_string(counter++);
    return target.parent_path() / name;
}

// An fd that closes itself.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

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

inline void fsync_path(const std::filesystem::path& p, bool directory) {
    Fd f(::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC));
    if (f.fd >= 0) ::fsync(f.fd);  // best effort on directories: some filesystems refuse
}

// The rename after the data is on disk; the directory is synced so the new name survives a crash.
inline void commit_temp(const std::filesystem::path& tmp, const std::filesystem::path& target) {
    std::error_code ec;
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw LayoutError("cannot rename into " + target.string() + ": " + ec.message());
    }
    fsync_path(target.parent_path(), true);
}

// A file written whole or not at all.
inline void write_file_atomic(const std::filesystem::path& target, std::string_view bytes) {
    const std::filesystem::path tmp = temp_beside(target);
    {
        Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (f.fd < 0) throw LayoutError("cannot create " + tmp.string() + ": " + errno_text());
        try {
            write_all(f.fd, bytes.data(), bytes.size(), tmp);
            if (::fsync(f.fd) != 0) throw LayoutError("cannot fsync " + tmp.string() + ": " + errno_text());
        } catch (...) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw;
        }
    }
    commit_temp(tmp, target);
}

inline std::string read_file(const std::filesystem::path& p, std::size_t max_bytes) {
    Fd f(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) throw LayoutError("cannot read " + p.string() + ": " + errno_text());
    std::string out;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LayoutError("cannot read " + p.string() + ": " + errno_text());
        if (n == 0) break;
        if (out.size() + std::size_t(n) > max_bytes)
            throw LayoutError(p.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
        out.append(buf, std::size_t(n));
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

// libarchive handles, freed on every path out.
struct ArchiveReader {
    archive* a = archive_read_new();
    ~ArchiveReader() { archive_read_free(a); }
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;
    explicit ArchiveReader(const std::filesystem::path& tar) {
        if (!a) throw LayoutError("libarchive could not start a reader");
        archive_read_support_filter_all(a);
        archive_read_support_format_tar(a);
        if (archive_read_open_filename(a, tar.c_str(), 1 << 16) != ARCHIVE_OK)
            throw LayoutError("cannot open tar " + tar.string() + ": " + archive_error_string(a));
    }
    // The next entry, nullptr at the end.
    archive_entry* next(const std::filesystem::path& tar) {
        archive_entry* e = nullptr;
        const int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) return nullptr;
        if (r < ARCHIVE_WARN) throw LayoutError("cannot read tar " + tar.string() + ": " + archive_error_string(a));
        return e;
    }
    // Calls sink(data, size) for the current entry's data, block by block.
    template <class Sink>
    void read_data(const std::filesystem::path& tar, Sink&& sink) {
        for (;;) {
            const void* buf = nullptr;
            std::size_t size = 0;
            la_int64_t offset = 0;
            const int r = archive_read_data_block(a, &buf, &size, &offset);
            if (r == ARCHIVE_EOF) return;
            if (r < ARCHIVE_WARN) throw LayoutError("cannot read tar " + tar.string() + ": " + archive_error_string(a));
            if (size) sink(buf, size);
        }
    }
};

struct ArchiveWriter {
    archive* a = archive_write_new();
    std::filesystem::path path;
    bool closed = false;
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;
    // pax_restricted: plain ustar headers unless a name or size needs pax, as docker's tars.
    explicit ArchiveWriter(const std::filesystem::path& p) : path(p) {
        if (!a) throw LayoutError("libarchive could not start a writer");
        archive_write_set_format_pax_restricted(a);
        if (archive_write_open_filename(a, p.c_str()) != ARCHIVE_OK)
            throw LayoutError("cannot create " + p.string() + ": " + archive_error_string(a));
    }
    ~ArchiveWriter() {
        if (!closed) archive_write_close(a);
        archive_write_free(a);
    }
    void fail(const std::string& what) { throw LayoutError(what + " " + path.string() + ": " + archive_error_string(a)); }
    // A header with everything that varies between machines fixed: mtime 0, root, no names.
    void header(const std::string& name, mode_t type, la_int64_t size) {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), type == AE_IFDIR ? 0755 : 0644);
        archive_entry_set_size(e.get(), type == AE_IFDIR ? 0 : size);
        archive_entry_set_mtime(e.get(), 0, 0);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        if (archive_write_header(a, e.get()) != ARCHIVE_OK) fail("cannot write a header for " + name + " in");
    }
    void data(const void* p, std::size_t n) {
        if (n && archive_write_data(a, p, n) < 0) fail("cannot write");
    }
    void dir(const std::string& name) { header(name, AE_IFDIR, 0); }
    void file(const std::string& name, std::string_view bytes) {
        header(name, AE_IFREG, la_int64_t(bytes.size()));
        data(bytes.data(), bytes.size());
    }
    void file_from(const std::string& name, const std::filesystem::path& src) {
        Fd f(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
        if (f.fd < 0) throw LayoutError("cannot read " + src.string() + ": " + errno_text());
        const auto size = std::filesystem::file_size(src);
        header(name, AE_IFREG, la_int64_t(size));
        char buf[1 << 16];
        std::uint64_t done = 0;
        for (;;) {
            const ssize_t n = ::read(f.fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw LayoutError("cannot read " + src.string() + ": " + errno_text());
            if (n == 0) break;
            data(buf, std::size_t(n));
            done += std::uint64_t(n);
        }
        if (done != size) throw LayoutError(src.string() + " changed size while it was archived");
    }
    void close() {
        closed = true;
        if (archive_write_close(a) != ARCHIVE_OK) fail("cannot finish");
    }
};

// Removes a temp file unless released (the rename happened).
struct TempGuard {
    std::filesystem::path path;
    ~TempGuard() {
        if (!path.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    }
};

inline constexpr std::string_view layout_marker = "{\"imageLayoutVersion\":\"1.0.0\"}";

inline bool is_index_type(std::string_view mt) {
    return mt == media_type::oci_index || mt == media_type::docker_manifest_list;
}
inline bool is_manifest_type(std::string_view mt) {
    return mt == media_type::oci_manifest || mt == media_type::docker_manifest;
}

}  // namespace detail

inline Layout Layout::create(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::exists(dir, ec)) {
        if (!std::filesystem::is_directory(dir, ec))
            throw LayoutError("cannot create a layout at " + dir.string() + ": it is not a folder");
        if (!std::filesystem::is_empty(dir, ec))
            throw LayoutError("cannot create a layout in " + dir.string() + ": the folder is not empty");
    }
    std::filesystem::create_directories(dir / "blobs" / "sha256", ec);
    if (ec) throw LayoutError("cannot create " + (dir / "blobs").string() + ": " + ec.message());
    Layout l(dir);
    Index empty;
    empty.schema_version = 2;
    empty.media_type = std::string(media_type::oci_index);
    l.set_index(empty);
    // oci-layout last: a folder without it is not (yet) a layout, as open() says.
    detail::write_file_atomic(dir / "oci-layout", detail::layout_marker);
    return l;
}

inline Layout Layout::open(const std::filesystem::path& dir) {
    const std::filesystem::path marker = dir / "oci-layout";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(marker, ec))
        throw LayoutError(dir.string() + " is not an OCI image layout: it has no oci-layout file");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(detail::read_file(marker, 1 << 16));
    } catch (const nlohmann::json::exception& e) {
        throw LayoutError(marker.string() + " is not JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains("imageLayoutVersion") || !j["imageLayoutVersion"].is_string())
        throw LayoutError(marker.string() + " has no imageLayoutVersion string");
    const std::string version = j["imageLayoutVersion"].get<std::string>();
    if (version != "1.0.0")
        throw LayoutError(marker.string() + ": imageLayoutVersion " + version + " is not supported (1.0.0 is)");
    if (!std::filesystem::is_regular_file(dir / "index.json", ec))
        throw LayoutError(dir.string() + " is not a complete OCI image layout: it has no index.json");
    return Layout(dir);
}

inline std::filesystem::path Layout::blob_path(const Digest& d) const {
    // Re-parsed so a hand-made Digest cannot name a path outside blobs/.
    const Digest checked = Digest::parse(d.str());
    return dir_ / "blobs" / checked.algorithm / checked.encoded;
}

inline bool Layout::has_blob(const Digest& d) const {
    std::error_code ec;
    return std::filesystem::is_regular_file(blob_path(d), ec);
}

inline std::filesystem::path Layout::temp_path() const { return detail::temp_beside(dir_ / "blobs" / "upload"); }

inline Descriptor Layout::put_blob(std::string_view bytes, std::string media_type) {
    Descriptor d;
    d.media_type = std::move(media_type);
    d.digest = sha256_of(bytes);
    d.size = std::int64_t(bytes.size());
    if (!has_blob(d.digest)) {
        std::filesystem::create_directories(blob_path(d.digest).parent_path());
        detail::write_file_atomic(blob_path(d.digest), bytes);
    }
    return d;
}

inline Descriptor Layout::adopt_blob_file(const std::filesystem::path& tmp, std::string media_type, const Digest& digest) {
    Descriptor d;
    d.media_type = std::move(media_type);
    d.digest = digest;
    d.size = std::int64_t(std::filesystem::file_size(tmp));
    const std::filesystem::path target = blob_path(digest);
    std::filesystem::create_directories(target.parent_path());
    detail::fsync_path(tmp, false);
    detail::commit_temp(tmp, target);
    return d;
}

inline Descriptor Layout::put_blob_file(const std::filesystem::path& file, std::string media_type,
                                        const std::optional<Digest>& expected) {
    if (expected) {
        const Digest got = digest_file(file, expected->algorithm);
        if (got != *expected)
            throw LayoutError(file.string() + " has digest " + got.str() + ", not the expected " + expected->str());
        if (has_blob(got)) {
            Descriptor d;
            d.media_type = std::move(media_type);
            d.digest = got;
            d.size = std::int64_t(std::filesystem::file_size(file));
            return d;
        }
        const std::filesystem::path tmp = temp_path();
        std::error_code ec;
        std::filesystem::create_hard_link(file, tmp, ec);  // fails across filesystems: then copy
        if (!ec) return adopt_blob_file(tmp, std::move(media_type), got);
    }
    // Copy while hashing, so the digest is of exactly the bytes stored.
    const std::filesystem::path tmp = temp_path();
    detail::TempGuard guard{tmp};
    Hasher h(expected ? expected->algorithm : "sha256");
    {
        detail::Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (in.fd < 0) throw LayoutError("cannot read " + file.string() + ": " + detail::errno_text());
        detail::Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (out.fd < 0) throw LayoutError("cannot create " + tmp.string() + ": " + detail::errno_text());
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(in.fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw LayoutError("cannot read " + file.string() + ": " + detail::errno_text());
            if (n == 0) break;
            h.update(buf, std::size_t(n));
            detail::write_all(out.fd, buf, std::size_t(n), tmp);
        }
        if (::fsync(out.fd) != 0) throw LayoutError("cannot fsync " + tmp.string() + ": " + detail::errno_text());
    }
    const Digest got = h.finish();
    if (expected && got != *expected)
        throw LayoutError(file.string() + " changed while copied: digest " + got.str() + ", not " + expected->str());
    if (has_blob(got)) {  // the temp file is dropped by the guard
        Descriptor d;
        d.media_type = std::move(media_type);
        d.digest = got;
        d.size = std::int64_t(std::filesystem::file_size(tmp));
        return d;
    }
    Descriptor d = adopt_blob_file(tmp, std::move(media_type), got);
    guard.path.clear();
    return d;
}

inline std::string Layout::read_blob(const Digest& d, std::size_t max_bytes) const {
    const std::filesystem::path p = blob_path(d);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) throw LayoutError("blob " + d.str() + " is missing from " + dir_.string());
    std::string bytes = detail::read_file(p, max_bytes);
    const Digest got = digest_like(d, bytes);
    if (got != d) throw LayoutError("blob " + d.str() + " in " + dir_.string() + " is corrupt: its content hashes to " + got.str());
    return bytes;
}

inline Index Layout::index() const {
    const std::string text = detail::read_file(dir_ / "index.json", 64 << 20);
    try {
        return parse_index(text);
    } catch (const std::exception& e) {
        throw LayoutError((dir_ / "index.json").string() + ": " + e.what());
    }
}

inline void Layout::set_index(const Index& idx) { detail::write_file_atomic(dir_ / "index.json", detail::json_text(idx)); }

inline void Layout::tag(const Descriptor& d, const std::string& name) {
    if (name.empty()) throw LayoutError("cannot tag " + d.digest.str() + " with an empty name");
    Index idx = index();
    std::erase_if(idx.manifests, [&](const Descriptor& m) {
        const auto it = m.annotations.find(std::string(ref_name_annotation));
        return it != m.annotations.end() && it->second == name;
    });
    Descriptor named = d;
    named.annotations[std::string(ref_name_annotation)] = name;
    idx.manifests.push_back(std::move(named));
    set_index(idx);
}

inline std::optional<Descriptor> Layout::find(const std::string& name) const {
    for (const Descriptor& m : index().manifests) {
        const auto it = m.annotations.find(std::string(ref_name_annotation));
        if (it != m.annotations.end() && it->second == name) return m;
    }
    return std::nullopt;
}

inline std::vector<std::string> Layout::verify() const {
    std::vector<std::string> problems;
    std::set<std::string> seen;
    // Checks one blob's existence, size and digest; returns its bytes when it should be read on
    // (a manifest or index), "" otherwise.
    auto check = [&](const Descriptor& d, const std::string& from, bool want_bytes) -> std::optional<std::string> {
        const std::string name = d.digest.str() + " (" + d.media_type + ", from " + from + ")";
        std::filesystem::path p;
        try {
            p = blob_path(d.digest);
        } catch (const std::exception& e) {
            problems.push_back("bad digest " + name + ": " + e.what());
            return std::nullopt;
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec)) {
            problems.push_back("missing blob " + name);
            return std::nullopt;
        }
        const auto size = std::filesystem::file_size(p, ec);
        if (ec || std::int64_t(size) != d.size) {
            problems.push_back("size mismatch for blob " + name + ": descriptor says " + std::to_string(d.size) +
                               ", file has " + std::to_string(size));
            return std::nullopt;
        }
        try {
            if (want_bytes) return read_blob(d.digest);
            if (digest_file(p, d.digest.algorithm) != d.digest) problems.push_back("corrupt blob " + name);
        } catch (const std::exception& e) {
            problems.push_back("corrupt blob " + name + ": " + e.what());
        }
        return std::nullopt;
    };
    Index top;
    try {
        top = index();
    } catch (const std::exception& e) {
        problems.push_back(e.what());
        return problems;
    }
    // Work list of (descriptor, where it was referenced).
    std::vector<std::pair<Descriptor, std::string>> todo;
    for (const Descriptor& m : top.manifests) todo.emplace_back(m, "index.json");
    while (!todo.empty()) {
        auto [d, from] = std::move(todo.back());
        todo.pop_back();
        if (!seen.insert(d.digest.str() + " " + std::to_string(d.size)).second) continue;
        const bool nested = detail::is_index_type(d.media_type) || detail::is_manifest_type(d.media_type);
        const auto bytes = check(d, from, nested);
        if (!bytes) continue;
        try {
            if (detail::is_index_type(d.media_type)) {
                for (const Descriptor& m : parse_index(*bytes).manifests) todo.emplace_back(m, d.digest.str());
            } else {
                const Manifest man = parse_manifest(*bytes);
                todo.emplace_back(man.config, d.digest.str());
                for (const Descriptor& l : man.layers) todo.emplace_back(l, d.digest.str());
            }
        } catch (const std::exception& e) {
            problems.push_back("unreadable " + d.media_type + " " + d.digest.str() + ": " + e.what());
        }
    }
    return problems;
}

inline void write_layout_tar(const Layout& layout, const std::filesystem::path& out) {
    // Blobs sorted by path: directory iteration order differs between filesystems.
    std::vector<std::string> dirs, files;
    const std::filesystem::path blobs = layout.dir() / "blobs";
    for (auto it = std::filesystem::recursive_directory_iterator(blobs); it != std::filesystem::recursive_directory_iterator(); ++it) {
        const std::string rel = "blobs/" + std::filesystem::relative(it->path(), blobs).generic_string();
        if (it->path().filename().string().starts_with(".")) continue;  // our own temp files
        if (it->is_directory()) dirs.push_back(rel + "/");
        else if (it->is_regular_file()) files.push_back(rel);
        else throw LayoutError(it->path().string() + " is neither a file nor a folder; a layout holds only blobs");
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(files.begin(), files.end());
    const std::filesystem::path tmp = detail::temp_beside(out);
    detail::TempGuard guard{tmp};
    {
        detail::ArchiveWriter w(tmp);
        w.file("oci-layout", detail::read_file(layout.dir() / "oci-layout", 1 << 16));
        w.file("index.json", detail::read_file(layout.dir() / "index.json", 64 << 20));
        w.dir("blobs/");
        for (const std::string& d : dirs) w.dir(d);
        for (const std::string& f : files) w.file_from(f, layout.dir() / f);
        w.close();
    }
    detail::fsync_path(tmp, false);
    detail::commit_temp(tmp, out);
    guard.path.clear();
}

inline Layout read_layout_tar(const std::filesystem::path& tar, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    detail::ArchiveReader r(tar);
    while (archive_entry* e = r.next(tar)) {
        const char* raw = archive_entry_pathname(e);
        const std::string rel = detail::safe_entry_path(raw ? raw : "");
        const auto type = archive_entry_filetype(e);
        if (rel.empty()) continue;
        const std::filesystem::path target = dir / rel;
        if (type == AE_IFDIR) {
            std::filesystem::create_directories(target);
            continue;
        }
        if (type != AE_IFREG)
            throw LayoutError("tar " + tar.string() + ": entry '" + rel + "' is not a file or folder (links are refused)");
        std::filesystem::create_directories(target.parent_path());
        // Through a temp file, so a truncated tar leaves no wrong blob under a digest's name.
        const std::filesystem::path tmp = detail::temp_beside(target);
        detail::TempGuard guard{tmp};
        {
            detail::Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
            if (f.fd < 0) throw LayoutError("cannot create " + tmp.string() + ": " + detail::errno_text());
            r.read_data(tar, [&](const void* p, std::size_t n) { detail::write_all(f.fd, p, n, tmp); });
        }
        detail::commit_temp(tmp, target);
        guard.path.clear();
    }
    return Layout::open(dir);
}

}  // namespace xbuild::oci
