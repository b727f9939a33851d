// Small images put into an ImageStore for the tests of xbuild/registry/image_store.hpp and
// image_copy.hpp: a config for a platform and one layer blob (any bytes: nothing unpacks it),
// under an OCI or Docker manifest; and a temporary folder for layouts.
//
//   test_support::TempDir t;
//   auto store = open_store(parse_image_ref("oci-layout://" + t.str("a") + ":1.0"), client, true);
//   test_support::SampleImage img = test_support::put_image(*store, "arm64", "1.0");
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "xbuild/oci/image.hpp"
#include "xbuild/registry/image_store.hpp"

namespace test_support {

// A fresh folder under the temp directory, removed with everything in it at the end of scope.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> n {0};
        path = std::filesystem::temp_directory_path() /
               ("xbuild-image-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string str(const std::string& sub) const { return (path / sub).string(); }
};

struct SampleImage {
    xbuild::oci::Descriptor config, layer;
    xbuild::registry::StoredManifest manifest;
};

// Puts a linux/`arch` image with one layer (`layer_text`) into `store`, tagged `tag` ("" = by
// digest only); Docker's media types when `docker`.
inline SampleImage put_image(xbuild::registry::ImageStore& store, const std::string& arch, const std::string& tag,
                             const std::string& layer_text = "layer", bool docker = false) {
    namespace oci = xbuild::oci;
    namespace mt = oci::media_type;
    SampleImage img;
    const std::string layer = layer_text + " for " + arch;
    img.layer = {std::string(docker ? mt::docker_layer_gzip : mt::oci_layer_gzip), oci::sha256_of(layer),
                 std::int64_t(layer.size())};
    store.put_blob(img.layer, layer);
    oci::ImageConfig cfg;
    cfg.os = "linux";
    cfg.architecture = arch;
    cfg.rootfs.diff_ids.push_back(oci::sha256_of(layer));
    const std::string cfg_bytes = oci::to_json(cfg);
    img.config = {std::string(docker ? mt::docker_config : mt::oci_config), oci::sha256_of(cfg_bytes),
                  std::int64_t(cfg_bytes.size())};
    store.put_blob(img.config, cfg_bytes);
    oci::Manifest m;
    m.media_type = std::string(docker ? mt::docker_manifest : mt::oci_manifest);
    m.config = img.config;
    m.layers = {img.layer};
    img.manifest.bytes = oci::to_json(m);
    img.manifest.media_type = m.media_type;
    img.manifest.digest = oci::sha256_of(img.manifest.bytes);
    store.put_manifest(img.manifest.bytes, img.manifest.media_type, tag);
    return img;
}

}  // namespace test_support
