// Implementation of xbuild/registry/image_copy.hpp. Included from the header.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

namespace xbuild::registry {

namespace detail {

// A temp file for one blob in transit, removed when the last holder lets go.
struct TempBlob {
    std::filesystem::path path;
    ~TempBlob() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove(path, ec);
    }
};

inline std::filesystem::path temp_blob_path(const oci::Digest& d) {
    static std::atomic<int> counter {0};
    return std::filesystem::temp_directory_path() / ("xbuild-blob-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter++) + "-" + d.encoded.substr(0, 12));
}

// To a registry from a store with no file to read in place: a reader that fetches the source blob
// only when the upload really needs bytes (a mount that succeeds, or a HEAD that finds it, reads
// nothing), then serves them by offset.
inline BlobReader lazy_reader(ImageStore& from, const oci::Descriptor& desc) {
    struct State {
        ImageStore* from;
        oci::Descriptor desc;
        TempBlob file;
        std::ifstream in;
    };
    auto state = std::make_shared<State>();
    state->from = &from;
    state->desc = desc;
    return [state](std::uint64_t offset, void* buffer, std::size_t size) -> std::size_t {
        if (state->file.path.empty()) {
            state->file.path = temp_blob_path(state->desc.digest);
            state->from->blob_to_file(state->desc, state->file.path);
            state->in.open(state->file.path, std::ios::binary);
            if (!state->in) throw std::runtime_error("cannot read " + state->file.path.string());
        }
        state->in.clear();
        state->in.seekg(static_cast<std::streamoff>(offset));
        state->in.read(static_cast<char*>(buffer), static_cast<std::streamsize>(size));
        return static_cast<std::size_t>(state->in.gcount());
    };
}

}  // namespace detail

inline void copy_blob(ImageStore& from, ImageStore& to, const oci::Descriptor& desc, CopyStats* stats) {
    auto* dst_registry = dynamic_cast<RegistryStore*>(&to);
    auto* src_registry = dynamic_cast<RegistryStore*>(&from);
    if (dst_registry) {
        // push_blob HEADs first (so no has_blob here: that would be a second HEAD per blob), then
        // mounts when the source is another repository of the same registry.
        PushOptions options;
        if (src_registry && src_registry->reference().registry == dst_registry->reference().registry &&
            src_registry->reference().repository != dst_registry->reference().repository)
            options.mount_from_repository = src_registry->reference().repository;
        Client& client = dst_registry->client();
        const Reference& ref = dst_registry->reference();
        PushResult r;
        if (auto local = from.local_blob(desc))  // a layout's file, sent as it is: no temp copy
            r = client.push_blob(ref, desc, *local, options);
        else r = client.push_blob(ref, desc, detail::lazy_reader(from, desc), options);
        if (stats) ++(r == PushResult::already_present ? stats->blobs_present : stats->blobs_sent);
        return;
    }
    if (to.has_blob(desc.digest)) {
        if (stats) ++stats->blobs_present;
        return;
    }
    if (auto local = from.local_blob(desc)) {
        to.put_blob_file(desc, *local);
    } else {
        detail::TempBlob tmp {detail::temp_blob_path(desc.digest)};
        from.blob_to_file(desc, tmp.path);
        to.put_blob_file(desc, tmp.path);
    }
    if (stats) ++stats->blobs_sent;
}

inline void copy_tree(ImageStore& from, ImageStore& to, const StoredManifest& m, const std::string& tag,
                      CopyStats* stats) {
    const oci::AnyManifest any = oci::parse_any_manifest(m.bytes, m.media_type);
    if (const auto* index = std::get_if<oci::Index>(&any)) {
        for (const oci::Descriptor& child : index->manifests) {
            if (oci::media_type::is_index(child.media_type) || oci::media_type::is_manifest(child.media_type)) {
                copy_tree(from, to, from.manifest(child.digest.str()), "", stats);
            } else {
                copy_blob(from, to, child, stats);  // an artifact's blob, kept as is
            }
        }
    } else {
        const auto& manifest = std::get<oci::Manifest>(any);
        copy_blob(from, to, manifest.config, stats);
        for (const oci::Descriptor& layer : manifest.layers) copy_blob(from, to, layer, stats);
    }
    to.put_manifest(m.bytes, m.media_type, tag);
    if (stats) ++stats->manifests;
}

inline std::vector<oci::Descriptor> index_entries(ImageStore& store, const StoredManifest& m) {
    const oci::AnyManifest any = oci::parse_any_manifest(m.bytes, m.media_type);
    if (const auto* index = std::get_if<oci::Index>(&any)) return index->manifests;
    const auto& manifest = std::get<oci::Manifest>(any);
    if (!oci::media_type::is_config(manifest.config.media_type))
        throw std::invalid_argument(store.ref_of(m.digest.str()) + " is not an image: its config is '" +
                                    manifest.config.media_type + "', not an image config (" +
                                    std::string(oci::media_type::oci_config) + " or " +
                                    std::string(oci::media_type::docker_config) + ")");
    oci::Descriptor d = m.descriptor();
    d.platform = oci::parse_config(store.blob(manifest.config)).platform();
    return {d};
}

inline oci::Index make_index(const std::vector<oci::Descriptor>& entries, IndexFamily family,
                             const std::map<std::string, std::string>& annotations) {
    if (family == IndexFamily::automatic) {
        family = annotations.empty() ? IndexFamily::docker : IndexFamily::oci;
        for (const auto& e : entries)
            if (e.media_type != oci::media_type::docker_manifest) family = IndexFamily::oci;
    }
    if (family == IndexFamily::docker && !annotations.empty())
        throw std::invalid_argument(
            "a Docker manifest list has no annotations: make an OCI index (--format oci) to annotate it");
    oci::Index index;
    index.media_type =
        family == IndexFamily::docker ? oci::media_type::docker_manifest_list : oci::media_type::oci_index;
    index.annotations = annotations;
    std::map<std::string, std::string> seen;  // platform -> digest
    std::set<std::string> digests;
    for (const auto& e : entries) {
        if (!digests.insert(e.digest.str()).second) continue;  // the same manifest from two sources
        if (family == IndexFamily::docker && !e.platform)
            throw std::invalid_argument("manifest " + e.digest.str() +
                                        " has no platform, which a Docker manifest list requires (make an OCI index)");
        if (e.platform && !e.is_attestation()) {
            const std::string key = oci::to_json(*e.platform);
            auto [it, fresh] = seen.emplace(key, e.digest.str());
            if (!fresh)
                throw std::invalid_argument("platform " + e.platform->str() + " is given twice (" + it->second +
                                            " and " + e.digest.str() + "): keep one source per platform");
        }
        index.manifests.push_back(e);
    }
    return index;
}

}  // namespace xbuild::registry
