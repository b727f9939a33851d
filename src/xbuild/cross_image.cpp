#include "cross_image.hpp"

#include <stdlib.h>
#include <time.h>

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

#include "interrupt.hpp"
#include "xbuild/oci/layer.hpp"
#include "xbuild/oci/layout.hpp"
#include "xbuild/registry/image_copy.hpp"
#include "xbuild/registry/image_store.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace fs = std::filesystem;
namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

namespace {

// What BuildKit gives an image FROM scratch (and Docker's default for a container without one).
constexpr const char* default_path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

[[noreturn]] void bad_field(const std::string& field, const std::string& value, const std::string& why) {
    throw std::invalid_argument("image recipe: " + field + " '" + value + "': " + why);
}

// The recipe, checked and in the forms the image needs.
struct Checked {
    std::optional<reg::ImageRef> base;  // nullopt: scratch
    std::string prefix;                 // recipe.path without the leading '/' ("" for /)
    std::set<std::string> ports;        // "8080/tcp"
    std::string created;                // RFC 3339
};

std::string rfc3339(std::int64_t seconds) {
    const time_t t = time_t(seconds);
    struct tm tm {};
    char buf[32];
    if (::gmtime_r(&t, &tm) == nullptr || tm.tm_year + 1900 > 9999 ||
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        bad_field("created", std::to_string(seconds), "not a time RFC 3339 can write (years 1970..9999)");
    return buf;
}

// "/usr/local/bin/" -> "usr/local/bin"; refuses relative paths and . or .. components.
std::string layer_prefix(const std::string& path) {
    if (path.empty() || path.front() != '/') bad_field("path", path, "must be absolute (like / or /usr/local/bin)");
    std::string out;
    for (std::string_view part : xbuild::split(std::string_view(path), '/')) {
        if (part.empty()) continue;
        if (part == "." || part == "..")
            bad_field("path", path, "must not have . or .. components (give the plain path, like /usr/local/bin)");
        out += (out.empty() ? "" : "/") + std::string(part);
    }
    return out;
}

// "8080" -> "8080/tcp"; "53/udp" stays.
std::string normal_port(const std::string& text) {
    const auto slash = text.find('/');
    const std::string number = text.substr(0, slash);
    const std::string proto = slash == std::string::npos ? "tcp" : text.substr(slash + 1);
    const bool digits =
        !number.empty() && number.size() <= 5 && number.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(number) < 1 || std::stoi(number) > 65535)
        bad_field("ports", text, "give PORT or PORT/PROTOCOL with PORT 1..65535 (like 8080/tcp)");
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
        bad_field("ports", text, "the protocol must be tcp, udp or sctp");
    return std::to_string(std::stoi(number)) + "/" + proto;
}

Checked check_recipe(const ImageRecipe& recipe) {
    Checked out;
    if (recipe.base.empty())
        bad_field("base", recipe.base, "give scratch, a registry reference or oci-layout://DIR[:TAG]");
    if (recipe.base != "scratch") {
        try {
            out.base = reg::parse_image_ref(recipe.base);
        } catch (const reg::ReferenceError& e) { bad_field("base", recipe.base, e.what()); }
    }
    out.prefix = layer_prefix(recipe.path);
    for (const auto& [name, value] : recipe.env)
        if (name.empty() || name.find('=') != std::string::npos)
            bad_field("env", name + "=" + value, "the name must be non-empty and without '='");
    for (const auto& [key, value] : recipe.labels)
        if (key.empty()) bad_field("labels", "=" + value, "a label needs a name");
    if (!recipe.workdir.empty() && recipe.workdir.front() != '/')
        bad_field("workdir", recipe.workdir, "must be absolute (like /app)");
    for (const auto& p : recipe.ports) out.ports.insert(normal_port(p));
    if (recipe.created < 0)
        bad_field("created", std::to_string(recipe.created), "must be 0 or more (seconds since 1970)");
    out.created = rfc3339(recipe.created);
    return out;
}

// The base image's store and index entries (one for a single image, platform from its config).
struct Base {
    std::string text;
    std::unique_ptr<reg::ImageStore> store;
    std::vector<oci::Descriptor> entries;
};

// The entry of `want` in the base (attestations skipped); throws naming what the base has.
const oci::Descriptor& pick(const Base& base, const xbuild::Platform& want) {
    std::string have;
    for (const auto& d : base.entries) {
        if (d.is_attestation() || !d.platform) continue;
        have += (have.empty() ? "" : ", ") + d.platform->str();
        try {
            if (xbuild::matches_strict(want, xbuild::parse_platform(d.platform->str()))) return d;
        } catch (const xbuild::PlatformError&) {}  // a platform the table does not know matches nothing
    }
    throw std::invalid_argument("the base image " + base.text + " has no image for " + want.str() +
                                " (it has: " + (have.empty() ? std::string("none") : have) + ")");
}

// One platform's image as made in the work layout.
struct Built {
    oci::Descriptor manifest;  // with the platform
    std::string manifest_bytes;
    oci::Descriptor config, layer;
    std::vector<oci::Descriptor> base_layers;
};

oci::ImageConfig::History history_entry(const Checked& checked) {
    oci::ImageConfig::History h;
    h.created = checked.created;
    h.created_by = "xbuild: the build's files to /" + checked.prefix;
    h.comment = "xbuild cross-build";
    return h;
}

void apply_recipe(oci::ImageConfig& cfg, const ImageRecipe& recipe, const Checked& checked) {
    auto& c = cfg.config;
    for (const auto& variable : recipe.env) {
        // A named prefix, not the structured binding: clang 14 cannot capture those in a lambda.
        const std::string prefix = variable.first + "=";
        const std::string entry = prefix + variable.second;
        auto same = [&](const std::string& e) { return e.compare(0, prefix.size(), prefix) == 0; };
        bool replaced = false;
        for (auto& e : c.env)
            if (same(e)) e = entry, replaced = true;
        if (!replaced) c.env.push_back(entry);
    }
    if (!recipe.entrypoint.empty()) {
        c.entrypoint = recipe.entrypoint;
        c.cmd.clear();  // a Dockerfile's ENTRYPOINT resets the base's CMD
    }
    if (!recipe.cmd.empty()) c.cmd = recipe.cmd;
    for (const auto& [key, value] : recipe.labels) c.labels[key] = value;
    if (!recipe.user.empty()) c.user = recipe.user;
    if (!recipe.workdir.empty()) c.working_dir = recipe.workdir;
    c.exposed_ports.insert(checked.ports.begin(), checked.ports.end());
    cfg.created = checked.created;
}

Built build_one(Base* base, const ImageRecipe& recipe, const Checked& checked, const PlatformRoot& root,
                oci::Layout& work) {
    Built out;
    oci::ImageConfig cfg;
    if (base) {
        const oci::Descriptor& entry = pick(*base, root.platform);
        const reg::StoredManifest bm = base->store->manifest(entry.digest.str());
        const oci::Manifest m = oci::parse_manifest(bm.bytes);
        if (!oci::media_type::is_config(m.config.media_type))
            throw std::invalid_argument("the base image " + base->text + " for " + root.platform.str() +
                                        " is not an image (its config is '" + m.config.media_type + "')");
        cfg = oci::parse_config(base->store->blob(m.config));
        out.base_layers = m.layers;
        for (auto& l : out.base_layers)  // the same bytes under their OCI name, in an OCI manifest
            if (l.media_type == oci::media_type::docker_layer_gzip) l.media_type = oci::media_type::oci_layer_gzip;
    } else {
        cfg.config.env.push_back(default_path);
    }
    cfg.os = root.platform.os;
    cfg.architecture = root.platform.arch;
    cfg.variant = root.platform.variant;
    apply_recipe(cfg, recipe, checked);

    std::error_code ec;
    if (!fs::is_directory(root.root, ec))
        throw std::invalid_argument("the files of " + root.platform.str() + ": " + root.root.string() +
                                    " is not a folder");
    oci::LayerWriteOptions options;
    options.compression = oci::LayerCompression::gzip;
    options.mtime = recipe.created;
    options.prefix = checked.prefix;
    const fs::path tmp = work.temp_path();
    const oci::LayerInfo layer = oci::write_layer(root.root, tmp, options);
    out.layer = work.adopt_blob_file(tmp, layer.media_type, layer.digest);
    cfg.rootfs.diff_ids.push_back(layer.diff_id);
    cfg.history.push_back(history_entry(checked));
    out.config = work.put_blob(oci::to_json(cfg), std::string(oci::media_type::oci_config));

    oci::Manifest m;
    m.media_type = oci::media_type::oci_manifest;
    m.config = out.config;
    m.layers = out.base_layers;
    m.layers.push_back(out.layer);
    out.manifest_bytes = oci::to_json(m);
    out.manifest = work.put_blob(out.manifest_bytes, std::string(oci::media_type::oci_manifest));
    out.manifest.platform = oci::Platform {};
    out.manifest.platform->os = cfg.os;
    out.manifest.platform->architecture = cfg.architecture;
    out.manifest.platform->variant = cfg.variant;
    return out;
}

reg::LayoutStore store_of(const oci::Layout& layout) {
    return reg::LayoutStore({layout.dir().string(), "", ""}, oci::Layout::open(layout.dir()));
}

// The tag a push target is written under.
std::string target_tag(const reg::ImageRef& ref, const std::string& name) {
    if (const auto* r = std::get_if<reg::Reference>(&ref)) {
        if (!r->digest.empty()) throw std::invalid_argument("-o name=" + name + " names a digest: give NAME:TAG");
        return r->tag.empty() ? "latest" : r->tag;
    }
    const auto& l = std::get<reg::LayoutReference>(ref);
    if (!l.digest.empty())
        throw std::invalid_argument("-o name=" + name + " names a digest: give oci-layout://DIR:TAG");
    return l.tag.empty() ? "latest" : l.tag;
}

// A scratch folder for the pushed images' own blobs, removed afterwards (and on Ctrl-C).
class WorkDir {
   public:
    WorkDir() {
        std::string t = (fs::temp_directory_path() / "xbuild-image-XXXXXX").string();
        if (::mkdtemp(t.data()) == nullptr)
            throw std::system_error(errno, std::generic_category(), "cannot make a folder in " + t);
        path_ = t;
        guard_.emplace(path_);
    }
    ~WorkDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    const fs::path& path() const { return path_; }

