// Implementation of xbuild/oci/docker_archive.hpp.
//
// Importing reads the tar twice: manifest.json usually comes last (docker save tars its folder in
// name order, and "manifest.json" sorts after the "<hex>/" folders), so the first pass finds it
// and the entries' types and link targets, the second streams the configs and layers it names.
#pragma once

#include <algorithm>
#include <cctype>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace xbuild::oci {

namespace detail::docker_io {

namespace io = layout_io;
using json = nlohmann::json;

inline constexpr std::size_t chunk = 1 << 16;

// A path inside the archive, made lexical and kept inside: "." dropped, ".." climbs, and climbing
// above the archive's root is refused. Docker resolves manifest.json's paths the same way.
inline std::string normalize(std::string_view path, const std::string& what) {
    if (path.empty() || path.front() == '/')
        throw DockerArchiveError(what + ": '" + std::string(path) +
                                 "' is empty or absolute; archive paths are relative");
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i <= path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view part = path.substr(i, j - i);
        if (part == "..") {
            if (parts.empty()) throw DockerArchiveError(what + ": '" + std::string(path) + "' leaves the archive");
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    if (parts.empty()) throw DockerArchiveError(what + ": '" + std::string(path) + "' names the archive's root");
    std::string out;
    for (std::string_view p : parts) (out += out.empty() ? "" : "/") += p;
    return out;
}

// What the first pass learns: the regular files, the links (to their target, as written, joined to
// the link's folder for a symlink), and manifest.json's bytes.
struct Scan {
    std::set<std::string> files;
    std::map<std::string, std::string> links;
    std::optional<std::string> manifest;
};

inline std::string read_entry(io::ArchiveReader& r, const std::string& name, std::size_t max_bytes) {
    std::string out;
    r.read_data([&](const void* p, std::size_t n) {
        if (out.size() + n > max_bytes)
            throw DockerArchiveError(name + " in " + r.path.string() + " is larger than " + std::to_string(max_bytes) +
                                     " bytes");
        out.append(static_cast<const char*>(p), n);
    });
    return out;
}

inline Scan scan(const std::filesystem::path& tar) {
    io::ArchiveReader r(tar);
    Scan s;
    while (archive_entry* e = r.next()) {
        const char* raw = archive_entry_pathname(e);
        const std::string name = io::safe_entry_path(raw ? raw : "");
        if (name.empty()) continue;
        const auto type = archive_entry_filetype(e);
        // The last entry of a name wins, as when the tar is unpacked.
        s.files.erase(name);
        s.links.erase(name);
        if (const char* hard = archive_entry_hardlink(e)) {
            s.links[name] = hard;  // relative to the archive's root
        } else if (type == AE_IFLNK) {
            const char* target = archive_entry_symlink(e);
            const std::string t = target ? target : "";
            const auto slash = name.rfind('/');
            s.links[name] = (t.starts_with("/") || slash == std::string::npos) ? t : name.substr(0, slash + 1) + t;
        } else if (type == AE_IFREG) {
            s.files.insert(name);
            if (name == "manifest.json") s.manifest = read_entry(r, name, 16 << 20);
        }
    }
    return s;
}

// The regular file a manifest.json path ends at, following links inside the archive (docker save
// links a layer two images share to its first copy).
inline std::string resolve(const Scan& s, const std::string& path, const std::string& what) {
    std::string p = normalize(path, what);
    for (int hops = 0; hops < 40; ++hops) {
        if (s.files.count(p)) return p;
        const auto link = s.links.find(p);
        if (link == s.links.end()) throw DockerArchiveError(what + ": '" + path + "' is not a file in the archive");
        p = normalize(link->second, what + " (through the link " + p + ")");
    }
    throw DockerArchiveError(what + ": '" + path + "' is a loop of links");
}

inline std::vector<std::string> strings_of(const json& obj, const char* key, const std::string& where, bool required) {
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required && it == obj.end()) throw DockerArchiveError(where + "." + key + ": missing (required)");
        return out;
    }
    if (!it->is_array()) throw DockerArchiveError(where + "." + key + ": must be an array of strings");
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string())
            throw DockerArchiveError(where + "." + key + "[" + std::to_string(i) + "]: must be a string");
        out.push_back((*it)[i].get<std::string>());
    }
    return out;
}

