// xbuild/oci/media_types.hpp: the media types of images, in their OCI and Docker spellings.
//
//   if (xbuild::oci::media_type::is_index(desc.media_type)) ...   // fetch it, pick a platform
//   layer.media_type = xbuild::oci::media_type::oci_layer_gzip;
//
// Registries and tools mix both families: a Docker manifest list may point at OCI manifests and
// the other way round, so code that walks images asks is_index / is_manifest, never one string.
#pragma once

#include <string_view>

namespace xbuild::oci::media_type {

// OCI image spec v1.
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// The empty descriptor ("{}") artifacts use as their config.
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";

// Docker image manifest v2, schema 2 (what `docker push` writes).
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
// Schema 1 (signed, long deprecated): recognized only to refuse it with a clear message.
inline constexpr std::string_view docker_manifest_v1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// A list of manifests, one per platform: an OCI index or a Docker manifest list.
constexpr bool is_index(std::string_view mt) { return mt == oci_index || mt == docker_manifest_list; }
// One image's manifest: OCI or Docker schema 2.
constexpr bool is_manifest(std::string_view mt) { return mt == oci_manifest || mt == docker_manifest; }
// An image config blob.
constexpr bool is_config(std::string_view mt) { return mt == oci_config || mt == docker_config; }
// A layer blob we can unpack (tar, gzipped tar or zstd tar, either family).
constexpr bool is_layer(std::string_view mt) {
    return mt == oci_layer || mt == oci_layer_gzip || mt == oci_layer_zstd || mt == docker_layer_gzip;
}

}  // namespace xbuild::oci::media_type
