// Tests of xbuild/oci/media_types.hpp: both families (OCI and Docker) answer is_index,
// is_manifest, is_config and is_layer; nothing else does.
#include "xbuild/oci/media_types.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using namespace xbuild::oci;

TEST_CASE("media types: both families") {
    using namespace media_type;
    CHECK(is_index(oci_index));
    CHECK(is_index(docker_manifest_list));
    CHECK_FALSE(is_index(oci_manifest));
    CHECK(is_manifest(oci_manifest));
    CHECK(is_manifest(docker_manifest));
    CHECK_FALSE(is_manifest(docker_manifest_list));
    CHECK_FALSE(is_manifest(""));
    CHECK(is_config(oci_config));
    CHECK(is_config(docker_config));
    CHECK(is_layer(oci_layer));
    CHECK(is_layer(oci_layer_gzip));
    CHECK(is_layer(docker_layer_gzip));
    CHECK(is_layer(oci_layer_zstd));
    CHECK_FALSE(is_layer(oci_config));
    CHECK_FALSE(is_layer(oci_manifest));
    CHECK_FALSE(is_config(oci_empty));
    CHECK_FALSE(is_index(""));
}

TEST_CASE("media types: schema 1 and artifacts are neither manifests nor indexes") {
    using namespace media_type;
    for (std::string_view mt : {docker_manifest_v1, docker_manifest_v1_signed, oci_empty}) {
        CAPTURE(mt);
        CHECK_FALSE(is_manifest(mt));
        CHECK_FALSE(is_index(mt));
        CHECK_FALSE(is_layer(mt));
    }
    // Exact strings: a parameter or another case is another media type.
    CHECK_FALSE(is_manifest(std::string(oci_manifest) + "; charset=utf-8"));
    CHECK_FALSE(is_index("Application/vnd.oci.image.index.v1+json"));
    CHECK(oci_layer_gzip.starts_with(oci_layer));
    CHECK(docker_manifest_list.ends_with("+json"));
}

static_assert(xbuild::oci::media_type::is_index(xbuild::oci::media_type::oci_index), "usable in constant expressions");