inline std::vector<DockerArchiveImage> parse_manifest_json(std::string_view text) {
    json j;
    try {
        j = detail::parse_json(text);  // image.inl's: nesting limited
    } catch (const ManifestError& e) { throw DockerArchiveError(std::string("manifest.json: ") + e.what()); }
    if (!j.is_array())
        throw DockerArchiveError(std::string("manifest.json: must be an array of images, got ") + j.type_name());
    std::vector<DockerArchiveImage> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string where = "manifest.json[" + std::to_string(i) + "]";
        const json& o = j[i];
        if (!o.is_object()) throw DockerArchiveError(where + ": must be an object");
        DockerArchiveImage img;
        const auto c = o.find("Config");
        if (c == o.end() || !c->is_string()) throw DockerArchiveError(where + ".Config: missing or not a string");
        img.config = c->get<std::string>();
        img.repo_tags = strings_of(o, "RepoTags", where, false);
        img.layers = strings_of(o, "Layers", where, true);
        for (const auto& [k, v] : o.items())
            if (k != "Config" && k != "RepoTags" && k != "Layers") img.extra[k] = v;
        out.push_back(std::move(img));
    }
    return out;
}

// "name:tag" as docker load takes it (a tag, not a digest): the name in the ref.name grammar, the
// tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
inline bool valid_repo_tag(std::string_view t) {
    const auto colon = t.rfind(':'), slash = t.rfind('/');
    if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) return false;
    const std::string_view name = t.substr(0, colon), tag = t.substr(colon + 1);
    if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') return false;
    for (char ch : tag)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') return false;
    return name.find('@') == std::string_view::npos && io::valid_ref_name(name);
}

// blobs/sha256/<hex> (Docker 25+): the name is a digest the content must match.
inline std::optional<std::string> blob_name_hex(const std::string& path) {
    if (path.size() != 13 + 64 || !path.starts_with("blobs/sha256/")) return std::nullopt;
    return path.substr(13);
}

// gzip_stream.hpp's gzip into a new file (created O_EXCL), synced by finish().
class GzipFile {
   public:
    GzipFile(const std::filesystem::path& path, int level)
        : path_(path),
          fd_(io::create_excl(path)),
          gz_([this](const void* p, std::size_t n) { io::write_all(fd_.fd, p, n, path_); }, level, path.string()) {}
    void write(const void* data, std::size_t size) { gz_.write(data, size); }
    // Ends the stream, syncs the file; {digest of the gzip, its size, digest of the input}.
    std::tuple<Digest, std::int64_t, Digest> finish() {
        const HashedGzipSums s = gz_.finish();
        io::sync_fd(fd_.fd, path_);
        return {s.digest, s.size, s.diff_id};
    }

   private:
    std::filesystem::path path_;
    io::Fd fd_;
    HashedGzip<DockerArchiveError> gz_;  // last: its output writes to fd_
};

// Decompresses (gzip, bzip2, xz, zstd, or none) the bytes `pull` hands out, chunk by chunk, into
// sink(data, size). pull(buf, cap) returns the bytes read, 0 at the end; it is called through
// libarchive's C frames, so its exceptions are carried across them, not thrown through.
using Pull = std::function<std::size_t(char*, std::size_t)>;

template <class Sink>
void decompress(const Pull& pull, Sink&& sink, const std::string& what) {
    struct Ctx {
        const Pull* pull = nullptr;
        std::unique_ptr<char[]> buf {new char[chunk]};
        std::exception_ptr error {};
    } ctx;
    ctx.pull = &pull;
    auto read_cb = [](archive*, void* c, const void** out) -> la_ssize_t {
        auto* x = static_cast<Ctx*>(c);
        try {
            *out = x->buf.get();
            return la_ssize_t((*x->pull)(x->buf.get(), chunk));
        } catch (...) {
            x->error = std::current_exception();
            return -1;
        }
    };
    io::ArchivePtr a(archive_read_new(), &archive_read_free);
    if (!a) throw DockerArchiveError("libarchive could not start a reader");
    io::support_compressions(a.get());
    archive_read_support_format_raw(a.get());
    auto fail = [&]() {
        if (ctx.error) std::rethrow_exception(ctx.error);
        throw DockerArchiveError("cannot decompress " + what + ": " + io::archive_message(a.get()));
    };
    if (archive_read_open(a.get(), &ctx, nullptr, read_cb, nullptr) != ARCHIVE_OK) fail();
    archive_entry* e = nullptr;
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) return;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) fail();
    std::unique_ptr<char[]> buf(new char[chunk]);
    for (;;) {
        const la_ssize_t n = archive_read_data(a.get(), buf.get(), chunk);
        if (n == 0) return;
        if (n < 0) fail();
        sink(static_cast<const void*>(buf.get()), std::size_t(n));
    }
}

