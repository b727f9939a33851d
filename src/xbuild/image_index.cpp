#include "image_index.hpp"

#include <unistd.h>

#include <memory>
#include <set>
#include <stdexcept>

#include "interrupt.hpp"
#include "xbuild/registry/image_store.hpp"

namespace xbuild::cli {

namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

std::string platform_text(const oci::Descriptor& d) { return d.platform ? d.platform->str() : ""; }

namespace {

// An entry's platform in the table's normal form ("linux/arm64/v8" -> linux/arm64); nullopt when
// it names none the table knows (it can then match no --platform).
std::optional<xbuild::Platform> table_platform(const oci::Descriptor& d) {
    if (!d.platform || d.is_attestation()) return std::nullopt;
    try {
        return xbuild::parse_platform(d.platform->str());
    } catch (const xbuild::PlatformError&) { return std::nullopt; }
}

bool wanted(const oci::Descriptor& d, const std::vector<xbuild::Platform>& platforms) {
    if (platforms.empty()) return true;
    const auto p = table_platform(d);
    if (!p) return false;
    for (const auto& want : platforms)
        if (xbuild::matches_strict(want, *p)) return true;
    return false;
}

std::string attested_digest(const oci::Descriptor& d) {
    auto it = d.annotations.find(std::string(oci::annotation_reference_digest));
    return it == d.annotations.end() ? "" : it->second;
}

std::string tag_of(const reg::ImageRef& ref) {
    if (const auto* r = std::get_if<reg::Reference>(&ref)) {
        if (!r->digest.empty())
            throw std::invalid_argument("the target " + r->str() + " names a digest: give NAME:TAG");
        return r->tag.empty() ? "latest" : r->tag;
    }
    const auto& l = std::get<reg::LayoutReference>(ref);
    if (!l.digest.empty())
        throw std::invalid_argument("the target " + l.str() + " names a digest: give oci-layout://DIR:TAG");
    return l.tag.empty() ? "latest" : l.tag;
}

// The blob files of a layout folder, by path ("blobs/sha256/<hex>").
std::set<std::filesystem::path> blob_files(const std::filesystem::path& layout) {
    std::set<std::filesystem::path> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(layout / "blobs", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec)) out.insert(it->path());
    return out;
}

// A layout target that does not exist yet is made in a hidden folder beside it and renamed into
// place when complete, so a failure or Ctrl-C leaves no half-made layout behind. Into a layout
// that exists, the blobs a failed copy added (images before the one that failed) are removed
// again: index.json never named them, so the layout is left as it was.
class TargetStage {
   public:
    explicit TargetStage(const reg::ImageRef& target) : ref_(target) {
        const auto* l = std::get_if<reg::LayoutReference>(&target);
        std::error_code ec;
        if (!l) return;
        if (std::filesystem::exists(l->dir, ec)) {
            existing_ = std::filesystem::path(l->dir);
            blobs_before_ = blob_files(existing_);
            return;
        }
        final_ = std::filesystem::absolute(l->dir);
        stage_ = final_.parent_path() / ("." + final_.filename().string() + ".xbuild-" + std::to_string(::getpid()));
        guard_.emplace(stage_);
        std::filesystem::remove_all(stage_, ec);
        std::filesystem::create_directories(final_.parent_path());
        auto staged = *l;
        staged.dir = stage_.string();
        ref_ = staged;
    }
    ~TargetStage() {
        std::error_code ec;
        if (!stage_.empty()) std::filesystem::remove_all(stage_, ec);
        if (!existing_.empty())
            for (const auto& f : blob_files(existing_))
                if (!blobs_before_.count(f)) std::filesystem::remove(f, ec);
    }
    const reg::ImageRef& ref() const { return ref_; }
    void commit() {
        existing_.clear();
        if (stage_.empty()) return;
        std::filesystem::rename(stage_, final_);
        stage_.clear();
    }

   private:
    reg::ImageRef ref_;
    std::filesystem::path final_, stage_;
    std::filesystem::path existing_;  // a layout that was there: its blobs before, to undo a failure
    std::set<std::filesystem::path> blobs_before_;
    std::optional<RemoveOnInterrupt> guard_;
};

struct Entry {
    oci::Descriptor desc;
    int source;  // index into the source stores; -1: already in the target (--append)
};

}  // namespace

std::vector<oci::Descriptor> current_entries(reg::Client& client, const reg::ImageRef& ref) {
    const std::string tag = tag_of(ref);
    if (const auto* l = std::get_if<reg::LayoutReference>(&ref)) {
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::path(l->dir) / "oci-layout", ec)) return {};
        if (!oci::Layout::open(l->dir).find(tag)) return {};
    }
    auto store = reg::open_store(ref, client);
    reg::StoredManifest m;
    try {
        m = store->manifest(tag);
    } catch (const reg::RegistryError& e) {
        if (e.http_status == 404) return {};
        throw;
    }
    return reg::index_entries(*store, m);
}

