// Implementation of xbuild/oci/layer.hpp: unpacking a layer over a root directory.
#pragma once

#include <sys/time.h>

namespace xbuild::oci {

namespace detail {

// Applies one layer's entries under a root directory it holds open. Every path is walked one
// component at a time from that descriptor (openat with O_NOFOLLOW), so nothing the layer puts
// on disk can redirect a later write outside.
class Extractor {
   public:
    Extractor(const std::filesystem::path& root, std::string what, const ExtractOptions& options,
              std::vector<std::string>& notes)
        : what_(std::move(what)), options_(options), notes_(notes) {
        root_.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root_) throw LayerError("cannot open the root " + root.string() + ": " + errno_text());
    }

    void entry(archive* a, archive_entry* e) {
        const std::string raw = entry_path(e);
        const std::string where = what_ + ": entry '" + raw + "'";
        if (raw.empty()) throw LayerError(what_ + ": an entry has no path");
        std::vector<std::string> comps = root_components(raw, where);
        const LayerEntry info = describe_entry(e);
        if (comps.empty()) {
            if (info.type != EntryType::directory)
                throw LayerError(where + ": names the root itself, which only a directory entry may");
            return;  // the root's own entry: the caller's directory keeps its mode
        }
        const std::string name = comps.back();
        comps.pop_back();
        if (name.rfind(".wh.", 0) == 0) return whiteout(comps, name, where);
        switch (info.type) {
            case EntryType::char_device:
            case EntryType::block_device:
                notes_.push_back(raw + ": " + std::string(to_string(info.type)) +
                                 " not created (device nodes need privileges; a container runtime supplies /dev)");
                return;
            case EntryType::socket:
            case EntryType::other:
                notes_.push_back(raw + ": " + std::string(to_string(info.type)) + " entry skipped");
                return;
            default: break;
        }
        Resolved parent = open_dir(comps, true, where);
        const std::string path = join_path(parent.path, name);
        const int pfd = parent.fd.get();
        struct stat st {};
        const bool exists = ::fstatat(pfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (info.type == EntryType::directory) {
            if (exists && !S_ISDIR(st.st_mode)) remove_tree(pfd, name, where);
            if ((!exists || !S_ISDIR(st.st_mode)) && ::mkdirat(pfd, name.c_str(), 0700) != 0)
                throw LayerError(where + ": cannot create the directory: " + errno_text());
            owner(pfd, name, info, where);
            dirs_[path] = info;  // mode and mtime once its contents are in
        } else if (info.type == EntryType::hardlink) {
            hardlink(pfd, name, path, info, where);
        } else {
            if (exists) remove_tree(pfd, name, where);
            if (info.type == EntryType::file) {
                regular_file(a, e, pfd, name, info, where);
            } else if (info.type == EntryType::symlink) {
                if (::symlinkat(info.link_target.c_str(), pfd, name.c_str()) != 0)
                    throw LayerError(where + ": cannot create the symlink to '" + info.link_target +
                                     "': " + errno_text());
                owner(pfd, name, info, where);
                set_times(pfd, name, info, where);
            } else {  // fifo: harmless to make, and some images carry one (e.g. for a daemon's control)
                if (::mkfifoat(pfd, name.c_str(), 0600) != 0)
                    throw LayerError(where + ": cannot create the FIFO: " + errno_text());
                owner(pfd, name, info, where);
                if (::fchmodat(pfd, name.c_str(), info.mode, 0) != 0)
                    throw LayerError(where + ": cannot set the mode: " + errno_text());
                set_times(pfd, name, info, where);
            }
        }
        mine_.insert(path);
    }

    // Directory modes and times, deepest first: set earlier, creating their contents would have
    // needed write permission they may not give, and would have moved their mtimes.
    void finish() {
        std::vector<std::pair<std::string, LayerEntry>> dirs(dirs_.begin(), dirs_.end());
        std::stable_sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) {
            return std::count(a.first.begin(), a.first.end(), '/') > std::count(b.first.begin(), b.first.end(), '/');
        });
        for (const auto& d : dirs) {
            UniqueFd fd = open_real_dir(d.first);
            if (!fd) continue;  // replaced by a later entry of the layer
            const std::string where = what_ + ": directory '" + d.first + "'";
            if (::fchmod(fd.get(), d.second.mode) != 0)
                throw LayerError(where + ": cannot set the mode: " + errno_text());
            const timespec times[2] = {{time_t(d.second.mtime), 0}, {time_t(d.second.mtime), 0}};
            if (::futimens(fd.get(), times) != 0) throw LayerError(where + ": cannot set the mtime: " + errno_text());
        }
    }

