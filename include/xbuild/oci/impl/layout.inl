// Implementation of xbuild/oci/layout.hpp.
#pragma once

#include <sys/file.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "layout_io.inl"

namespace xbuild::oci {

inline Layout Layout::create(const std::filesystem::path& dir) {
    namespace io = detail::layout_io;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec)) {
        if (!std::filesystem::is_directory(dir, ec))
            throw LayoutError("cannot create a layout at " + dir.string() + ": it is not a folder");
        if (!std::filesystem::is_empty(dir, ec))
            throw LayoutError("cannot create a layout in " + dir.string() + ": the folder is not empty");
    }
    io::make_dirs(dir / "blobs" / "sha256");
    Layout l(dir);
    Index empty;
    empty.schema_version = 2;
    empty.media_type = std::string(media_type::oci_index);
    l.set_index(empty);
    // oci-layout last: a folder without it is not (yet) a layout, as open() says.
    io::write_file_atomic(dir / "oci-layout", io::layout_marker);
    return l;
}

inline Layout Layout::open(const std::filesystem::path& dir) {
    const std::filesystem::path marker = dir / "oci-layout";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(marker, ec))
        throw LayoutError(dir.string() + " is not an OCI image layout: it has no oci-layout file");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(detail::layout_io::read_file(marker, 1 << 16));
    } catch (const nlohmann::json::exception& e) { throw LayoutError(marker.string() + " is not JSON: " + e.what()); }
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

inline std::filesystem::path Layout::temp_path() const {
    return detail::layout_io::temp_beside(dir_ / "blobs" / "upload");
}

inline Descriptor Layout::put_blob(std::string_view bytes, std::string media_type) {
    Descriptor d;
    d.media_type = std::move(media_type);
    d.digest = sha256_of(bytes);
    d.size = std::int64_t(bytes.size());
    const std::filesystem::path target = blob_path(d.digest);
    std::error_code ec;
    // A file of the wrong size under this name (another tool's torn write) is replaced.
    if (std::filesystem::is_regular_file(target, ec) && std::filesystem::file_size(target, ec) == bytes.size() && !ec)
        return d;
    detail::layout_io::make_blob_folder(dir_, target.parent_path());
    detail::layout_io::write_file_atomic(target, bytes);
    return d;
}

inline Descriptor Layout::adopt_blob_file(const std::filesystem::path& tmp, std::string media_type,
                                          const Digest& digest) {
    namespace io = detail::layout_io;
    struct stat st {};
    if (::stat(tmp.c_str(), &st) != 0) throw LayoutError("cannot adopt " + tmp.string() + ": " + io::errno_text());
    Descriptor d;
    d.media_type = std::move(media_type);
    d.digest = digest;
    d.size = std::int64_t(st.st_size);
    const std::filesystem::path target = blob_path(digest);
    io::make_blob_folder(dir_, target.parent_path());
    io::sync_file(tmp);
    io::commit_temp(tmp, target);
    return d;
}

inline Descriptor Layout::put_blob_file(const std::filesystem::path& file, std::string media_type,
                                        const std::optional<Digest>& expected) {
    namespace io = detail::layout_io;
    // One pass: copy while hashing, so the digest is of exactly the bytes stored.
    const std::filesystem::path tmp = temp_path();
    io::TempGuard guard(tmp);
    Hasher h(expected ? expected->algorithm : "sha256");
    {
        io::Fd in = io::open_read(file);
        io::Fd out = io::create_excl(tmp);
        std::unique_ptr<char[]> buf(new char[1 << 16]);
        while (const std::size_t n = io::read_some(in.fd, buf.get(), 1 << 16, file)) {
            h.update(buf.get(), n);
            io::write_all(out.fd, buf.get(), n, tmp);
        }
        io::sync_fd(out.fd, tmp);
    }
    const Digest got = h.finish();
    if (expected && got != *expected)
        throw LayoutError(file.string() + " has digest " + got.str() + ", not the expected " + expected->str());
    Descriptor d = adopt_blob_file(tmp, std::move(media_type), got);
    guard.release();
    return d;
}

inline std::string Layout::read_blob(const Digest& d, std::size_t max_bytes) const {
    const std::filesystem::path p = blob_path(d);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec))
        throw LayoutError("blob " + d.str() + " is missing from " + dir_.string());
    std::string bytes = detail::layout_io::read_file(p, max_bytes);
    const Digest got = digest_like(d, bytes);
    if (got != d)
        throw LayoutError("blob " + d.str() + " in " + dir_.string() + " is corrupt: its content hashes to " +
                          got.str());
    return bytes;
}

inline Index Layout::index() const {
    const std::string text = detail::layout_io::read_file(dir_ / "index.json", 64 << 20);
    try {
        return parse_index(text);
    } catch (const ManifestError& e) { throw LayoutError((dir_ / "index.json").string() + ": " + e.what()); }
}