// One layer entry of the archive, gzipped into the layout's temp file `tmp`.
struct StreamedLayer {
    std::filesystem::path tmp;
    Digest digest;  // of the gzip we wrote
    std::int64_t size = 0;
    Digest diff_id;  // of the uncompressed tar
    Digest raw;      // of the entry as stored in the archive
};

inline StreamedLayer stream_layer(io::ArchiveReader& r, archive_entry* e, const std::string& name,
                                  const std::filesystem::path& tmp, int level) {
    StreamedLayer out;
    out.tmp = tmp;
    GzipFile gz(tmp, level);
    Hasher raw;
    const Pull pull = [&](char* buf, std::size_t cap) -> std::size_t {
        const la_ssize_t n = archive_read_data(r.a.get(), buf, cap);
        if (n < 0)
            throw DockerArchiveError("cannot read " + name + " in " + r.path.string() + ": " +
                                     io::archive_message(r.a.get()));
        raw.update(buf, std::size_t(n));
        return std::size_t(n);
    };
    // libarchive finds no format in zero bytes: an empty entry is an empty layer.
    if (archive_entry_size(e) != 0)
        decompress(
            pull, [&](const void* p, std::size_t n) { gz.write(p, n); }, name + " in " + r.path.string());
    std::unique_ptr<char[]> rest(new char[chunk]);
    while (pull(rest.get(), chunk)) {
    }  // what a compressed stream leaves after its end still belongs to the entry's digest
    std::tie(out.digest, out.size, out.diff_id) = gz.finish();
    out.raw = raw.finish();
    return out;
}

inline std::string image_name(std::size_t i, const DockerArchiveImage& img) {
    std::string s = "image " + std::to_string(i);
    if (!img.repo_tags.empty()) s += " (" + img.repo_tags.front() + ")";
    return s;
}

}  // namespace detail::docker_io

inline std::vector<DockerArchiveImage> read_docker_archive_manifest(const std::filesystem::path& tar) {
    const detail::docker_io::Scan s = detail::docker_io::scan(tar);
    if (!s.manifest)
        throw DockerArchiveError(tar.string() +
                                 " has no manifest.json: not a docker archive (Docker before 1.10 "
                                 "wrote none; an OCI layout tar is read by read_layout_tar)");
    return detail::docker_io::parse_manifest_json(*s.manifest);
}

