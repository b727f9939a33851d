// `xbuild imagetools inspect|create`: what `docker buildx imagetools` does, without buildx.
//
//   xbuild imagetools inspect 127.0.0.1:5000/app:1.0         # the index and each platform's image
//   xbuild imagetools inspect --raw oci-layout://out:1.0      # the exact bytes
//   xbuild imagetools create -t reg/app:1.0 reg/app:1.0-linux-amd64 reg/app:1.0-linux-arm64
//
// Exit status: 0 done, 1 a registry or layout failed, 2 a usage mistake.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "image_index.hpp"
#include "registry_flags.hpp"
#include "xbuild/oci/image.hpp"
#include "xbuild/registry/image_store.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::cli {

namespace {

namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

std::string human_size(std::int64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1000 && u < 4) v /= 1000, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

// ---- inspect ----

struct InspectOptions {
    std::string ref;
    bool raw = false;
    std::string format = "text";
    RegistryFlags registry;
};

void print_field(const char* indent, const char* name, const std::string& value) {
    std::printf("%s%-11s%s\n", indent, (std::string(name) + ":").c_str(), value.c_str());
}

nlohmann::json descriptor_json(const oci::Descriptor& d, const std::string& name) {
    nlohmann::json j = {{"name", name}, {"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
    if (d.platform) j["platform"] = d.platform->str();
    if (!d.annotations.empty()) j["annotations"] = d.annotations;
    return j;
}

void run_inspect(const InspectOptions& o) {
    const auto ref = image_ref_arg(o.ref, "REF");
    reg::Client client(client_options(o.registry));
    try {
        auto store = reg::open_store(ref, client);
        const std::string object = store->default_object();
        const reg::StoredManifest m = store->manifest(object);
        if (o.raw) {
            std::fwrite(m.bytes.data(), 1, m.bytes.size(), stdout);
            return;
        }
        const std::string name = object.empty() ? store->name() : store->ref_of(object);
        const oci::AnyManifest any = oci::parse_any_manifest(m.bytes, m.media_type);
        nlohmann::json out = {
            {"name", name}, {"mediaType", m.media_type}, {"digest", m.digest.str()}, {"size", m.bytes.size()}};
        if (const auto* index = std::get_if<oci::Index>(&any)) {
            out["manifests"] = nlohmann::json::array();
            for (const auto& d : index->manifests)
                out["manifests"].push_back(descriptor_json(d, store->ref_of(d.digest.str())));
            if (!index->annotations.empty()) out["annotations"] = index->annotations;
        } else {
            const auto& manifest = std::get<oci::Manifest>(any);
            std::int64_t total = 0;
            for (const auto& l : manifest.layers) total += l.size;
            out["layers"] = manifest.layers.size();
            out["layersSize"] = total;
            if (oci::media_type::is_config(manifest.config.media_type)) {
                const auto config = oci::parse_config(store->blob(manifest.config));
                out["platform"] = config.platform().str();
            }
        }
        if (o.format == "json") {
            std::printf("%s\n", out.dump(2).c_str());
            return;
        }
        print_field("", "Name", name);
        print_field("", "MediaType", m.media_type);
        print_field("", "Digest", m.digest.str());
        if (out.contains("platform")) print_field("", "Platform", out["platform"].get<std::string>());
        if (out.contains("layers"))
            print_field("", "Layers",
                        std::to_string(out["layers"].get<std::size_t>()) + " (" +
                            human_size(out["layersSize"].get<std::int64_t>()) + " compressed)");
        if (out.contains("manifests")) {
            std::printf("\nManifests:\n");
            bool first = true;
            for (const auto& e : out["manifests"]) {
                if (!first) std::printf("\n");
                first = false;
                print_field("  ", "Name", e["name"].get<std::string>());
                print_field("  ", "MediaType", e["mediaType"].get<std::string>());
                if (e.contains("platform")) print_field("  ", "Platform", e["platform"].get<std::string>());
                if (e.contains("annotations")) {
                    std::printf("  Annotations:\n");
                    for (const auto& [k, v] : e["annotations"].items())
                        std::printf("    %s: %s\n", k.c_str(), v.get<std::string>().c_str());
                }
            }
        }
    } catch (const CLI::Error&) { throw; } catch (const oci::ManifestError& e) {
        work_failure("imagetools inspect", o.ref + ": " + e.what());
    } catch (const std::exception& e) { work_failure("imagetools inspect", e.what()); }
}

// ---- create ----

struct CreateOptions {
    std::vector<std::string> sources;
    std::vector<std::string> tags;
    std::vector<std::string> annotations;
    std::string platforms;
    std::string format = "auto";
    bool append = false;
    bool dry_run = false;
    bool prefer_index = true;
    RegistryFlags registry;
};

void run_create(const CreateOptions& o) {
    const char* cmd = "imagetools create";
    if (o.tags.empty()) usage_failure(cmd, "no target: give -t NAME:TAG (a registry image or oci-layout://DIR:TAG)");
    IndexRequest r;
    for (const auto& t : o.tags) r.targets.push_back(image_ref_arg(t, "-t"));
    for (const auto& s : o.sources) r.sources.push_back(image_ref_arg(s, "SOURCE"));
    if (!o.platforms.empty()) {
        try {
            r.platforms = xbuild::parse_platform_list(o.platforms);
        } catch (const xbuild::PlatformError& e) { usage_failure(cmd, std::string("--platform: ") + e.what()); }
    }
    for (const auto& a : o.annotations) {
        const auto eq = a.find('=');
        if (eq == std::string::npos || eq == 0) usage_failure(cmd, "--annotation '" + a + "': give KEY=VALUE");
        std::string key = a.substr(0, eq);
        if (key.rfind("index:", 0) == 0) key = key.substr(6);  // buildx's spelling for the index itself
        r.annotations[key] = a.substr(eq + 1);
    }
    r.family = o.format == "oci"      ? reg::IndexFamily::oci
               : o.format == "docker" ? reg::IndexFamily::docker
                                      : reg::IndexFamily::automatic;
    r.dry_run = o.dry_run;
    r.prefer_index = o.prefer_index;
    reg::Client client(client_options(o.registry));
    try {
        if (o.append) r.base_entries = current_entries(client, r.targets.front());
        if (r.sources.empty() && r.base_entries.empty())
            usage_failure(cmd, "no source images: give one or more NAME:TAG or NAME@DIGEST");
        const IndexResult out = write_index(client, r);
        if (o.dry_run) {
            std::printf("%s\n", nlohmann::json::parse(out.bytes).dump(2).c_str());
            return;
        }
        for (const auto& t : o.tags)
            std::printf("%s  %s  %s\n", t.c_str(), out.digest.str().c_str(), xbuild::join(out.platforms, ", ").c_str());
        std::fprintf(stderr, "xbuild %s: an index of %zu; %d blobs copied, %d already there\n", cmd,
                     out.index.manifests.size(), out.stats.blobs_sent, out.stats.blobs_present);
    } catch (const CLI::Error&) {
        throw;
    } catch (const oci::ManifestError& e) {  // what a store holds is malformed: not a usage mistake
        work_failure(cmd, e.what());
    } catch (const std::invalid_argument& e) { usage_failure(cmd, e.what()); } catch (const std::exception& e) {
        work_failure(cmd, e.what());
    }
}

}  // namespace

void add_imagetools_commands(CLI::App& app) {
    CLI::App* tools = app.add_subcommand("imagetools", "inspect images and join them into multi-platform indexes");
    tools->require_subcommand(1);

    auto io = std::make_shared<InspectOptions>();
    CLI::App* inspect = tools->add_subcommand(
        "inspect", "show an image or index: its media type, digest and, for an index, each platform's image");
    inspect->add_option("ref", io->ref, "NAME[:TAG|@DIGEST], or oci-layout://DIR[:TAG]")->required();
    inspect->add_flag("--raw", io->raw, "print the manifest's exact bytes");
    inspect->add_option("--format", io->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    add_registry_flags(inspect, io->registry);
    inspect->callback([io] { run_inspect(*io); });

    auto co = std::make_shared<CreateOptions>();
    CLI::App* create = tools->add_subcommand(
        "create",
        "make one multi-platform index of images (and of other indexes' entries) and write it under each -t;\n"
        "images in other repositories are copied along (mounted within one registry)");
    create->add_option("sources", co->sources, "NAME[:TAG|@DIGEST] or oci-layout://DIR[:TAG], images or indexes");
    create->add_option("-t,--tag", co->tags, "where the index goes: NAME[:TAG] or oci-layout://DIR[:TAG] (repeatable)")
        ->allow_extra_args(false);
    create->add_flag("--append", co->append,
                     "keep the first target's current entries (a platform given again replaces its entry)");
    create->add_option("--platform", co->platforms, "only these platforms' images, comma-separated (default: all)");
    create->add_option("--annotation", co->annotations, "KEY=VALUE on the index (index:KEY=VALUE accepted)")
        ->allow_extra_args(false);
    create
        ->add_option(
            "--format", co->format,
            "auto (a Docker manifest list when every image is a Docker manifest, else an OCI index), oci or docker")
        ->check(CLI::IsMember({"auto", "oci", "docker"}))
        ->capture_default_str();
    create->add_flag("--dry-run", co->dry_run, "print the index instead of writing it");
    create
        ->add_option("--prefer-index", co->prefer_index,
                     "with one image as the source and nothing to change: true makes an index of it, false copies the\n"
                     "image as it is (an index source is always copied byte for byte then)")
        ->capture_default_str();
    add_registry_flags(create, co->registry);
    create->callback([co] { run_create(*co); });
}

}  // namespace xbuild::cli
