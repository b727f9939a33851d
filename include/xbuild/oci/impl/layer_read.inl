// Implementation of xbuild/oci/layer.hpp: reading layers (the two-stage reader, list, inspect) and
// the path helpers extraction shares.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <set>

namespace xbuild::oci {

namespace detail {

struct ArchiveReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};

// Two libarchive readers in a row, so one pass over the file gives both digests: the outer one
// only decompresses (format "raw") and its reads, hashed, are the tar the inner one parses.
// The file's own bytes are hashed as the outer reader pulls them.
class LayerReader {
   public:
    explicit LayerReader(const std::filesystem::path& file, std::string_view digest_algorithm = "sha256")
        : what_("layer " + file.string()), digest_(digest_algorithm), in_(layer_chunk), raw_(layer_chunk) {
        fd_.reset(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd_) throw LayerError("cannot read " + what_ + ": " + errno_text());
        outer_.reset(archive_read_new());
        inner_.reset(archive_read_new());
        if (!outer_ || !inner_) throw LayerError("libarchive could not start a reader for " + what_);
        // Only the compressions layers use, and only built in: ARCHIVE_WARN would mean running an
        // external program on untrusted bytes.
        if (archive_read_support_filter_gzip(outer_.get()) != ARCHIVE_OK ||
            archive_read_support_filter_zstd(outer_.get()) != ARCHIVE_OK)
            throw LayerError("this libarchive was built without zlib or zstd; cannot read " + what_);
        archive_read_support_format_raw(outer_.get());
        archive_read_support_format_empty(outer_.get());
        if (archive_read_open(outer_.get(), this, nullptr, &LayerReader::read_file, nullptr) != ARCHIVE_OK)
            fail(outer_.get(), "cannot read");
        archive_entry* raw = nullptr;
        const int rc = archive_read_next_header(outer_.get(), &raw);
        if (rc == ARCHIVE_EOF) raw_eof_ = true;
        else if (rc < ARCHIVE_WARN) fail(outer_.get(), "cannot decompress");
        archive_read_support_format_tar(inner_.get());
        archive_read_support_format_empty(inner_.get());
        if (archive_read_open(inner_.get(), this, nullptr, &LayerReader::read_raw, nullptr) != ARCHIVE_OK)
            fail(inner_.get(), "not a tar archive");
    }

    archive* tar() { return inner_.get(); }
    const std::string& what() const { return what_; }

    // The next entry, nullptr after the last.
    archive_entry* next() {
        archive_entry* e = nullptr;
        const int rc = archive_read_next_header(inner_.get(), &e);
        if (rc == ARCHIVE_EOF) return nullptr;
        if (rc < ARCHIVE_WARN) fail(inner_.get(), "damaged after entry #" + std::to_string(count_));
        ++count_;
        return e;
    }