inline std::vector<ImportedImage> import_docker_archive(const std::filesystem::path& tar, Layout& into,
                                                        const ImportOptions& options) {
    namespace dio = detail::docker_io;
    namespace io = detail::layout_io;
    const dio::Scan s = dio::scan(tar);
    if (!s.manifest) throw DockerArchiveError(tar.string() + " has no manifest.json: not a docker archive");
    const std::vector<DockerArchiveImage> images = dio::parse_manifest_json(*s.manifest);

    // Every path resolved (and every tag checked) before anything is written.
    struct Plan {
        std::string config;
        std::vector<std::string> layers;
    };
    std::vector<Plan> plans;
    std::set<std::string> want_configs, want_layers;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const std::string where = "manifest.json[" + std::to_string(i) + "]";
        Plan p;
        p.config = dio::resolve(s, images[i].config, where + ".Config");
        want_configs.insert(p.config);
        for (std::size_t k = 0; k < images[i].layers.size(); ++k) {
            p.layers.push_back(dio::resolve(s, images[i].layers[k], where + ".Layers[" + std::to_string(k) + "]"));
            want_layers.insert(p.layers.back());
        }
        for (const std::string& t : images[i].repo_tags)
            if (options.tag && !io::valid_ref_name(t))
                throw DockerArchiveError(where + ".RepoTags: '" + t + "' cannot name an index.json entry");
        plans.push_back(std::move(p));
    }

    // Second pass: configs read, layers streamed into temp files of the layout.
    std::map<std::string, std::string> configs;
    std::map<std::string, dio::StreamedLayer> layers;
    std::map<std::string, std::unique_ptr<io::TempGuard>> guards;
    {
        io::ArchiveReader r(tar);
        while (archive_entry* e = r.next()) {
            if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) continue;
            const char* raw = archive_entry_pathname(e);
            const std::string name = io::safe_entry_path(raw ? raw : "");
            if (want_configs.count(name)) {
                configs[name] = dio::read_entry(r, name, 64 << 20);
            } else if (want_layers.count(name)) {
                const std::filesystem::path tmp = into.temp_path();
                auto guard = std::make_unique<io::TempGuard>(tmp);
                layers[name] = dio::stream_layer(r, e, name, tmp, options.gzip_level);
                guards[name] = std::move(guard);  // a repeated name drops the earlier copy
            }
        }
    }

    // Every image checked before any blob is stored.
    std::vector<ImageConfig> parsed;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const Plan& p = plans[i];
        const std::string who = dio::image_name(i, images[i]);
        const auto c = configs.find(p.config);
        if (c == configs.end())
            throw DockerArchiveError(who + ": config " + p.config + " was not read from " + tar.string());
        if (const auto hex = dio::blob_name_hex(p.config); hex && sha256_of(c->second).encoded != *hex)
            throw DockerArchiveError(who + ": config " + p.config + " hashes to " + sha256_of(c->second).str());
        ImageConfig cfg;
        try {
            cfg = parse_config(c->second);
        } catch (const ManifestError& e) { throw DockerArchiveError(who + ": config " + p.config + ": " + e.what()); }
        if (cfg.rootfs.diff_ids.size() != p.layers.size())
            throw DockerArchiveError(who + ": manifest.json lists " + std::to_string(p.layers.size()) +
                                     " layers, the config's rootfs.diff_ids " +
                                     std::to_string(cfg.rootfs.diff_ids.size()));
        for (std::size_t k = 0; k < p.layers.size(); ++k) {
            const std::string lname = "layer " + std::to_string(k) + " (" + images[i].layers[k] + ") of " + who;
            const auto l = layers.find(p.layers[k]);
            if (l == layers.end()) throw DockerArchiveError(lname + " was not read from " + tar.string());
            if (const auto hex = dio::blob_name_hex(p.layers[k]); hex && l->second.raw.encoded != *hex)
                throw DockerArchiveError(lname + " is corrupt: its bytes hash to " + l->second.raw.str());
            if (l->second.diff_id != cfg.rootfs.diff_ids[k])
                throw DockerArchiveError(lname + ": its uncompressed content is " + l->second.diff_id.str() +
                                         ", but the config's rootfs.diff_ids[" + std::to_string(k) + "] is " +
                                         cfg.rootfs.diff_ids[k].str());
        }
        parsed.push_back(std::move(cfg));
    }

    const bool docker = options.format == ImageFormat::docker;
    const std::string layer_type(docker ? media_type::docker_layer_gzip : media_type::oci_layer_gzip);
    std::map<std::string, Descriptor> stored;
    for (const auto& [name, l] : layers) {  // only the layers some image lists were streamed
        stored[name] = into.adopt_blob_file(l.tmp, layer_type, l.digest);
        guards[name]->release();
    }
    std::vector<ImportedImage> out;
    for (std::size_t i = 0; i < images.size(); ++i) {
        ImportedImage img;
        img.repo_tags = images[i].repo_tags;
        img.config = into.put_blob(configs.at(plans[i].config),
                                   std::string(docker ? media_type::docker_config : media_type::oci_config));
        Manifest m;
        m.media_type = std::string(docker ? media_type::docker_manifest : media_type::oci_manifest);
        m.config = img.config;
        for (const std::string& l : plans[i].layers) m.layers.push_back(stored.at(l));
        img.layers = m.layers;
        img.manifest = into.put_blob(to_json(m), m.media_type);
        img.manifest.platform = parsed[i].platform();
        if (options.tag) {
            for (const std::string& t : img.repo_tags) into.tag(img.manifest, t);
            if (img.repo_tags.empty()) {
                Index idx = into.index();
                if (std::none_of(idx.manifests.begin(), idx.manifests.end(),
                                 [&](const Descriptor& d) { return d.digest == img.manifest.digest; })) {
                    idx.manifests.push_back(img.manifest);
                    into.set_index(idx);
                }
            }
        }
        out.push_back(std::move(img));
    }
    return out;
}

