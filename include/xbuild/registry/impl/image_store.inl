// Implementation of xbuild/registry/image_store.hpp. Included from the header.
#pragma once

#include <system_error>

namespace xbuild::registry {

inline oci::Descriptor StoredManifest::descriptor() const {
    oci::Descriptor d;
    d.media_type = media_type;
    d.digest = digest;
    d.size = static_cast<std::int64_t>(bytes.size());
    return d;
}

namespace detail {

inline bool is_digest_object(const std::string& object) { return object.find(':') != std::string::npos; }

// A manifest's media type when the place it came from did not say: its own mediaType field, else
// its kind.
inline std::string media_type_from_bytes(std::string_view bytes) {
    return std::string(oci::media_type_of(oci::parse_any_manifest(bytes)));
}

}  // namespace detail

// ---- registry ----

inline Reference RegistryStore::at(const std::string& object) const {
    if (object.empty() || object == ref_.object()) return ref_;
    return detail::is_digest_object(object) ? ref_.with_digest(object) : ref_.with_tag(object);
}

inline std::string RegistryStore::ref_of(const std::string& object) const {
    return name() + (detail::is_digest_object(object) ? "@" : ":") + object;
}

inline StoredManifest RegistryStore::manifest(const std::string& tag_or_digest) {
    auto got = client_.get_manifest(at(tag_or_digest));
    StoredManifest m {std::move(got.bytes), std::move(got.media_type), got.digest};
    if (!oci::media_type::is_index(m.media_type) && !oci::media_type::is_manifest(m.media_type))
        m.media_type = detail::media_type_from_bytes(m.bytes);
    return m;
}

inline bool RegistryStore::has_blob(const oci::Digest& digest) { return client_.has_blob(ref_, digest); }

inline std::string RegistryStore::blob(const oci::Descriptor& desc) { return client_.get_blob(ref_, desc.digest); }

inline void RegistryStore::blob_to_file(const oci::Descriptor& desc, const std::filesystem::path& out) {
    client_.get_blob_to_file(ref_, desc.digest, out);
}

inline void RegistryStore::put_blob(const oci::Descriptor& desc, std::string_view bytes) {
    client_.push_blob(ref_, bytes, desc);
}

inline void RegistryStore::put_blob_file(const oci::Descriptor& desc, const std::filesystem::path& file) {
    client_.push_blob(ref_, desc, file);
}

inline void RegistryStore::put_manifest(std::string_view bytes, std::string_view media_type, const std::string& tag) {
    const Reference to = tag.empty() ? ref_.with_digest(oci::sha256_of(bytes).str()) : ref_.with_tag(tag);
    client_.put_manifest(to, bytes, media_type);
}

// ---- layout ----

inline std::string LayoutStore::default_object() const {
    if (!ref_.digest.empty()) return ref_.digest;
    return ref_.tag;
}

inline std::string LayoutStore::ref_of(const std::string& object) const {
    return name() + (detail::is_digest_object(object) ? "@" : ":") + object;
}

inline StoredManifest LayoutStore::manifest(const std::string& tag_or_digest) {
    const oci::Index index = layout_.index();
    std::optional<oci::Descriptor> entry;
    if (tag_or_digest.empty()) {
        // No tag named: the layout's only image, as skopeo and umoci take it.
        if (index.manifests.size() != 1) {
            std::string names;
            for (const auto& d : index.manifests) {
                auto it = d.annotations.find(std::string(oci::ref_name_annotation));
                names += (names.empty() ? "" : ", ") + (it != d.annotations.end() ? it->second : d.digest.str());
            }
            throw oci::LayoutError(name() + ": " + std::to_string(index.manifests.size()) +
                                   " images in index.json, name one with :TAG or @DIGEST" +
                                   (names.empty() ? std::string() : " (" + names + ")"));
        }
        entry = index.manifests.front();
    } else if (detail::is_digest_object(tag_or_digest)) {
        const oci::Digest d = oci::Digest::parse(tag_or_digest);
        for (const auto& m : index.manifests)
            if (m.digest == d) entry = m;
        if (!entry) {
            if (!layout_.has_blob(d)) throw oci::LayoutError(name() + ": no manifest " + d.str());
            StoredManifest m {layout_.read_blob(d, 4 << 20), "", d};
            m.media_type = detail::media_type_from_bytes(m.bytes);
            return m;
        }
    } else {
        entry = layout_.find(tag_or_digest);
        if (!entry) throw oci::LayoutError(name() + ": no image tagged '" + tag_or_digest + "' in index.json");
    }
    StoredManifest m {layout_.read_blob(entry->digest, 4 << 20), entry->media_type, entry->digest};
    if (!oci::media_type::is_index(m.media_type) && !oci::media_type::is_manifest(m.media_type))
        m.media_type = detail::media_type_from_bytes(m.bytes);
    return m;
}

inline std::string LayoutStore::blob(const oci::Descriptor& desc) { return layout_.read_blob(desc.digest); }

inline std::optional<std::filesystem::path> LayoutStore::local_blob(const oci::Descriptor& desc) {
    if (!layout_.has_blob(desc.digest)) return std::nullopt;
    return layout_.blob_path(desc.digest);
}

inline void LayoutStore::blob_to_file(const oci::Descriptor& desc, const std::filesystem::path& out) {
    if (!layout_.has_blob(desc.digest)) throw oci::LayoutError(name() + ": no blob " + desc.digest.str());
    // Verified on the way: the folder may have been changed by other tools.
    const auto tmp = out.string() + ".partial";
    std::filesystem::copy_file(layout_.blob_path(desc.digest), tmp, std::filesystem::copy_options::overwrite_existing);
    if (oci::digest_file(tmp, desc.digest.algorithm) != desc.digest) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw oci::LayoutError(name() + ": blob " + desc.digest.str() + " does not match its digest");
    }
    std::filesystem::rename(tmp, out);
}

inline void LayoutStore::put_blob(const oci::Descriptor& desc, std::string_view bytes) {
    const oci::Descriptor got = layout_.put_blob(bytes, desc.media_type);
    if (got.digest != desc.digest)
        throw oci::LayoutError(name() + ": blob bytes hash to " + got.digest.str() + ", not " + desc.digest.str());
}

inline void LayoutStore::put_blob_file(const oci::Descriptor& desc, const std::filesystem::path& file) {
    layout_.put_blob_file(file, desc.media_type, desc.digest);
}

inline void LayoutStore::put_manifest(std::string_view bytes, std::string_view media_type, const std::string& tag) {
    const oci::Descriptor d = layout_.put_blob(bytes, std::string(media_type));
    if (!tag.empty()) layout_.tag(d, tag);
}

// ---- opening ----

inline std::unique_ptr<ImageStore> open_store(const ImageRef& ref, Client& client, bool create) {
    if (const auto* r = std::get_if<Reference>(&ref)) return std::make_unique<RegistryStore>(*r, client);
    const auto& l = std::get<LayoutReference>(ref);
    const std::filesystem::path dir = l.dir;
    std::error_code ec;
    const bool exists = std::filesystem::exists(dir / "oci-layout", ec);
    if (!exists && create) return std::make_unique<LayoutStore>(l, oci::Layout::create(dir));
    return std::make_unique<LayoutStore>(l, oci::Layout::open(dir));
}

}  // namespace xbuild::registry
