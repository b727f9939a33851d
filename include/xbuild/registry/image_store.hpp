// xbuild/registry/image_store.hpp: one interface over the places an image can be: a repository of
// a registry, or an OCI image layout folder. Copying, inspecting and joining images
// (image_copy.hpp) are written once against it.
//
//   Client client(options);
//   auto src = open_store(parse_image_ref("127.0.0.1:5000/app:1.0"), client);
//   auto dst = open_store(parse_image_ref("oci-layout://out:1.0"), client, /*create=*/true);
//   StoredManifest top = src->manifest(src->default_object());   // verified bytes
//   dst->put_manifest(top.bytes, top.media_type, "1.0");
//
// A store is one repository: a registry store reads and writes registry/repository, a layout store
// the whole folder (its index.json names images by the ref.name annotation). Everything read is
// checked against its digest, by the client or the layout.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xbuild/oci/digest.hpp"
#include "xbuild/oci/image.hpp"
#include "xbuild/oci/layout.hpp"
#include "client.hpp"
#include "reference.hpp"

namespace xbuild::registry {

// A manifest or index as stored: its exact bytes (the digest is theirs), and its media type.
struct StoredManifest {
    std::string bytes;
    std::string media_type;
    oci::Digest digest;

    oci::Descriptor descriptor() const;  // media type, digest and size, no platform
};

class ImageStore {
   public:
    virtual ~ImageStore() = default;

    // For messages and output: "127.0.0.1:5000/app", "oci-layout://out".
    virtual std::string name() const = 0;
    // The tag or digest the reference named ("" for a layout reference without one: its only image).
    virtual std::string default_object() const = 0;
    // A reference to `object` (tag or "sha256:...") in this store, as a user would type it.
    virtual std::string ref_of(const std::string& object) const = 0;

    // The manifest or index named by a tag or a digest; throws (RegistryError, LayoutError) when
    // there is none.
    virtual StoredManifest manifest(const std::string& tag_or_digest) = 0;
    virtual bool has_blob(const oci::Digest& digest) = 0;
    // A small blob (a config), verified.
    virtual std::string blob(const oci::Descriptor& desc) = 0;
    // A blob streamed to a file, verified before it is there.
    virtual void blob_to_file(const oci::Descriptor& desc, const std::filesystem::path& out) = 0;
    // Where the blob already is on disk (layouts), so a copy reads it in place.
    virtual std::optional<std::filesystem::path> local_blob(const oci::Descriptor&) { return std::nullopt; }

    virtual void put_blob(const oci::Descriptor& desc, std::string_view bytes) = 0;
    virtual void put_blob_file(const oci::Descriptor& desc, const std::filesystem::path& file) = 0;
    // Stores a manifest or index; `tag` "" stores it by digest only (a child of an index).
    virtual void put_manifest(std::string_view bytes, std::string_view media_type, const std::string& tag) = 0;
};

// A repository of a registry, through `client` (which must outlive the store).
class RegistryStore final : public ImageStore {
   public:
    RegistryStore(Reference ref, Client& client) : ref_(std::move(ref)), client_(client) {}

    std::string name() const override { return ref_.registry + "/" + ref_.repository; }
    std::string default_object() const override { return ref_.object(); }
    std::string ref_of(const std::string& object) const override;
    const Reference& reference() const { return ref_; }
    Client& client() { return client_; }

    StoredManifest manifest(const std::string& tag_or_digest) override;
    bool has_blob(const oci::Digest& digest) override;
    std::string blob(const oci::Descriptor& desc) override;
    void blob_to_file(const oci::Descriptor& desc, const std::filesystem::path& out) override;
    void put_blob(const oci::Descriptor& desc, std::string_view bytes) override;
    void put_blob_file(const oci::Descriptor& desc, const std::filesystem::path& file) override;
    void put_manifest(std::string_view bytes, std::string_view media_type, const std::string& tag) override;

   private:
    Reference at(const std::string& object) const;
    Reference ref_;
    Client& client_;
};

// An OCI image layout folder.
class LayoutStore final : public ImageStore {
   public:
    LayoutStore(LayoutReference ref, oci::Layout layout) : ref_(std::move(ref)), layout_(std::move(layout)) {}

    std::string name() const override { return "oci-layout://" + ref_.dir; }
    std::string default_object() const override;
    std::string ref_of(const std::string& object) const override;
    oci::Layout& layout() { return layout_; }

    StoredManifest manifest(const std::string& tag_or_digest) override;
    bool has_blob(const oci::Digest& digest) override { return layout_.has_blob(digest); }
    std::string blob(const oci::Descriptor& desc) override;
    void blob_to_file(const oci::Descriptor& desc, const std::filesystem::path& out) override;
    std::optional<std::filesystem::path> local_blob(const oci::Descriptor& desc) override;
    void put_blob(const oci::Descriptor& desc, std::string_view bytes) override;
    void put_blob_file(const oci::Descriptor& desc, const std::filesystem::path& file) override;
    void put_manifest(std::string_view bytes, std::string_view media_type, const std::string& tag) override;

   private:
    LayoutReference ref_;
    oci::Layout layout_;
};

// The store an ImageRef names. A layout folder is opened; with `create`, made when it is absent.
// Throws LayoutError for a folder that is not a layout (the message says so).
std::unique_ptr<ImageStore> open_store(const ImageRef& ref, Client& client, bool create = false);

}  // namespace xbuild::registry

#include "impl/image_store.inl"
