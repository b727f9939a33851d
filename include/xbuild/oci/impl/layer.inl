// Implementation of xbuild/oci/layer.hpp: shared helpers and the writer (extraction is in
// layer_extract.inl).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clocale>
#include <locale.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <utility>

namespace xbuild::oci {

namespace detail {

// Chunk size for reading files and moving bytes between stages.
inline constexpr std::size_t layer_chunk = 1 << 16;

inline std::string errno_text(int err = errno) { return std::strerror(err); }

// An owned file descriptor.
class UniqueFd {
   public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

   private:
    int fd_ = -1;
};

inline void write_all(int fd, const void* data, std::size_t size, const std::string& what) {
    const char* p = static_cast<const char*>(data);
    while (size) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LayerError("cannot write " + what + ": " + errno_text());
        p += n;
        size -= std::size_t(n);
    }
}

// SOURCE_DATE_EPOCH as the reproducible-builds spec defines it: a decimal count of seconds.
inline std::int64_t layer_mtime(const LayerWriteOptions& options) {
    if (options.mtime) {
        if (*options.mtime < 0) throw LayerError("layer mtime must be >= 0, got " + std::to_string(*options.mtime));
        return *options.mtime;
    }
    const char* env = std::getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env) return 0;
    const std::string_view text(env);
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || value > (INT64_MAX - 9) / 10)
            throw LayerError("SOURCE_DATE_EPOCH must be a non-negative integer number of seconds, got '" +
                             std::string(text) + "'");
        value = value * 10 + (c - '0');
    }
    return value;
}

// "app", "/app/", "./app//x" -> "app/", "app/x/"; "" and "/" -> "".
inline std::string normalize_prefix(std::string_view prefix) {
    std::string out;
    std::size_t i = 0;
    while (i < prefix.size()) {
        std::size_t j = prefix.find('/', i);
        if (j == std::string_view::npos) j = prefix.size();
        const std::string_view part = prefix.substr(i, j - i);
        if (part == "..")
            throw LayerError("layer prefix '" + std::string(prefix) +
                             "' has a '..' component: it must stay inside the layer");
        if (!part.empty() && part != ".") out.append(part).push_back('/');
        i = j + 1;
    }
    return out;
}

// The sink libarchive's tar output goes to: gzip_stream.hpp's stream (or the plain tar), hashed on both
// sides, into the temporary file.
class LayerSink {
   public:
    LayerSink(int fd, const std::string& what, bool gzip, int level)
        : gz_([fd, what](const void* p, std::size_t n) { write_all(fd, p, n, what); }, level, what, gzip),
          gzip_(gzip) {}

    void write(const void* data, std::size_t size) { gz_.write(data, size); }

    // Ends the stream; returns what was written.
    LayerInfo finish() {
        const HashedGzipSums s = gz_.finish();
        LayerInfo info;
        info.uncompressed_size = s.uncompressed_size;
        info.size = s.size;
        info.diff_id = s.diff_id;
        info.digest = s.digest;
        info.compression = gzip_ ? LayerCompression::gzip : LayerCompression::none;
        return info;
    }

   private:
    HashedGzip<LayerError> gz_;
    bool gzip_;
};

struct ArchiveWriteDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};

// libarchive calls back through C frames, which exceptions must not cross: the callback keeps
// the first one and returns -1, and the caller rethrows it.
struct WriteContext {
    LayerSink* sink = nullptr;
    std::exception_ptr error;
};

inline la_ssize_t layer_write_callback(archive*, void* client, const void* buffer, size_t length) {
    auto* ctx = static_cast<WriteContext*>(client);
    try {
        ctx->sink->write(buffer, length);
        return la_ssize_t(length);
    } catch (...) {
        if (!ctx->error) ctx->error = std::current_exception();
        return -1;
    }
}

struct SourceEntry {
    std::string rel;  // path below the source directory, '/'-separated
    struct stat st {};
};

