#include "build_output.hpp"

#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <system_error>

#include "build_tags.hpp"
#include "xbuild/oci/docker_archive.hpp"
#include "xbuild/oci/layout.hpp"
#include "xbuild/registry/image_copy.hpp"
#include "xbuild/registry/image_store.hpp"
#include "xbuild/strings.hpp"

namespace xbuild_cli {

namespace fs = std::filesystem;
namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

OutputSpec parse_output(std::string_view text) {
    OutputSpec spec;
    if (text.find('=') == std::string_view::npos) {  // -o DIR
        if (text.empty()) throw std::invalid_argument("-o: empty; give type=oci,dest=FILE or a folder");
        spec.dest = std::string(text);
        return spec;
    }
    std::string type;
    for (std::string_view field : xbuild::split(text, ',')) {
        const auto eq = field.find('=');
        const std::string key(field.substr(0, eq));
        const std::string value(eq == std::string_view::npos ? "" : field.substr(eq + 1));
        if (eq == std::string_view::npos || value.empty())
            throw std::invalid_argument("-o '" + std::string(text) + "': '" + std::string(field) + "' is not KEY=VALUE");
        if (key == "type") type = value;
        else if (key == "dest") spec.dest = value;
        else if (key == "tar") {
            if (value != "true" && value != "false") throw std::invalid_argument("-o: tar=" + value + ": give tar=true or tar=false");
            spec.tar = value == "true";
        } else if (key == "name") {
            for (auto n : xbuild::split(std::string_view(value), ';')) spec.names.emplace_back(n);
        } else {
            throw std::invalid_argument("-o: unknown key '" + key + "' (valid: type, dest, tar, name)");
        }
    }
    if (type == "local") spec.type = OutputSpec::Type::local;
    else if (type == "tar") spec.type = OutputSpec::Type::tar;
    else if (type == "oci") spec.type = OutputSpec::Type::oci;
    else if (type == "docker") spec.type = OutputSpec::Type::docker;
    else throw std::invalid_argument("-o: type '" + type + "' is not one of local, tar, oci, docker" +
                                     (type == "registry" || type == "image" ? " (to push, use --push)" : ""));
    if (spec.dest.empty()) throw std::invalid_argument("-o type=" + type + ": give dest=PATH");
    if (spec.dest == "-") throw std::invalid_argument("-o dest=-: writing to standard output is not supported; give a file");
    return spec;
}

std::string engine_output(const OutputSpec& spec, const xbuild::Platform& platform, bool several) {
    if (spec.type == OutputSpec::Type::oci || spec.type == OutputSpec::Type::docker) return "";
    std::string dest = spec.dest;
    if (several) {  // buildx's layout: a folder per platform, linux_arm64, linux_arm_v7
        std::string sub = platform.str();
        for (char& c : sub)
            if (c == '/') c = '_';
        dest = (fs::path(spec.dest) / sub).string();
    }
    return std::string(spec.type == OutputSpec::Type::tar ? "type=tar" : "type=local") + ",dest=" + dest;
}

namespace {

// The image of one platform, copied into `into`; its index entry (platform from its config).
oci::Descriptor add_platform(const PlatformImage& image, oci::Layout& into, const fs::path& work) {
    if (!image.oci_layout_tar) {
        oci::ImportOptions options;
        options.tag = false;
        const auto imported = oci::import_docker_archive(image.archive, into, options);
        if (imported.size() != 1)
            throw std::runtime_error(image.archive.string() + ": " + std::to_string(imported.size()) + " images, expected one");
        return imported.front().manifest;
    }
    // buildctl's oci exporter: a layout tar of its own, whose one entry is copied over.
    const fs::path dir = work / ("layout-" + platform_suffix(image.platform));
    oci::Layout from = oci::read_layout_tar(image.archive, dir);
    reg::LayoutStore src({dir.string(), "", ""}, std::move(from));
    reg::LayoutStore dst({into.dir().string(), "", ""}, oci::Layout::open(into.dir()));
    const reg::StoredManifest m = src.manifest("");
    reg::copy_tree(src, dst, m, "");
    auto entries = reg::index_entries(src, m);
    for (auto& e : entries)
        if (!e.is_attestation()) return e;
    throw std::runtime_error(image.archive.string() + ": no image in it");
}

// Docker's "name:tag" -> the ref.name tag buildx writes into index.json.
std::string tag_part(const std::string& name) { return split_image_name(name).tag.empty() ? "latest" : split_image_name(name).tag; }

}  // namespace

void write_output(const OutputSpec& spec, const std::vector<PlatformImage>& images, const fs::path& work) {
    const fs::path dest = fs::absolute(spec.dest);
    // The layout is staged beside dest (same filesystem: the final step is a rename).
    const fs::path stage = dest.parent_path() / ("." + dest.filename().string() + ".xbuild-" + std::to_string(::getpid()));
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{stage};
    fs::create_directories(dest.parent_path());
    oci::Layout layout = oci::Layout::create(stage);
    std::vector<oci::Descriptor> entries;
    for (const auto& image : images) entries.push_back(add_platform(image, layout, work));

    if (spec.type == OutputSpec::Type::docker) {
        if (entries.size() != 1) throw std::runtime_error("type=docker holds one platform");
        oci::write_docker_archive(layout, {{entries.front(), spec.names}}, dest);
        return;
    }
    const oci::Index index = reg::make_index(entries, reg::IndexFamily::oci);
    const oci::Descriptor top = layout.put_blob(oci::to_json(index), std::string(oci::media_type::oci_index));
    if (spec.names.empty()) {
        oci::Index root = layout.index();
        root.manifests = {top};
        layout.set_index(root);
    } else {
        for (const auto& name : spec.names) layout.tag(top, tag_part(name));
    }
    if (spec.tar) {
        oci::write_layout_tar(layout, dest);
        return;
    }
    std::error_code ec;
    if (fs::exists(dest, ec) && !fs::is_empty(dest, ec))
        throw std::runtime_error(dest.string() + " exists and is not empty: give a new folder");
    fs::remove(dest, ec);
    fs::rename(stage, dest);
    cleanup.dir.clear();
}

}  // namespace xbuild_cli