inline void Layout::set_index(const Index& idx) {
    detail::layout_io::write_file_atomic(dir_ / "index.json", to_json(idx));
}

inline void Layout::tag(const Descriptor& d, const std::string& name) {
    namespace io = detail::layout_io;
    if (!io::valid_ref_name(name))
        throw LayoutError("cannot tag " + d.digest.str() + " as '" + name +
                          "': a ref.name is components of letters and digits joined by - . _ : @ + or --, "
                          "separated by /");
    if (!has_blob(d.digest))
        throw LayoutError("cannot tag " + d.digest.str() + " as '" + name + "': the blob is not in " + dir_.string());
    // index.json is read, changed and renamed: without the lock two taggers lose one another's tag.
    io::Fd lock(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX) != 0)
        throw LayoutError("cannot lock " + dir_.string() + ": " + io::errno_text());
    Index idx = index();
    std::erase_if(idx.manifests, [&](const Descriptor& m) { return io::has_ref_name(m, name); });
    Descriptor named = d;
    named.annotations[std::string(ref_name_annotation)] = name;
    idx.manifests.push_back(std::move(named));
    set_index(idx);
}

inline std::optional<Descriptor> Layout::find(const std::string& name) const {
    for (const Descriptor& m : index().manifests)
        if (detail::layout_io::has_ref_name(m, name)) return m;
    return std::nullopt;
}

inline std::vector<std::string> Layout::verify() const {
    std::vector<std::string> problems;
    // Existence, size and digest of one blob; its bytes when they are to be read on (a manifest,
    // an index or a config), nullopt otherwise or when it is bad.
    auto check = [&](const Descriptor& d, const std::string& name, bool want_bytes) -> std::optional<std::string> {
        std::filesystem::path p;
        try {
            p = blob_path(d.digest);
        } catch (const std::exception& e) {
            problems.push_back("bad digest " + name + ": " + e.what());
            return std::nullopt;
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec)) {
            // Non-distributable layers (urls set, Windows base layers) are absent by design.
            if (d.urls.empty()) problems.push_back("missing blob " + name);
            return std::nullopt;
        }
        const auto size = std::filesystem::file_size(p, ec);
        if (ec || std::int64_t(size) != d.size) {
            problems.push_back("size mismatch for blob " + name + ": the descriptor says " + std::to_string(d.size) +
                               ", the file has " + (ec ? ec.message() : std::to_string(size)));
            return std::nullopt;
        }
        try {
            if (want_bytes) return read_blob(d.digest);
            const Digest got = digest_file(p, d.digest.algorithm);
            if (got != d.digest) problems.push_back("corrupt blob " + name + ": its content hashes to " + got.str());
        } catch (const std::exception& e) { problems.push_back("corrupt blob " + name + ": " + e.what()); }
        return std::nullopt;
    };
    Index top;
    try {
        Layout::open(dir_);
        top = index();
    } catch (const std::exception& e) {
        problems.push_back(e.what());
        return problems;
    }
    // Work list of (descriptor, where it was referenced); a blob reached twice is checked once.
    std::vector<std::pair<Descriptor, std::string>> todo;
    std::set<std::string> seen;
    for (const Descriptor& m : top.manifests) todo.emplace_back(m, "index.json");
    while (!todo.empty()) {
        const Descriptor d = std::move(todo.back().first);
        const std::string from = std::move(todo.back().second);
        todo.pop_back();
        if (!seen.insert(d.digest.str() + " " + std::to_string(d.size) + " " + d.media_type).second) continue;
        const std::string name = d.digest.str() + " (" + d.media_type + ", from " + from + ")";
        const bool index_like = media_type::is_index(d.media_type),
                   manifest_like = media_type::is_manifest(d.media_type);
        const auto bytes = check(d, name, index_like || manifest_like);
        if (!bytes) continue;
        try {
            if (index_like) {
                for (const Descriptor& m : parse_index(*bytes).manifests) todo.emplace_back(m, d.digest.str());
                continue;
            }
            const Manifest man = parse_manifest(*bytes);
            for (const Descriptor& l : man.layers) todo.emplace_back(l, d.digest.str());
            if (!media_type::is_config(man.config.media_type)) {
                todo.emplace_back(man.config, d.digest.str());  // an artifact's config: any bytes
                continue;
            }
            // An image config: read here (not queued) to match its diff_ids against the layers.
            if (!seen.insert(man.config.digest.str() + " " + std::to_string(man.config.size) + " " +
                             man.config.media_type)
                     .second)
                continue;
            const std::string cname =
                man.config.digest.str() + " (" + man.config.media_type + ", from " + d.digest.str() + ")";
            if (const auto cfg = check(man.config, cname, true)) {
                try {
                    const ImageConfig c = parse_config(*cfg);
                    if (c.rootfs.diff_ids.size() != man.layers.size())
                        problems.push_back("config " + cname + " lists " + std::to_string(c.rootfs.diff_ids.size()) +
                                           " diff_ids for " + std::to_string(man.layers.size()) + " layers");
                } catch (const std::exception& e) {
                    problems.push_back("unreadable config " + cname + ": " + e.what());
                }
            }
        } catch (const std::exception& e) { problems.push_back("unreadable " + name + ": " + e.what()); }
    }
    return problems;
}