inline void write_docker_archive(const Layout& from,
                                 const std::vector<std::pair<Descriptor, std::vector<std::string>>>& images,
                                 const std::filesystem::path& out) {
    namespace dio = detail::docker_io;
    namespace io = detail::layout_io;
    // Entry name -> its bytes, or the layer blob to decompress into it (with the diff_id it must
    // have); a map, so the tar comes out sorted.
    struct Item {
        std::string bytes;
        std::optional<std::pair<Descriptor, Digest>> layer;
        bool dir = false;
    };
    std::map<std::string, Item> entries;
    nlohmann::json manifest = nlohmann::json::array();
    for (const auto& [desc, tags] : images) {
        const std::string who = "image " + desc.digest.str();
        if (media_type::is_index(desc.media_type))
            throw DockerArchiveError(who + " is an index: a docker archive holds one platform's manifest per image");
        Manifest m;
        ImageConfig cfg;
        std::string cfg_bytes;
        try {
            m = parse_manifest(from.read_blob(desc.digest));
            cfg_bytes = from.read_blob(m.config.digest);
            cfg = parse_config(cfg_bytes);
        } catch (const ManifestError& e) { throw DockerArchiveError(who + ": " + e.what()); }
        if (cfg.rootfs.diff_ids.size() != m.layers.size())
            throw DockerArchiveError(who + ": " + std::to_string(m.layers.size()) + " layers but " +
                                     std::to_string(cfg.rootfs.diff_ids.size()) + " diff_ids in its config");
        for (const std::string& t : tags)
            if (!dio::valid_repo_tag(t))
                throw DockerArchiveError(who + ": RepoTag '" + t + "' is not NAME:TAG, which docker load requires");
        const std::string config_name = sha256_of(cfg_bytes).encoded + ".json";
        entries[config_name].bytes = cfg_bytes;
        nlohmann::json layer_names = nlohmann::json::array();
        for (std::size_t k = 0; k < m.layers.size(); ++k) {
            if (!media_type::is_layer(m.layers[k].media_type))
                throw DockerArchiveError(who + ": layer " + std::to_string(k) + " has media type " +
                                         m.layers[k].media_type + ", not a tar layer");
            const std::string folder = cfg.rootfs.diff_ids[k].encoded;
            entries[folder + "/"].dir = true;
            entries[folder + "/layer.tar"].layer = std::pair {m.layers[k], cfg.rootfs.diff_ids[k]};
            layer_names.push_back(folder + "/layer.tar");
        }
        manifest.push_back({{"Config", config_name}, {"RepoTags", tags}, {"Layers", layer_names}});
    }
    entries["manifest.json"].bytes = manifest.dump();

    const std::filesystem::path tmp = io::temp_beside(out);
    io::TempGuard guard(tmp);
    {
        io::ArchiveWriter w(tmp);
        for (const auto& [name, item] : entries) {
            if (item.dir) {
                w.dir(name);
            } else if (!item.layer) {
                w.file(name, item.bytes);
            } else {
                // The tar header needs the size: the layer is decompressed to a temp file first.
                const Descriptor& l = item.layer->first;
                const std::filesystem::path plain = io::temp_beside(out);
                io::TempGuard plain_guard(plain);
                Hasher h;
                {
                    io::Fd src = io::open_read(from.blob_path(l.digest));
                    io::Fd dst = io::create_excl(plain);
                    Hasher packed(l.digest.algorithm);
                    const dio::Pull pull = [&](char* buf, std::size_t cap) {
                        const std::size_t n = io::read_some(src.fd, buf, cap, from.blob_path(l.digest));
                        packed.update(buf, n);
                        return n;
                    };
                    auto sink = [&](const void* p, std::size_t n) {
                        h.update(p, n);
                        io::write_all(dst.fd, p, n, plain);
                    };
                    if (l.size != 0) dio::decompress(pull, sink, "layer " + l.digest.str());
                    std::unique_ptr<char[]> rest(new char[dio::chunk]);
                    while (pull(rest.get(), dio::chunk)) {}
                    if (packed.finish() != l.digest)
                        throw DockerArchiveError("layer " + l.digest.str() + " in " + from.dir().string() +
                                                 " is corrupt");
                }
                const Digest diff_id = h.finish();
                if (diff_id != item.layer->second)
                    throw DockerArchiveError("layer " + l.digest.str() + " uncompresses to " + diff_id.str() +
                                             ", but its config's diff_id is " + item.layer->second.str());
                w.file_from(name, plain);
            }
        }
        w.close();
    }
    io::sync_file(tmp);
    io::commit_temp(tmp, out);
    guard.release();
}

}  // namespace xbuild::oci