// Every entry below `dir`, not following symlinks, sorted bytewise by path.
inline std::vector<SourceEntry> collect_tree(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::vector<SourceEntry> entries;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
    if (ec) throw LayerError("cannot read layer source " + dir.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw LayerError("cannot read layer source " + dir.string() + ": " + ec.message());
        SourceEntry e;
        e.rel = it->path().lexically_relative(dir).generic_string();
        if (::lstat(it->path().c_str(), &e.st) != 0)
            throw LayerError("cannot stat " + it->path().string() + ": " + errno_text());
        entries.push_back(std::move(e));
    }
    if (ec) throw LayerError("cannot read layer source " + dir.string() + ": " + ec.message());
    std::sort(entries.begin(), entries.end(), [](const SourceEntry& a, const SourceEntry& b) { return a.rel < b.rel; });
    return entries;
}

inline std::string read_symlink(const std::filesystem::path& p, std::size_t hint) {
    std::string target(std::max<std::size_t>(hint, 64) + 1, '\0');
    for (;;) {
        const ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
        if (n < 0) throw LayerError("cannot read symlink " + p.string() + ": " + errno_text());
        if (std::size_t(n) < target.size()) {
            target.resize(std::size_t(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

class TarWriter {
   public:
    TarWriter(WriteContext& ctx, const std::string& what) : a_(archive_write_new()), what_(what), ctx_(ctx) {
        if (!a_) throw LayerError("libarchive could not start a tar writer");
        // Unblocked: no padding to a 10240-byte record, so the tar ends right after its two zero
        // blocks (as Go's archive/tar writes layers), and each write reaches the sink directly.
        if (archive_write_set_format_pax_restricted(a_.get()) != ARCHIVE_OK ||
            archive_write_add_filter_none(a_.get()) != ARCHIVE_OK ||
            archive_write_set_bytes_per_block(a_.get(), 0) != ARCHIVE_OK)
            fail("cannot set up the tar format");
        if (archive_write_open(a_.get(), &ctx_, nullptr, &layer_write_callback, nullptr) != ARCHIVE_OK)
            fail("cannot start the tar stream");
    }

    void header(archive_entry* e, const std::string& path) {
        const int rc = archive_write_header(a_.get(), e);
        if (rc < ARCHIVE_WARN) fail("cannot write the tar header of '" + path + "'");
    }
    void data(const void* buf, std::size_t n, const std::string& path) {
        if (archive_write_data(a_.get(), buf, n) < 0) fail("cannot write the data of '" + path + "'");
    }
    void close() {
        if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("cannot finish the tar stream");
    }

   private:
    [[noreturn]] void fail(const std::string& msg) {
        if (ctx_.error) std::rethrow_exception(ctx_.error);
        const char* why = archive_error_string(a_.get());
        throw LayerError(what_ + ": " + msg + (why ? std::string(": ") + why : std::string()));
    }

    std::unique_ptr<archive, ArchiveWriteDeleter> a_;
    std::string what_;
    WriteContext& ctx_;
};

struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// libarchive converts names from the locale's charset to the pax header's UTF-8: in "C" a
// non-ASCII name fails and is marked hdrcharset=BINARY (GNU tar warns), and under setlocale the
// bytes would depend on the user's locale. So the writing thread uses C.UTF-8 for its duration
// (uselocale is per thread; the process's locale is untouched). Without that locale installed,
// names are written as in "C".
class Utf8Locale {
   public:
    Utf8Locale() : loc_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr))) {
        if (loc_) old_ = ::uselocale(loc_);
    }
    ~Utf8Locale() {
        if (!loc_) return;
        ::uselocale(old_);
        ::freelocale(loc_);
    }
    Utf8Locale(const Utf8Locale&) = delete;
    Utf8Locale& operator=(const Utf8Locale&) = delete;

   private:
    locale_t loc_;
    locale_t old_ = nullptr;
};

// Names go in as UTF-8 (a plain pax "path" record); bytes that are not UTF-8 stay as they are.
inline void set_name(archive_entry* e, const std::string& name, int (*utf8)(archive_entry*, const char*),
                     void (*bytes)(archive_entry*, const char*)) {
    if (!utf8(e, name.c_str())) bytes(e, name.c_str());
}

inline std::unique_ptr<archive_entry, EntryDeleter> new_entry(const std::string& path, mode_t type, mode_t perm,
                                                              std::int64_t mtime) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    if (!e) throw LayerError("out of memory for a tar entry");
    set_name(e.get(), path, &archive_entry_update_pathname_utf8, &archive_entry_copy_pathname);
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), perm & 07777);
    archive_entry_set_mtime(e.get(), time_t(mtime), 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    return e;
}