   private:
    struct Resolved {
        UniqueFd fd;
        std::string path;  // where it really is, below the root
        bool found = true;
    };

    // The directory at `comps`, following symlinks only inside the root: an absolute target
    // starts again at the root, and one that climbs above it is refused. Missing directories are
    // made (0755) when `create`, else found is false.
    Resolved open_dir(const std::vector<std::string>& comps, bool create, const std::string& where) {
        std::deque<std::string> todo(comps.begin(), comps.end());
        std::vector<std::string> done;
        UniqueFd cur(::dup(root_.get()));
        int hops = 0;
        auto joined = [&done] { return join_all(done); };
        while (!todo.empty()) {
            const std::string name = std::move(todo.front());
            todo.pop_front();
            if (name.empty() || name == ".") continue;
            if (name == "..") {
                if (done.empty())
                    throw LayerError(where +
                                     ": a symlink on its path leads above the root; "
                                     "entries must stay inside it");
                done.pop_back();
                cur = open_real_dir(joined());
                if (!cur) throw LayerError(where + ": '" + joined() + "' vanished while being resolved");
                continue;
            }
            const int fd = ::openat(cur.get(), name.c_str(), dir_open_flags);
            if (fd >= 0) {
                cur.reset(fd);
                done.push_back(name);
                continue;
            }
            const int open_errno = errno;
            struct stat st {};
            if (::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno != ENOENT)
                    throw LayerError(where + ": cannot open '" + join_path(joined(), name) + "': " + errno_text());
                if (!create) return Resolved {UniqueFd(), join_path(joined(), name), false};
                if (::mkdirat(cur.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
                    throw LayerError(where + ": cannot create '" + join_path(joined(), name) + "': " + errno_text());
                mine_.insert(join_path(joined(), name));
                todo.push_front(name);
                continue;
            }
            if (S_ISDIR(st.st_mode))
                throw LayerError(where + ": cannot open '" + join_path(joined(), name) +
                                 "': " + errno_text(open_errno));
            if (!S_ISLNK(st.st_mode))
                throw LayerError(where + ": '" + join_path(joined(), name) +
                                 "' is in the way: it exists and is not a directory");
            if (++hops > 40) throw LayerError(where + ": more than 40 symlinks on its path (a loop?)");
            std::string target(4096, '\0');
            const ssize_t n = ::readlinkat(cur.get(), name.c_str(), target.data(), target.size());
            if (n <= 0) throw LayerError(where + ": cannot follow the symlink '" + join_path(joined(), name) + "'");
            target.resize(std::size_t(n));
            if (target[0] == '/') {  // root-relative, as inside the container
                done.clear();
                cur.reset(::dup(root_.get()));
            }
            std::vector<std::string> parts;
            for (std::size_t i = 0; i <= target.size();) {
                std::size_t j = target.find('/', i);
                if (j == std::string::npos) j = target.size();
                parts.push_back(target.substr(i, j - i));
                i = j + 1;
            }
            todo.insert(todo.begin(), parts.begin(), parts.end());
        }
        if (!cur) throw LayerError(where + ": cannot open the root: " + errno_text());
        return Resolved {std::move(cur), joined(), true};
    }

    // A directory by its real path, no symlink followed; an empty fd when there is none.
    UniqueFd open_real_dir(const std::string& path) {
        UniqueFd cur(::dup(root_.get()));
        for (std::size_t i = 0; i < path.size() && cur;) {
            std::size_t j = path.find('/', i);
            if (j == std::string::npos) j = path.size();
            cur.reset(::openat(cur.get(), path.substr(i, j - i).c_str(), dir_open_flags));
            i = j + 1;
        }
        return cur;
    }

    bool mine_below(const std::string& path) const {
        const std::string p = path + "/";
        auto it = mine_.lower_bound(p);
        return it != mine_.end() && it->compare(0, p.size(), p) == 0;
    }

    // Takes away what lower layers put at `path` (named `name` in `dirfd`), keeping whatever
    // this layer wrote there or below.
    void remove_lower(int dirfd, const std::string& name, const std::string& path, const std::string& where) {
        struct stat st {};
        if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
        if (!mine_.count(path) && !mine_below(path)) return remove_tree(dirfd, name, where);
        if (!S_ISDIR(st.st_mode)) return;
        UniqueFd fd(::openat(dirfd, name.c_str(), dir_open_flags));
        if (!fd) throw LayerError(where + ": cannot open '" + path + "': " + errno_text());
        prune(fd.get(), path, where);
    }

    void prune(int dirfd, const std::string& path, const std::string& where) {
        for (const std::string& child : list_dir(dirfd, where))
            remove_lower(dirfd, child, join_path(path, child), where);
    }

    void whiteout(const std::vector<std::string>& dir, const std::string& name, const std::string& where) {
        if (name == ".wh..wh..opq") {  // the directory is opaque: nothing of the lower layers shows
            Resolved d = open_dir(dir, true, where);
            if (!d.path.empty()) mine_.insert(d.path);
            return prune(d.fd.get(), d.path, where);
        }
        if (name.rfind(".wh..wh.", 0) == 0) {  // aufs bookkeeping (.wh..wh.plnk, ...): not a whiteout
            notes_.push_back(join_path(join_all(dir), name) + ": aufs metadata skipped");
            return;
        }
        const std::string target = name.substr(4);
        if (target.empty() || target == "." || target == "..")
            throw LayerError(where + ": a whiteout must name a file, as .wh.NAME");
        Resolved d = open_dir(dir, false, where);
        if (!d.found) return;  // nothing below to hide
        remove_lower(d.fd.get(), target, join_path(d.path, target), where);
    }

    void hardlink(int pfd, const std::string& name, const std::string& path, const LayerEntry& info,
                  const std::string& where) {
        std::vector<std::string> tcomps = root_components(info.link_target, where + " (hardlink target)");
        if (tcomps.empty()) throw LayerError(where + ": a hardlink must point at a file, not the root");
        const std::string tname = tcomps.back();
        tcomps.pop_back();
        Resolved t = open_dir(tcomps, false, where);
        struct stat st {};
        if (!t.found || ::fstatat(t.fd.get(), tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw LayerError(where + ": hardlink target '" + info.link_target +
                             "' does not exist; it must name an earlier entry");
        if (S_ISDIR(st.st_mode))
            throw LayerError(where + ": hardlink target '" + info.link_target + "' is a directory");
        if (join_path(t.path, tname) == path) return;  // a link to itself: already there
        remove_tree(pfd, name, where);
        if (::linkat(t.fd.get(), tname.c_str(), pfd, name.c_str(), 0) != 0)
            throw LayerError(where + ": cannot link to '" + info.link_target + "': " + errno_text());
    }

    void regular_file(archive* a, archive_entry* e, int pfd, const std::string& name, const LayerEntry& info,
                      const std::string& where) {
        UniqueFd fd(::openat(pfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) throw LayerError(where + ": cannot create the file: " + errno_text());
        for (;;) {
            const void* buf = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            const int rc = archive_read_data_block(a, &buf, &size, &offset);
            if (rc == ARCHIVE_EOF) break;
            if (rc < ARCHIVE_WARN) {
                const char* why = archive_error_string(a);
                throw LayerError(where + ": cannot read its data: " + (why ? why : "unknown error"));
            }
            if (offset < 0) throw LayerError(where + ": data at a negative offset");
            const char* p = static_cast<const char*>(buf);
            while (size) {  // at offsets: a sparse entry's holes stay holes
                const ssize_t n = ::pwrite(fd.get(), p, size, off_t(offset));
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) throw LayerError(where + ": cannot write: " + errno_text());
                p += n;
                size -= std::size_t(n);
                offset += n;
            }
        }
        if (archive_entry_size_is_set(e) && ::ftruncate(fd.get(), off_t(archive_entry_size(e))) != 0)
            throw LayerError(where + ": cannot set its size: " + errno_text());
        if (options_.preserve_owner && ::fchown(fd.get(), uid_t(info.uid), gid_t(info.gid)) != 0)
            throw LayerError(where + ": cannot chown to " + std::to_string(info.uid) + ":" + std::to_string(info.gid) +
                             ": " + errno_text());
        if (::fchmod(fd.get(), info.mode) != 0) throw LayerError(where + ": cannot set the mode: " + errno_text());
        const timespec times[2] = {{time_t(info.mtime), 0}, {time_t(info.mtime), 0}};
        if (::futimens(fd.get(), times) != 0) throw LayerError(where + ": cannot set the mtime: " + errno_text());
    }

    void owner(int pfd, const std::string& name, const LayerEntry& info, const std::string& where) {
        if (options_.preserve_owner &&
            ::fchownat(pfd, name.c_str(), uid_t(info.uid), gid_t(info.gid), AT_SYMLINK_NOFOLLOW) != 0)
            throw LayerError(where + ": cannot chown to " + std::to_string(info.uid) + ":" + std::to_string(info.gid) +
                             ": " + errno_text());
    }

    void set_times(int pfd, const std::string& name, const LayerEntry& info, const std::string& where) {
        const timespec times[2] = {{time_t(info.mtime), 0}, {time_t(info.mtime), 0}};
        if (::utimensat(pfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
            throw LayerError(where + ": cannot set the mtime: " + errno_text());
    }

    UniqueFd root_;
    std::string what_;
    const ExtractOptions& options_;
    std::vector<std::string>& notes_;
    std::set<std::string> mine_;              // real paths this layer wrote (whiteouts spare them)
    std::map<std::string, LayerEntry> dirs_;  // directories whose mode and mtime come last
};

}  // namespace detail

inline ExtractResult extract_layer(const std::filesystem::path& layer, const std::filesystem::path& root,
                                   const ExtractOptions& options) {
    const std::string algorithm = options.expected_digest ? options.expected_digest->algorithm : "sha256";
    if (options.expected_digest) {
        Digest got;
        try {
            got = digest_file(layer, algorithm);
        } catch (const std::runtime_error& e) { throw LayerError(std::string("layer: ") + e.what()); }
        if (got != *options.expected_digest)
            throw LayerError("layer " + layer.string() + " has digest " + got.str() + ", expected " +
                             options.expected_digest->str() +
                             " (not the blob the descriptor names); nothing was extracted");
    }
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) throw LayerError("cannot create the root " + root.string() + ": " + ec.message());

    ExtractResult result;
    detail::LayerReader reader(layer, algorithm);
    detail::Extractor x(root, reader.what(), options, result.notes);
    while (archive_entry* e = reader.next()) {
        ++result.entries;
        x.entry(reader.tar(), e);
    }
    x.finish();
    result.info = reader.finish();
    result.info.media_type = layer_media_type(result.info.compression);
    if (options.expected_digest && result.info.digest != *options.expected_digest)
        throw LayerError("layer " + layer.string() + " changed while it was extracted: digest " +
                         result.info.digest.str() + ", expected " + options.expected_digest->str());
    if (options.expected_diff_id && result.info.diff_id != *options.expected_diff_id)
        throw LayerError("layer " + layer.string() + " has diff_id " + result.info.diff_id.str() + ", expected " +
                         options.expected_diff_id->str() +
                         " (the config's rootfs.diff_ids); its files are already in " + root.string());
    return result;
}

}  // namespace xbuild::oci