   private:
    fs::path path_;
    std::optional<RemoveOnInterrupt> guard_;
};

void push_all(const OutputSpec& spec, Base* base, const std::vector<Built>& built, oci::Layout& work,
              const std::string& index_bytes, reg::Client& client) {
    reg::LayoutStore own = store_of(work);
    for (const auto& name : spec.names) {
        reg::ImageRef ref;
        try {
            ref = reg::parse_image_ref(name);
        } catch (const reg::ReferenceError& e) { throw std::invalid_argument("-o name=" + name + ": " + e.what()); }
        const std::string tag = target_tag(ref, name);
        auto dst = reg::open_store(ref, client, /*create=*/true);
        for (const auto& b : built) {
            for (const auto& l : b.base_layers) reg::copy_blob(*base->store, *dst, l);
            reg::copy_blob(own, *dst, b.layer);
            reg::copy_blob(own, *dst, b.config);
            dst->put_manifest(b.manifest_bytes, oci::media_type::oci_manifest, "");
        }
        dst->put_manifest(index_bytes, oci::media_type::oci_index, tag);
    }
}

}  // namespace

CrossImageResult write_cross_image(const OutputSpec& spec, const ImageRecipe& recipe,
                                   const std::vector<PlatformRoot>& roots, reg::Client& client) {
    using T = OutputSpec::Type;
    if (spec.type == T::local || spec.type == T::tar)
        throw std::invalid_argument(
            "-o type=local/tar holds files, not an image: write_cross_image makes oci, "
            "docker and image outputs");
    if (spec.type == T::image && !spec.push)
        throw std::invalid_argument(
            "-o type=image without push=true: a standalone build has no engine to load "
            "the image into; add push=true, or use type=oci/docker");
    if (roots.empty()) throw std::invalid_argument("no platform built: nothing to make an image of");
    check_output(spec, roots.size(), spec.push);
    for (std::size_t i = 0; i < roots.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (roots[i].platform == roots[j].platform)
                throw std::invalid_argument("the platform " + roots[i].platform.str() + " is given twice");
    const Checked checked = check_recipe(recipe);

    std::optional<Base> base;
    if (checked.base) {
        base.emplace();
        base->text = recipe.base;
        base->store = reg::open_store(*checked.base, client);
        const reg::StoredManifest top = base->store->manifest(base->store->default_object());
        base->entries = reg::index_entries(*base->store, top);
    }
    Base* base_ptr = base ? &*base : nullptr;

    CrossImageResult result;
    std::vector<oci::Descriptor> entries;
    if (spec.type == T::image) {
        WorkDir work_dir;
        oci::Layout work = oci::Layout::create(work_dir.path() / "layout");
        std::vector<Built> built;
        for (const auto& root : roots) built.push_back(build_one(base_ptr, recipe, checked, root, work));
        for (const auto& b : built) entries.push_back(b.manifest);
        const std::string index_bytes = oci::to_json(reg::make_index(entries, reg::IndexFamily::oci));
        push_all(spec, base_ptr, built, work, index_bytes, client);
        result.index_digest = oci::sha256_of(index_bytes).str();
    } else {
        OutputStage stage(spec);
        oci::Layout layout = output_layout(spec, stage);
        reg::LayoutStore into = store_of(layout);
        for (const auto& root : roots) {
            const Built b = build_one(base_ptr, recipe, checked, root, layout);
            for (const auto& l : b.base_layers) reg::copy_blob(*base->store, into, l);
            entries.push_back(b.manifest);
        }
        result.index_digest = finish_output(spec, layout, entries, stage);
        stage.commit();
    }
    for (std::size_t i = 0; i < roots.size(); ++i)
        result.platforms.emplace_back(roots[i].platform.str(), entries[i].digest.str());
    return result;
}

}  // namespace xbuild::cli
