#include "build_output.hpp"

#include <unistd.h>

#include <stdexcept>
#include <system_error>

#include "build_tags.hpp"
#include "xbuild/oci/docker_archive.hpp"
#include "xbuild/oci/layout.hpp"
#include "xbuild/registry/image_copy.hpp"
#include "xbuild/registry/image_store.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace fs = std::filesystem;
namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

namespace {

bool parse_bool(const std::string& key, const std::string& value) {
    if (value == "true") return true;
    if (value == "false") return false;
    throw std::invalid_argument("-o: " + key + "=" + value + ": give " + key + "=true or " + key + "=false");
}

}  // namespace

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
            throw std::invalid_argument("-o '" + std::string(text) + "': '" + std::string(field) +
                                        "' is not KEY=VALUE");
        if (key == "type") type = value;
        else if (key == "dest") spec.dest = value;
        else if (key == "tar") spec.tar = parse_bool(key, value);
        else if (key == "platform-split") spec.platform_split = parse_bool(key, value);
        else if (key == "push") spec.push = parse_bool(key, value);
        else if (key == "name") {
            for (auto n : xbuild::split(std::string_view(value), ';')) spec.names.emplace_back(n);
        } else {
            throw std::invalid_argument("-o: unknown key '" + key +
                                        "' (valid: type, dest, tar, platform-split, name, push)");
        }
    }
    using T = OutputSpec::Type;
    if (type == "local") spec.type = T::local;
    else if (type == "tar") spec.type = T::tar;
    else if (type == "oci") spec.type = T::oci;
    else if (type == "docker") spec.type = T::docker;
    else if (type == "image" || type == "registry") {
        spec.type = T::image;
        if (type == "registry") spec.push = true;  // buildx: type=registry is type=image,push=true
        if (spec.names.empty()) throw std::invalid_argument("-o type=" + type + ": give name=REF");
        return spec;
    } else {
        throw std::invalid_argument("-o: type '" + type + "' is not one of local, tar, oci, docker, image, registry");
    }
    if (spec.dest.empty()) throw std::invalid_argument("-o type=" + type + ": give dest=PATH");
    if (spec.dest == "-")
        throw std::invalid_argument("-o dest=-: writing to standard output is not supported; give a file");
    return spec;
}

void check_output(const OutputSpec& spec, std::size_t platforms, bool push) {
    using T = OutputSpec::Type;
    if (spec.type == T::docker && platforms > 1)
        throw std::invalid_argument("-o type=docker holds one platform (docker load keeps one per tag); for " +
                                    std::to_string(platforms) + " platforms use -o type=oci,dest=FILE");
    if (spec.type == T::tar && platforms > 1)
        throw std::invalid_argument(
            "-o type=tar holds one platform; for several use -o type=local,dest=DIR "
            "(a folder per platform) or type=oci");
    if ((spec.type == T::local || spec.type == T::tar) && push)
        throw std::invalid_argument("--push with -o type=local/tar: the engine then exports files, not an image");
    std::error_code ec;
    const bool folder_output = spec.type == T::local || (spec.type == T::oci && !spec.tar);
    if (spec.type != T::image && !folder_output && fs::is_directory(spec.dest, ec))
        throw std::invalid_argument("-o dest=" + spec.dest + " is a folder; this output is one file");
    if (spec.type == T::oci && !spec.tar && fs::exists(spec.dest, ec) && !fs::is_empty(spec.dest, ec))
        throw std::invalid_argument("-o type=oci,tar=false: " + spec.dest +
                                    " exists and is not empty; give a new folder");
}

namespace {

// Moves what `from` holds into the folder `to`, as BuildKit's local exporter writes into an existing
// folder: files of the same name are replaced, folders merged, nothing else of `to` touched.
void merge_into(const fs::path& from, const fs::path& to) {
    for (const auto& entry : fs::directory_iterator(from)) {
        const fs::path target = to / entry.path().filename();
        std::error_code ec;
        const auto existing = fs::symlink_status(target, ec);
        if (entry.is_directory() && !entry.is_symlink() && fs::is_directory(existing)) {
            merge_into(entry.path(), target);
            continue;
        }
        if (fs::exists(existing) && fs::is_directory(existing)) fs::remove_all(target);
        fs::rename(entry.path(), target);  // replaces a file or symlink atomically
    }
}

}  // namespace