// Streams one regular file's bytes into the tar: exactly the size its header announced.
inline void write_file_entry(TarWriter& tar, const std::filesystem::path& file, const SourceEntry& src,
                             const std::string& path, std::int64_t mtime, std::vector<char>& buf) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw LayerError("cannot read " + file.string() + ": " + errno_text());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != src.st.st_ino)
        throw LayerError(file.string() + " changed while the layer was being written");
    auto e = new_entry(path, AE_IFREG, st.st_mode, mtime);
    archive_entry_set_size(e.get(), st.st_size);
    tar.header(e.get(), path);
    std::int64_t left = st.st_size;
    while (left > 0) {
        const ssize_t n =
            ::read(fd.get(), buf.data(), std::size_t(std::min<std::int64_t>(left, std::int64_t(buf.size()))));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw LayerError("cannot read " + file.string() + ": " + errno_text());
        if (n == 0) throw LayerError(file.string() + " shrank while the layer was being written");
        tar.data(buf.data(), std::size_t(n), path);
        left -= n;
    }
}

// The temporary file a layer is written to, removed unless committed.
struct TempFile {
    std::string path;
    UniqueFd fd;
    bool committed = false;
    ~TempFile() {
        if (!committed && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace detail

inline std::string_view to_string(EntryType type) {
    switch (type) {
        case EntryType::file: return "file";
        case EntryType::directory: return "directory";
        case EntryType::symlink: return "symlink";
        case EntryType::hardlink: return "hardlink";
        case EntryType::char_device: return "character device";
        case EntryType::block_device: return "block device";
        case EntryType::fifo: return "fifo";
        case EntryType::socket: return "socket";
        case EntryType::other: break;
    }
    return "other";
}

inline std::string layer_media_type(LayerCompression compression, MediaTypeFamily family) {
    if (family == MediaTypeFamily::docker) {
        if (compression == LayerCompression::gzip) return std::string(media_type::docker_layer_gzip);
        throw LayerError(
            "Docker image manifests have no media type for an uncompressed or zstd layer: "
            "use gzip, or the OCI media types");
    }
    switch (compression) {
        case LayerCompression::none: return std::string(media_type::oci_layer);
        case LayerCompression::gzip: return std::string(media_type::oci_layer_gzip);
        case LayerCompression::zstd: return std::string(media_type::oci_layer_zstd);
    }
    return std::string(media_type::oci_layer);
}

inline Descriptor LayerInfo::descriptor() const {
    Descriptor d;
    d.media_type = media_type;
    d.digest = digest;
    d.size = size;
    return d;
}

inline LayerInfo write_layer(const std::filesystem::path& source_dir, const std::filesystem::path& dest,
                             const LayerWriteOptions& options) {
    namespace fs = std::filesystem;
    if (options.compression == LayerCompression::zstd)
        throw LayerError("writing zstd layers is not supported: use gzip or none");
    if (options.level < 0 || options.level > 9)
        throw LayerError("gzip level must be 0..9, got " + std::to_string(options.level));
    const std::string media_type = layer_media_type(options.compression, options.family);
    const std::int64_t mtime = detail::layer_mtime(options);
    const std::string prefix = detail::normalize_prefix(options.prefix);
    struct stat root_st {};
    if (::stat(source_dir.c_str(), &root_st) != 0)
        throw LayerError("cannot read layer source " + source_dir.string() + ": " + detail::errno_text());
    if (!S_ISDIR(root_st.st_mode)) throw LayerError("layer source " + source_dir.string() + " is not a directory");
    const std::vector<detail::SourceEntry> entries = detail::collect_tree(source_dir);

    const detail::Utf8Locale utf8;  // before libarchive first asks for the charset
    detail::TempFile tmp;
    const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    std::string templ = (parent / ("." + dest.filename().string() + ".tmp-XXXXXX")).string();
    tmp.fd.reset(::mkstemp(templ.data()));
    if (!tmp.fd)
        throw LayerError("cannot create a temporary file beside " + dest.string() + ": " + detail::errno_text());
    tmp.path = templ;
    ::fchmod(tmp.fd.get(), 0644);  // blobs are world-readable, like any other written file

    detail::LayerSink sink(tmp.fd.get(), dest.string(), options.compression == LayerCompression::gzip, options.level);
    detail::WriteContext ctx {&sink, nullptr};
    detail::TarWriter tar(ctx, "layer " + dest.string());

    // The prefix's own directories first (they sort before everything below them).
    for (std::size_t slash = prefix.find('/'); slash != std::string::npos; slash = prefix.find('/', slash + 1)) {
        const std::string dir = prefix.substr(0, slash + 1);
        tar.header(detail::new_entry(dir, AE_IFDIR, 0755, mtime).get(), dir);
    }
    std::map<std::pair<dev_t, ino_t>, std::string> first_links;  // inode -> the path carrying its data
    std::vector<char> buf(detail::layer_chunk);
    for (const detail::SourceEntry& src : entries) {
        const fs::path file = source_dir / src.rel;
        const std::string path = prefix + src.rel;
        const mode_t fmt = src.st.st_mode & S_IFMT;
        if (fmt == S_IFDIR) {
            tar.header(detail::new_entry(path + "/", AE_IFDIR, src.st.st_mode, mtime).get(), path);
        } else if (fmt == S_IFLNK) {
            auto e = detail::new_entry(path, AE_IFLNK, 0777, mtime);
            const std::string target = detail::read_symlink(file, std::size_t(src.st.st_size));
            detail::set_name(e.get(), target, &archive_entry_update_symlink_utf8, &archive_entry_copy_symlink);
            tar.header(e.get(), path);
        } else if (fmt == S_IFREG) {
            if (src.st.st_nlink > 1) {
                auto [it, first] = first_links.emplace(std::make_pair(src.st.st_dev, src.st.st_ino), path);
                if (!first) {
                    auto e = detail::new_entry(path, AE_IFREG, src.st.st_mode, mtime);
                    detail::set_name(e.get(), it->second, &archive_entry_update_hardlink_utf8,
                                     &archive_entry_copy_hardlink);
                    archive_entry_set_size(e.get(), 0);
                    tar.header(e.get(), path);
                    continue;
                }
            }
            detail::write_file_entry(tar, file, src, path, mtime, buf);
        } else {
            const char* kind = fmt == S_IFCHR    ? "a character device"
                               : fmt == S_IFBLK  ? "a block device"
                               : fmt == S_IFIFO  ? "a FIFO"
                               : fmt == S_IFSOCK ? "a socket"
                                                 : "a special file";
            throw LayerError("cannot put " + file.string() + " in a layer: it is " + kind +
                             "; layers hold regular files, directories, symlinks and hardlinks");
        }
    }
    tar.close();
    LayerInfo info = sink.finish();
    info.media_type = media_type;
    if (::fsync(tmp.fd.get()) != 0) throw LayerError("cannot write " + dest.string() + ": " + detail::errno_text());
    tmp.fd.reset();
    if (::rename(tmp.path.c_str(), dest.c_str()) != 0)
        throw LayerError("cannot rename " + tmp.path + " to " + dest.string() + ": " + detail::errno_text());
    tmp.committed = true;
    return info;
}

}  // namespace xbuild::oci