IndexResult write_index(reg::Client& client, const IndexRequest& request) {
    std::vector<std::unique_ptr<reg::ImageStore>> stores;
    std::vector<reg::StoredManifest> tops;
    std::vector<Entry> found;
    for (const auto& src : request.sources) {
        stores.push_back(reg::open_store(src, client));
        auto& store = *stores.back();
        tops.push_back(store.manifest(store.default_object()));
        const reg::StoredManifest& m = tops.back();
        std::vector<oci::Descriptor> entries;
        try {
            entries = reg::index_entries(store, m);
        } catch (const oci::ManifestError& e) {
            throw oci::ManifestError(store.ref_of(store.default_object()) + ": " + e.what());
        }
        const std::size_t i = stores.size() - 1;
        if (i < request.source_platforms.size() && request.source_platforms[i]) {
            if (entries.size() != 1)
                throw std::invalid_argument(store.ref_of(store.default_object()) +
                                            " is an index: a platform can be set only on an image");
            entries.front().platform = request.source_platforms[i];
        }
        for (auto& d : entries) found.push_back({std::move(d), int(i)});
    }

    // One source and nothing to change: a carbon copy, the same bytes and digest (for an image, only
    // when no index is preferred), as buildx does.
    const bool unchanged = request.sources.size() == 1 && request.base_entries.empty() && request.platforms.empty() &&
                           request.annotations.empty() && request.family == reg::IndexFamily::automatic &&
                           (request.source_platforms.empty() || !request.source_platforms.front());
    if (unchanged && (oci::media_type::is_index(tops.front().media_type) || !request.prefer_index)) {
        IndexResult out;
        out.bytes = tops.front().bytes;
        out.digest = tops.front().digest;
        for (const auto& e : found) {
            out.index.manifests.push_back(e.desc);
            if (!e.desc.is_attestation()) out.platforms.push_back(platform_text(e.desc));
        }
        if (request.dry_run) return out;
        for (const auto& target : request.targets) {
            TargetStage stage(target);
            auto dst = reg::open_store(stage.ref(), client, /*create=*/true);
            reg::copy_tree(*stores.front(), *dst, tops.front(), tag_of(target), &out.stats);
            stage.commit();
        }
        return out;
    }

    // The platform filter, and the attestations of the images it keeps.
    std::set<std::string> kept;
    for (const auto& e : found)
        if (!e.desc.is_attestation() && wanted(e.desc, request.platforms)) kept.insert(e.desc.digest.str());
    std::vector<Entry> chosen;
    for (const auto& e : found)
        if (e.desc.is_attestation() ? kept.count(attested_digest(e.desc)) > 0 : kept.count(e.desc.digest.str()) > 0)
            chosen.push_back(e);
    if (kept.empty()) {
        std::string have;
        for (const auto& e : found)
            if (!e.desc.is_attestation()) have += (have.empty() ? "" : ", ") + platform_text(e.desc);
        throw std::invalid_argument("no image of the platforms asked for among the sources (they have: " +
                                    (have.empty() ? std::string("none") : have) + ")");
    }

    // --append: the target's entries first, except platforms the sources bring again.
    std::set<std::string> new_platforms;
    for (const auto& e : chosen)
        if (e.desc.platform && !e.desc.is_attestation()) new_platforms.insert(oci::to_json(*e.desc.platform));
    std::vector<Entry> all;
    std::set<std::string> replaced;
    for (const auto& d : request.base_entries) {
        if (d.platform && !d.is_attestation() && new_platforms.count(oci::to_json(*d.platform))) {
            replaced.insert(d.digest.str());
            continue;
        }
        all.push_back({d, -1});
    }
    std::erase_if(all,
                  [&](const Entry& e) { return e.desc.is_attestation() && replaced.count(attested_digest(e.desc)); });
    all.insert(all.end(), chosen.begin(), chosen.end());

    std::vector<oci::Descriptor> descs;
    for (const auto& e : all) descs.push_back(e.desc);
    IndexResult out;
    out.index = reg::make_index(descs, request.family, request.annotations);
    out.bytes = oci::to_json(out.index);
    out.digest = oci::sha256_of(out.bytes);
    for (const auto& d : out.index.manifests)
        if (!d.is_attestation()) out.platforms.push_back(platform_text(d));
    if (request.dry_run) return out;

    for (const auto& target : request.targets) {
        const std::string tag = tag_of(target);
        TargetStage stage(target);
        auto dst = reg::open_store(stage.ref(), client, /*create=*/true);
        std::set<std::string> copied;
        for (const auto& e : all) {
            if (e.source < 0) continue;
            auto& src = *stores[std::size_t(e.source)];
            if (src.name() == dst->name() || !copied.insert(e.desc.digest.str()).second) continue;
            reg::copy_tree(src, *dst, src.manifest(e.desc.digest.str()), "", &out.stats);
        }
        dst->put_manifest(out.bytes, oci::media_type_of(out.index), tag);
        ++out.stats.manifests;
        stage.commit();
    }
    return out;
}

}  // namespace xbuild::cli
