// Tests of xbuild/registry/image_store.hpp on its layout side (the registry side needs a registry:
// tests/registry/client_test.cpp): open_store, names and references, manifests by tag, digest or
// none, blobs read, verified, and found in place.
#include "xbuild/registry/image_store.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "image_samples.hpp"

using namespace xbuild::registry;
namespace oci = xbuild::oci;
using test_support::put_image;
using test_support::TempDir;

TEST_CASE("open_store: a layout is made only with create, and named as the user wrote it") {
    TempDir t;
    Client client;
    const ImageRef ref = parse_image_ref("oci-layout://" + t.str("out") + ":1.0");
    CHECK_THROWS_AS(open_store(ref, client), oci::LayoutError);
    auto store = open_store(ref, client, /*create=*/true);
    CHECK(std::filesystem::exists(t.path / "out" / "oci-layout"));
    CHECK(store->name() == "oci-layout://" + t.str("out"));
    CHECK(store->default_object() == "1.0");
    CHECK(store->ref_of("2.0") == store->name() + ":2.0");
    CHECK(store->ref_of("sha256:" + std::string(64, 'a')) == store->name() + "@sha256:" + std::string(64, 'a'));
    CHECK(open_store(ref, client) != nullptr);  // exists now

    auto registry = open_store(parse_image_ref("127.0.0.1:5000/app:1.0"), client);
    CHECK(registry->name() == "127.0.0.1:5000/app");
    CHECK(registry->default_object() == "1.0");
    CHECK(dynamic_cast<RegistryStore*>(registry.get()) != nullptr);
}

TEST_CASE("a layout store: manifests by tag, by digest, and the only image") {
    TempDir t;
    Client client;
    auto store = open_store(parse_image_ref("oci-layout://" + t.str("l")), client, true);
    CHECK(store->default_object().empty());
    const auto img = put_image(*store, "arm64", "1.0");

    const StoredManifest by_tag = store->manifest("1.0");
    CHECK(by_tag.bytes == img.manifest.bytes);
    CHECK(by_tag.media_type == img.manifest.media_type);
    CHECK(by_tag.digest == img.manifest.digest);
    CHECK(store->manifest(img.manifest.digest.str()).bytes == img.manifest.bytes);
    CHECK(store->manifest("").digest == img.manifest.digest);  // the only image
    CHECK(by_tag.descriptor().size == std::int64_t(img.manifest.bytes.size()));
    CHECK(by_tag.descriptor().media_type == img.manifest.media_type);

    // An untagged manifest is still found by digest, its media type read from its bytes.
    const auto child = put_image(*store, "amd64", "", "other", /*docker=*/true);
    const StoredManifest c = store->manifest(child.manifest.digest.str());
    CHECK(c.media_type == std::string(oci::media_type::docker_manifest));

    put_image(*store, "riscv64", "2.0");
    CHECK_THROWS_WITH_AS(store->manifest(""), doctest::Contains("2 images in index.json, name one with :TAG"),
                         oci::LayoutError);
    CHECK_THROWS_WITH(store->manifest("3.0"), doctest::Contains("no image tagged '3.0'"));
    CHECK_THROWS_WITH(store->manifest(oci::sha256_of("nothing").str()), doctest::Contains("no manifest sha256:"));
}

TEST_CASE("a layout store: blobs read, copied out verified, refused when the bytes are wrong") {
    TempDir t;
    Client client;
    auto store = open_store(parse_image_ref("oci-layout://" + t.str("l") + ":x"), client, true);
    const auto img = put_image(*store, "amd64", "x");
    CHECK(store->has_blob(img.layer.digest));
    CHECK_FALSE(store->has_blob(oci::sha256_of("absent")));
    CHECK(oci::sha256_of(store->blob(img.config)) == img.config.digest);
    const auto local = store->local_blob(img.layer);
    REQUIRE(local.has_value());
    CHECK(oci::digest_file(*local) == img.layer.digest);
    CHECK_FALSE(store->local_blob({"x", oci::sha256_of("absent"), 6}).has_value());

    store->blob_to_file(img.layer, t.path / "layer.out");
    CHECK(oci::digest_file(t.path / "layer.out") == img.layer.digest);
    CHECK_THROWS_WITH_AS(store->blob_to_file({"x", oci::sha256_of("absent"), 6}, t.path / "none"),
                         doctest::Contains("no blob sha256:"), oci::LayoutError);

    // put_blob checks the bytes against the descriptor.
    const oci::Descriptor lie {"application/octet-stream", oci::sha256_of("one"), 3};
    CHECK_THROWS_WITH_AS(store->put_blob(lie, "two"), doctest::Contains("hash to sha256:"), oci::LayoutError);

    // A blob changed on disk by another tool is not copied out.
    std::filesystem::permissions(*local, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::ofstream(*local, std::ios::binary | std::ios::trunc) << "tampered";
    CHECK_THROWS_WITH(store->blob_to_file(img.layer, t.path / "bad.out"), doctest::Contains("does not match"));
    CHECK_FALSE(std::filesystem::exists(t.path / "bad.out"));
}
