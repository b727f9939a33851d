// Tests of xbuild/registry/image_copy.hpp between layout stores (copies to and from registries
// are in tests/registry/client_test.cpp): copy_tree and its stats, index_entries, and the rules
// of make_index.
#include "xbuild/registry/image_copy.hpp"

#include <doctest/doctest.h>

#include <string>

#include "image_samples.hpp"

using namespace xbuild::registry;
namespace oci = xbuild::oci;
using test_support::put_image;
using test_support::SampleImage;
using test_support::TempDir;

namespace {

oci::Descriptor entry(const SampleImage& img, const std::string& arch) {
    oci::Descriptor d = img.manifest.descriptor();
    d.platform = oci::Platform {"linux", arch};
    return d;
}

}  // namespace

TEST_CASE("copy_tree: an image and its blobs, then nothing new the second time") {
    TempDir t;
    Client client;
    auto from = open_store(parse_image_ref("oci-layout://" + t.str("a") + ":1.0"), client, true);
    auto to = open_store(parse_image_ref("oci-layout://" + t.str("b") + ":1.0"), client, true);
    const auto img = put_image(*from, "arm64", "1.0");

    CopyStats stats;
    copy_tree(*from, *to, from->manifest("1.0"), "1.0", &stats);
    CHECK(stats.blobs_sent == 2);  // config and layer
    CHECK(stats.blobs_present == 0);
    CHECK(stats.manifests == 1);
    CHECK(to->manifest("1.0").bytes == img.manifest.bytes);
    CHECK(to->has_blob(img.layer.digest));
    CHECK(to->has_blob(img.config.digest));

    CopyStats again;
    copy_tree(*from, *to, from->manifest("1.0"), "latest", &again);
    CHECK(again.blobs_sent == 0);
    CHECK(again.blobs_present == 2);
    CHECK(to->manifest("latest").digest == img.manifest.digest);
    copy_blob(*from, *to, img.layer);  // no stats: fine
}

TEST_CASE("copy_tree: an index brings its children, stored by digest only") {
    TempDir t;
    Client client;
    auto from = open_store(parse_image_ref("oci-layout://" + t.str("a")), client, true);
    auto to = open_store(parse_image_ref("oci-layout://" + t.str("b")), client, true);
    const auto arm = put_image(*from, "arm64", "");
    const auto amd = put_image(*from, "amd64", "");
    const oci::Index index = make_index({entry(arm, "arm64"), entry(amd, "amd64")}, IndexFamily::oci);
    const std::string bytes = oci::to_json(index);
    from->put_manifest(bytes, oci::media_type::oci_index, "multi");

    CopyStats stats;
    copy_tree(*from, *to, from->manifest("multi"), "multi", &stats);
    CHECK(stats.manifests == 3);
    CHECK(stats.blobs_sent == 4);
    CHECK(to->manifest("multi").bytes == bytes);
    CHECK(to->manifest(arm.manifest.digest.str()).bytes == arm.manifest.bytes);
    CHECK(to->manifest(amd.manifest.digest.str()).bytes == amd.manifest.bytes);
    CHECK(index_entries(*to, to->manifest("multi")) == index.manifests);
}

TEST_CASE("index_entries: one image's entry takes the platform of its config; artifacts are refused") {
    TempDir t;
    Client client;
    auto store = open_store(parse_image_ref("oci-layout://" + t.str("a")), client, true);
    const auto img = put_image(*store, "riscv64", "x");
    const auto entries = index_entries(*store, store->manifest("x"));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].digest == img.manifest.digest);
    REQUIRE(entries[0].platform.has_value());
    CHECK(entries[0].platform->str() == "linux/riscv64");

    oci::Manifest artifact;
    artifact.media_type = std::string(oci::media_type::oci_manifest);
    artifact.config = {std::string(oci::media_type::oci_empty), oci::sha256_of("{}"), 2};
    store->put_blob(artifact.config, "{}");
    store->put_manifest(oci::to_json(artifact), oci::media_type::oci_manifest, "sbom");
    CHECK_THROWS_WITH_AS(index_entries(*store, store->manifest("sbom")), doctest::Contains("is not an image"),
                         std::invalid_argument);
}

TEST_CASE("make_index: the family, duplicates, and what a Docker list cannot hold") {
    TempDir t;
    Client client;
    auto store = open_store(parse_image_ref("oci-layout://" + t.str("a")), client, true);
    const auto d_arm = put_image(*store, "arm64", "", "l", /*docker=*/true);
    const auto d_amd = put_image(*store, "amd64", "", "l", /*docker=*/true);
    const auto o_amd = put_image(*store, "amd64", "", "m");

    const oci::Index docker = make_index({entry(d_arm, "arm64"), entry(d_amd, "amd64")}, IndexFamily::automatic);
    CHECK(docker.media_type == oci::media_type::docker_manifest_list);
    CHECK(docker.manifests.size() == 2);
    CHECK(make_index({entry(d_arm, "arm64"), entry(o_amd, "amd64")}, IndexFamily::automatic).media_type ==
          oci::media_type::oci_index);
    CHECK(make_index({entry(d_arm, "arm64")}, IndexFamily::automatic, {{"k", "v"}}).media_type ==
          oci::media_type::oci_index);
    CHECK(make_index({entry(d_arm, "arm64")}, IndexFamily::docker).media_type == oci::media_type::docker_manifest_list);

    // The same manifest twice is kept once; two sources for one platform are refused.
    CHECK(make_index({entry(d_arm, "arm64"), entry(d_arm, "arm64")}, IndexFamily::oci).manifests.size() == 1);
    CHECK_THROWS_WITH_AS(make_index({entry(d_amd, "amd64"), entry(o_amd, "amd64")}, IndexFamily::oci),
                         doctest::Contains("platform linux/amd64 is given twice"), std::invalid_argument);
    CHECK_THROWS_WITH(make_index({entry(d_arm, "arm64")}, IndexFamily::docker, {{"k", "v"}}),
                      doctest::Contains("has no annotations"));
    CHECK_THROWS_WITH(make_index({d_arm.manifest.descriptor()}, IndexFamily::docker),
                      doctest::Contains("has no platform"));
    CHECK(make_index({d_arm.manifest.descriptor()}, IndexFamily::oci).manifests.size() == 1);
}