    // Reads what is left (bytes after the tar's end still belong to the blob) and gives the sums.
    LayerInfo finish() {
        for (;;) {
            if (raw_eof_) break;
            const la_ssize_t n = archive_read_data(outer_.get(), raw_.data(), raw_.size());
            if (n < 0) fail(outer_.get(), "cannot decompress");
            if (n == 0) break;
            diff_.update(raw_.data(), std::size_t(n));
        }
        for (;;) {
            const ssize_t n = ::read(fd_.get(), in_.data(), in_.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw LayerError("cannot read " + what_ + ": " + errno_text());
            if (n == 0) break;
            digest_.update(in_.data(), std::size_t(n));
        }
        LayerInfo info;
        const int filter = archive_filter_code(outer_.get(), 0);
        info.compression = filter == ARCHIVE_FILTER_GZIP   ? LayerCompression::gzip
                           : filter == ARCHIVE_FILTER_ZSTD ? LayerCompression::zstd
                                                           : LayerCompression::none;
        info.size = std::int64_t(digest_.size());
        info.uncompressed_size = std::int64_t(diff_.size());
        info.digest = digest_.finish();
        info.diff_id = diff_.finish();
        return info;
    }

   private:
    [[noreturn]] void fail(archive* a, const std::string& msg) {
        const char* why = archive_error_string(a);
        throw LayerError(what_ + ": " + msg + (why ? std::string(": ") + why : std::string()) +
                         " (a layer is a tar, gzip- or zstd-compressed or not)");
    }

    static la_ssize_t read_file(archive* a, void* client, const void** buffer) {
        auto* self = static_cast<LayerReader*>(client);
        for (;;) {
            const ssize_t n = ::read(self->fd_.get(), self->in_.data(), self->in_.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                archive_set_error(a, errno, "read error: %s", std::strerror(errno));
                return -1;
            }
            self->digest_.update(self->in_.data(), std::size_t(n));
            *buffer = self->in_.data();
            return n;
        }
    }

    static la_ssize_t read_raw(archive* a, void* client, const void** buffer) {
        auto* self = static_cast<LayerReader*>(client);
        if (self->raw_eof_) return 0;
        const la_ssize_t n = archive_read_data(self->outer_.get(), self->raw_.data(), self->raw_.size());
        if (n < 0) {
            const char* why = archive_error_string(self->outer_.get());
            archive_set_error(a, EIO, "decompression failed: %s", why ? why : "unknown error");
            return -1;
        }
        if (n == 0) self->raw_eof_ = true;
        self->diff_.update(self->raw_.data(), std::size_t(n));
        *buffer = self->raw_.data();
        return n;
    }

    std::string what_;
    UniqueFd fd_;
    Hasher digest_, diff_;
    std::vector<char> in_, raw_;
    bool raw_eof_ = false;
    std::size_t count_ = 0;
    std::unique_ptr<archive, ArchiveReadDeleter> outer_, inner_;
};

inline std::string entry_text(const char* native, const char* utf8) {
    if (native) return native;
    if (utf8) return utf8;
    return {};
}

inline std::string entry_path(archive_entry* e) {
    return entry_text(archive_entry_pathname(e), archive_entry_pathname_utf8(e));
}

inline LayerEntry describe_entry(archive_entry* e) {
    LayerEntry out;
    out.path = entry_path(e);
    const std::string hardlink = entry_text(archive_entry_hardlink(e), archive_entry_hardlink_utf8(e));
    switch (archive_entry_filetype(e)) {
        case AE_IFREG: out.type = EntryType::file; break;
        case AE_IFDIR: out.type = EntryType::directory; break;
        case AE_IFLNK: out.type = EntryType::symlink; break;
        case AE_IFCHR: out.type = EntryType::char_device; break;
        case AE_IFBLK: out.type = EntryType::block_device; break;
        case AE_IFIFO: out.type = EntryType::fifo; break;
        case AE_IFSOCK: out.type = EntryType::socket; break;
        default: out.type = EntryType::other; break;
    }
    if (!hardlink.empty()) {
        out.type = EntryType::hardlink;
        out.link_target = hardlink;
    } else if (out.type == EntryType::symlink) {
        out.link_target = entry_text(archive_entry_symlink(e), archive_entry_symlink_utf8(e));
    }
    out.size = out.type == EntryType::file ? archive_entry_size(e) : 0;
    out.mode = std::uint32_t(archive_entry_perm(e)) & 07777;
    out.mtime = archive_entry_mtime(e);
    out.uid = archive_entry_uid(e);
    out.gid = archive_entry_gid(e);
    out.uname = entry_text(archive_entry_uname(e), archive_entry_uname_utf8(e));
    out.gname = entry_text(archive_entry_gname(e), archive_entry_gname_utf8(e));
    return out;
}

// The components of a path inside the root: leading '/', empty and '.' parts dropped. A '..'
// anywhere is refused rather than resolved, as is a path no kernel call could take.
inline std::vector<std::string> root_components(std::string_view path, const std::string& where) {
    if (path.size() > 4096)
        throw LayerError(where + ": path is " + std::to_string(path.size()) +
                         " bytes; paths in a root filesystem are at most 4096 (PATH_MAX)");
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i <= path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view part = path.substr(i, j - i);
        if (part == "..")
            throw LayerError(where + ": path '" + std::string(path) +
                             "' has a '..' component; layer paths must stay inside the root");
        if (!part.empty() && part != ".") parts.emplace_back(part);
        i = j + 1;
    }
    return parts;
}

inline std::string join_path(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
}

inline std::string join_all(const std::vector<std::string>& comps) {
    std::string p;
    for (const std::string& c : comps) p = join_path(p, c);
    return p;
}

// Names in a directory, without "." and "..".
inline std::vector<std::string> list_dir(int dirfd, const std::string& where) {
    const int fd = ::dup(dirfd);
    DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (!d) {
        if (fd >= 0) ::close(fd);
        throw LayerError(where + ": cannot list a directory: " + errno_text());
    }
    ::rewinddir(d);
    std::vector<std::string> names;
    while (dirent* de = ::readdir(d)) {
        const std::string_view n = de->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    return names;
}

inline constexpr int dir_open_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// rm -rf of `name` in `parent`, never following a symlink, holding one directory open at a time
// (a deep tree cannot run out of descriptors or stack).
inline void remove_tree(int parent, const std::string& name, const std::string& where) {
    auto fail = [&](const std::string& what) {
        throw LayerError(where + ": cannot remove " + what + ": " + errno_text());
    };
    struct stat st {};
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;
        fail(name);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (::unlinkat(parent, name.c_str(), 0) != 0 && errno != ENOENT) fail(name);
        return;
    }
    struct Frame {
        std::string name;
        std::vector<std::string> children;
        std::size_t next = 0;
    };
    UniqueFd cur(::openat(parent, name.c_str(), dir_open_flags));
    if (!cur) fail(name);
    ::fchmod(cur.get(), 0700);  // so an unprivileged run can empty a read-only directory
    std::vector<Frame> stack;
    stack.push_back({name, list_dir(cur.get(), where), 0});
    while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.next < f.children.size()) {
            const std::string child = f.children[f.next++];
            struct stat cst {};
            if (::fstatat(cur.get(), child.c_str(), &cst, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno == ENOENT) continue;
                fail(child);
            }
            if (!S_ISDIR(cst.st_mode)) {
                if (::unlinkat(cur.get(), child.c_str(), 0) != 0 && errno != ENOENT) fail(child);
                continue;
            }
            UniqueFd sub(::openat(cur.get(), child.c_str(), dir_open_flags));
            if (!sub) fail(child);
            ::fchmod(sub.get(), 0700);
            std::vector<std::string> kids = list_dir(sub.get(), where);
            cur = std::move(sub);
            stack.push_back({child, std::move(kids), 0});
            continue;
        }
        const std::string done = f.name;
        stack.pop_back();
        UniqueFd up(stack.empty() ? ::dup(parent) : ::openat(cur.get(), "..", dir_open_flags));
        if (!up) fail(done);
        if (::unlinkat(up.get(), done.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) fail(done);
        cur = std::move(up);
    }
}

}  // namespace detail

inline std::vector<LayerEntry> list_layer(const std::filesystem::path& layer) {
    detail::LayerReader reader(layer);
    std::vector<LayerEntry> out;
    while (archive_entry* e = reader.next()) out.push_back(detail::describe_entry(e));
    return out;
}

inline LayerInfo inspect_layer(const std::filesystem::path& layer, MediaTypeFamily family) {
    detail::LayerReader reader(layer);
    while (reader.next()) {}
    LayerInfo info = reader.finish();
    info.media_type = layer_media_type(info.compression, family);
    return info;
}

}  // namespace xbuild::oci