OutputStage::OutputStage(const OutputSpec& spec) : spec_(spec) {
    dest_ = fs::absolute(spec.dest);
    dir_ = dest_.parent_path() / ("." + dest_.filename().string() + ".xbuild-" + std::to_string(::getpid()));
    fs::create_directories(dest_.parent_path());
    guard_.emplace(dir_);
    fs::remove_all(dir_);
    fs::create_directory(dir_);
}

OutputStage::~OutputStage() {
    std::error_code ec;
    if (!committed_) fs::remove_all(dir_, ec);
}

std::string platform_folder(const xbuild::Platform& platform) {
    std::string folder = platform.str();
    for (char& c : folder)
        if (c == '/') c = '_';
    return folder;
}

std::string OutputStage::engine_output(const xbuild::Platform& platform, bool several) const {
    if (spec_.type == OutputSpec::Type::tar) return "type=tar,dest=" + (dir_ / "out.tar").string();
    if (spec_.type != OutputSpec::Type::local) return "";
    fs::path dest = dir_ / "out";
    if (spec_.platform_split.value_or(several)) dest /= platform_folder(platform);
    return "type=local,dest=" + dest.string();
}

void OutputStage::commit() {
    // The result is dir_/out (a folder) or dir_/out.tar (a file).
    const fs::path result =
        dir_ / (spec_.type == OutputSpec::Type::local || (spec_.type == OutputSpec::Type::oci && !spec_.tar)
                    ? "out"
                    : "out.tar");
    std::error_code ec;
    if (spec_.type == OutputSpec::Type::local) {
        fs::create_directories(result);  // a build that exported nothing
        if (fs::is_directory(dest_, ec)) merge_into(result, dest_);
        else fs::rename(result, dest_);
    } else {
        if (fs::is_directory(dest_, ec)) fs::remove(dest_);  // an empty folder (check_output refused others)
        fs::rename(result, dest_);                           // a file is replaced atomically
    }
    fs::remove_all(dir_, ec);
    committed_ = true;
}

namespace {

// The image of one platform, copied into `into`; its index entry (platform from its config).
oci::Descriptor add_platform(const PlatformImage& image, oci::Layout& into, const fs::path& work) {
    if (!image.oci_layout_tar) {
        oci::ImportOptions options;
        options.tag = false;
        const auto imported = oci::import_docker_archive(image.archive, into, options);
        if (imported.size() != 1)
            throw std::runtime_error(image.archive.string() + ": " + std::to_string(imported.size()) +
                                     " images, expected one");
        return imported.front().manifest;
    }
    // buildctl's oci exporter: a layout tar of its own, whose one image is copied over.
    const fs::path dir = work / ("layout-" + platform_suffix(image.platform));
    reg::LayoutStore src({dir.string(), "", ""}, oci::read_layout_tar(image.archive, dir));
    reg::LayoutStore dst({into.dir().string(), "", ""}, oci::Layout::open(into.dir()));
    const reg::StoredManifest m = src.manifest("");
    reg::copy_tree(src, dst, m, "");
    for (auto& e : reg::index_entries(src, m))
        if (!e.is_attestation()) return e;
    throw std::runtime_error(image.archive.string() + ": no image in it");
}

// Docker's "name:tag" -> the ref.name buildx writes into index.json: the tag.
std::string tag_part(const std::string& name) {
    const auto n = split_image_name(name);
    return n.tag.empty() ? "latest" : n.tag;
}

}  // namespace

oci::Layout output_layout(const OutputSpec& spec, OutputStage& stage) {
    return oci::Layout::create(spec.type == OutputSpec::Type::oci && !spec.tar ? stage.dir() / "out"
                                                                               : stage.dir() / "layout");
}

std::string finish_output(const OutputSpec& spec, oci::Layout& layout, const std::vector<oci::Descriptor>& entries,
                          OutputStage& stage) {
    if (spec.type == OutputSpec::Type::docker) {
        if (entries.size() != 1) throw std::runtime_error("type=docker holds one platform");
        oci::write_docker_archive(layout, {{entries.front(), spec.names}}, stage.dir() / "out.tar");
        return "";
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
    if (spec.tar) oci::write_layout_tar(layout, stage.dir() / "out.tar");
    return top.digest.str();
}

void assemble_output(const OutputSpec& spec, const std::vector<PlatformImage>& images, OutputStage& stage) {
    oci::Layout layout = output_layout(spec, stage);
    std::vector<oci::Descriptor> entries;
    for (const auto& image : images) entries.push_back(add_platform(image, layout, stage.dir()));
    finish_output(spec, layout, entries, stage);
}

}  // namespace xbuild::cli