inline void write_layout_tar(const Layout& layout, const std::filesystem::path& out) {
    namespace io = detail::layout_io;
    // Blobs sorted by path: directory iteration order differs between filesystems.
    std::vector<std::string> dirs, files;
    const std::filesystem::path blobs = layout.dir() / "blobs";
    std::error_code ec;
    if (std::filesystem::is_directory(blobs, ec)) {
        auto it = std::filesystem::recursive_directory_iterator(blobs, ec);
        if (ec) throw LayoutError("cannot list " + blobs.string() + ": " + ec.message());
        for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) throw LayoutError("cannot list " + blobs.string() + ": " + ec.message());
            if (it->path().filename().string().starts_with(".")) {  // temp files, ours or others'
                it.disable_recursion_pending();
                continue;
            }
            const std::string rel = "blobs/" + it->path().lexically_relative(blobs).generic_string();
            const auto st = it->symlink_status(ec);
            if (std::filesystem::is_directory(st)) dirs.push_back(rel + "/");
            else if (std::filesystem::is_regular_file(st)) files.push_back(rel);
            else throw LayoutError(it->path().string() + " is not a plain file or folder; a layout holds only blobs");
        }
        if (ec) throw LayoutError("cannot list " + blobs.string() + ": " + ec.message());
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(files.begin(), files.end());
    const std::filesystem::path tmp = io::temp_beside(out);
    io::TempGuard guard(tmp);
    {
        io::ArchiveWriter w(tmp);
        w.file("oci-layout", io::read_file(layout.dir() / "oci-layout", 1 << 16));
        w.file("index.json", io::read_file(layout.dir() / "index.json", 64 << 20));
        w.dir("blobs/");
        for (const std::string& d : dirs) w.dir(d);
        for (const std::string& f : files) w.file_from(f, layout.dir() / f);
        w.close();
    }
    io::sync_file(tmp);
    io::commit_temp(tmp, out);
    guard.release();
}

inline Layout read_layout_tar(const std::filesystem::path& tar, const std::filesystem::path& dir) {
    namespace io = detail::layout_io;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) &&
        (!std::filesystem::is_directory(dir, ec) || !std::filesystem::is_empty(dir, ec)))
        throw LayoutError("cannot unpack " + tar.string() + " into " + dir.string() + ": it is not an empty folder");
    const std::filesystem::path stage = io::temp_beside(dir);
    if (!stage.parent_path().empty()) io::make_dirs(stage.parent_path());
    io::TempGuard guard(stage);
    io::make_dirs(stage);
    io::ArchiveReader r(tar);
    while (archive_entry* e = r.next()) {
        const char* raw = archive_entry_pathname(e);
        const std::string rel = io::safe_entry_path(raw ? raw : "");
        const auto type = archive_entry_filetype(e);
        if (archive_entry_hardlink(e) || type == AE_IFLNK)
            throw LayoutError("tar " + tar.string() + ": entry '" + rel + "' is a link (links are refused)");
        if (rel.empty()) continue;
        const std::filesystem::path target = stage / rel;
        if (type == AE_IFDIR) {
            io::make_dirs(target);
            continue;
        }
        if (type != AE_IFREG)
            throw LayoutError("tar " + tar.string() + ": entry '" + rel +
                              "' is not a file or folder (devices, fifos "
                              "and sockets are refused)");
        io::make_dirs(target.parent_path());
        // Only plain folders on the way: the stage holds nothing the tar did not make, and it can
        // make no links, but a file entry may have taken a folder's name.
        {
            io::Fd f(::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
            if (f.fd < 0) throw LayoutError("cannot create " + target.string() + ": " + io::errno_text());
            r.read_data([&](const void* p, std::size_t n) { io::write_all(f.fd, p, n, target); });
            io::sync_fd(f.fd, target);
        }
    }
    Layout::open(stage);  // refuse a tar that is not a layout before it takes the name
    if (::rename(stage.c_str(), dir.c_str()) != 0)
        throw LayoutError("cannot move the unpacked layout to " + dir.string() + ": " + io::errno_text());
    guard.release();
    io::sync_dir(dir.parent_path());
    return Layout::open(dir);
}

}  // namespace xbuild::oci
