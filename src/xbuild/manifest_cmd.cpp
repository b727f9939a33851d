// `xbuild manifest create|annotate|inspect|push|rm`: the `docker manifest` commands, without the
// Docker CLI's experimental switch, for scripts written against them.
//
//   xbuild manifest create reg:5000/app:1.0 reg:5000/app:1.0-linux-amd64 reg:5000/app:1.0-linux-arm64
//   xbuild manifest annotate reg:5000/app:1.0 reg:5000/app:1.0-linux-arm64 --variant v8
//   xbuild manifest push --purge reg:5000/app:1.0           # prints the list's digest
//
// A list being made lives in $XDG_DATA_HOME/xbuild/manifests (default ~/.local/share/...), one
// JSON file per list, until it is pushed with --purge or removed with rm. As in docker, the list
// holds images only (for indexes of indexes: `xbuild imagetools create`). Exit status: 0 done,
// 1 a registry or store failure, 2 a usage mistake.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "image_index.hpp"
#include "registry_flags.hpp"
#include "xbuild/oci/image.hpp"
#include "xbuild/registry/image_store.hpp"

namespace xbuild::cli {

namespace {

namespace fs = std::filesystem;
namespace oci = xbuild::oci;
namespace reg = xbuild::registry;

fs::path lists_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "xbuild" / "manifests";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/root") / ".local" / "share" / "xbuild" / "manifests";
}

reg::Reference registry_ref(const std::string& text, const std::string& what) {
    const auto ref = image_ref_arg(text, what);
    const auto* r = std::get_if<reg::Reference>(&ref);
    if (!r)
        throw CLI::ValidationError(
            what, "'" + text + "' is a layout; manifest lists here live in registries (see xbuild imagetools create)");
    return *r;
}

// One list being made: its name and the images in it, each with the descriptor it will have.
struct LocalList {
    reg::Reference ref;
    struct Item {
        std::string ref;  // the image, normalized
        oci::Descriptor descriptor;
    };
    std::vector<Item> items;

    fs::path file() const { return lists_dir() / (oci::sha256_of(ref.str()).encoded.substr(0, 32) + ".json"); }
    Item* find(const std::string& image) {
        for (auto& i : items)
            if (i.ref == image) return &i;
        return nullptr;
    }
};

std::optional<LocalList> load_list(const reg::Reference& ref) {
    LocalList list {ref, {}};
    std::ifstream in(list.file());
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    try {
        const auto j = nlohmann::json::parse(text.str());
        for (const auto& item : j.at("manifests"))
            list.items.push_back(
                {item.at("ref").get<std::string>(), oci::parse_descriptor(item.at("descriptor").dump())});
    } catch (const std::exception& e) {
        throw std::runtime_error("the local list " + list.file().string() + " is damaged (" + e.what() +
                                 "): remove it with `xbuild manifest rm " + ref.str() + "`");
    }
    return list;
}

// Written to a temp file and renamed: a crash never leaves half a list.
void save_list(const LocalList& list) {
    nlohmann::json j = {{"ref", list.ref.str()}, {"manifests", nlohmann::json::array()}};
    for (const auto& i : list.items)
        j["manifests"].push_back({{"ref", i.ref}, {"descriptor", oci::json_value(i.descriptor)}});
    fs::create_directories(lists_dir());
    const fs::path tmp = list.file().string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(2) << '\n';
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, list.file());
}

void print_json(const std::string& bytes) { std::printf("%s\n", nlohmann::json::parse(bytes).dump(3).c_str()); }

struct Options {
    std::string list;
    std::vector<std::string> images;
    bool amend = false;
    bool purge = false;
    bool insecure = false;  // docker's --insecure: the list's registry may be plain HTTP
    bool verbose = false;   // inspect: each image's manifest too, in docker's verbose shape
    std::string os, arch, variant, os_version;
    std::vector<std::string> os_features;
    RegistryFlags registry;
};

reg::ClientOptions options_for(const Options& o, const reg::Reference& ref) {
    auto c = client_options(o.registry);
    if (o.insecure) c.insecure_registries.push_back(ref.registry);
    return c;
}

template <class F>
void guarded(const char* cmd, F&& f) {
    try {
        f();
    } catch (const CLI::Error&) {
        throw;
    } catch (const oci::ManifestError& e) {  // what a registry holds is malformed: not a usage mistake
        work_failure(cmd, e.what());
    } catch (const std::invalid_argument& e) { usage_failure(cmd, e.what()); } catch (const std::exception& e) {
        work_failure(cmd, e.what());
    }
}

void run_create(const Options& o) {
    guarded("manifest create", [&] {
        const auto list_ref = registry_ref(o.list, "LIST");
        auto existing = load_list(list_ref);
        if (existing && !o.amend)
            throw std::invalid_argument("refusing to amend an existing manifest list with no --amend flag (" +
                                        list_ref.str() + ")");
        LocalList list = existing ? *existing : LocalList {list_ref, {}};
        reg::Client client(options_for(o, list_ref));
        for (const auto& text : o.images) {
            const auto ref = registry_ref(text, "IMAGE");
            reg::RegistryStore store(ref, client);
            const reg::StoredManifest m = store.manifest(ref.object());
            if (oci::media_type::is_index(m.media_type))
                throw std::invalid_argument(
                    ref.str() + " is a manifest list: give its images (or join indexes with xbuild imagetools create)");
            auto entries = reg::index_entries(store, m);
            LocalList::Item item {ref.str(), entries.front()};
            if (auto* old = list.find(item.ref)) *old = item;
            else list.items.push_back(item);
        }
        save_list(list);
        std::printf("Created manifest list %s\n", list_ref.str().c_str());
    });
}

void run_annotate(const Options& o) {
    guarded("manifest annotate", [&] {
        const auto list_ref = registry_ref(o.list, "LIST");
        auto list = load_list(list_ref);
        if (!list)
            throw std::invalid_argument("no local manifest list " + list_ref.str() +
                                        ": make it with xbuild manifest create");
        if (o.images.size() != 1) throw std::invalid_argument("give the list and one image");
        const auto image = registry_ref(o.images.front(), "IMAGE").str();
        auto* item = list->find(image);
        if (!item) throw std::invalid_argument(image + " is not in " + list_ref.str());
        oci::Platform p = item->descriptor.platform.value_or(oci::Platform {});
        if (!o.os.empty()) p.os = o.os;
        if (!o.arch.empty()) p.architecture = o.arch;
        if (!o.variant.empty()) p.variant = o.variant;
        if (!o.os_version.empty()) p.os_version = o.os_version;
        if (!o.os_features.empty()) p.os_features = o.os_features;
        // The platform table decides what is valid (and normalizes: aarch64 -> arm64).
        xbuild::Platform known;
        try {
            known = xbuild::parse_platform(p.str());
        } catch (const xbuild::PlatformError& e) {
            throw std::invalid_argument(std::string("--os/--arch/--variant: ") + e.what());
        }
        // Names normalized (aarch64 -> arm64); a variant given is kept as given (arm64/v8, as docker
        // writes it), else the table's (arm -> v7).
        p.os = known.os;
        p.architecture = known.arch;
        if (!known.variant.empty()) p.variant = known.variant;
        item->descriptor.platform = p;
        save_list(*list);
    });
}

// docker manifest inspect --verbose's shape for one image: its reference, its descriptor (with the
// platform) and its manifest under the key of its kind.
nlohmann::json verbose_entry(const std::string& ref, const oci::Descriptor& d, const std::string& manifest_bytes) {
    const bool docker = d.media_type == oci::media_type::docker_manifest;
    return {{"Ref", ref},
            {"Descriptor", oci::json_value(d)},
            {docker ? "SchemaV2Manifest" : "OCIManifest", nlohmann::json::parse(manifest_bytes)}};
}

void run_inspect(const Options& o) {
    guarded("manifest inspect", [&] {
        if (o.images.size() > 1) throw std::invalid_argument("give [LIST] IMAGE");
        const auto first = registry_ref(o.list, "LIST");
        reg::Client client(options_for(o, first));
        if (o.images.size() == 1) {
            auto list = load_list(first);
            const auto image = registry_ref(o.images.front(), "IMAGE");
            LocalList::Item* item = list ? list->find(image.str()) : nullptr;
            if (!item) throw std::invalid_argument(image.str() + " is not in a local list " + first.str());
            if (!o.verbose) {
                print_json(oci::to_json(item->descriptor));
                return;
            }
            reg::RegistryStore store(image, client);
            std::printf("%s\n",
                        verbose_entry(item->ref, item->descriptor, store.manifest(item->descriptor.digest.str()).bytes)
                            .dump(3)
                            .c_str());
            return;
        }
        if (auto list = load_list(first)) {  // a list being made: the index it would push
            std::vector<oci::Descriptor> entries;
            for (const auto& i : list->items) entries.push_back(i.descriptor);
            if (!o.verbose) {
                print_json(oci::to_json(reg::make_index(entries, reg::IndexFamily::automatic)));
                return;
            }
            nlohmann::json all = nlohmann::json::array();
            for (const auto& i : list->items) {
                reg::RegistryStore store(reg::parse_reference(i.ref), client);
                all.push_back(verbose_entry(i.ref, i.descriptor, store.manifest(i.descriptor.digest.str()).bytes));
            }
            std::printf("%s\n", all.dump(3).c_str());
            return;
        }
        reg::RegistryStore store(first, client);
        const reg::StoredManifest top = store.manifest(first.object());
        if (!o.verbose) {
            print_json(top.bytes);
            return;
        }
        if (!oci::media_type::is_index(top.media_type)) {
            auto entries = reg::index_entries(store, top);
            std::printf("%s\n", verbose_entry(first.str(), entries.front(), top.bytes).dump(3).c_str());
            return;
        }
        nlohmann::json all = nlohmann::json::array();
        for (const auto& d : oci::parse_index(top.bytes).manifests)
            all.push_back(
                verbose_entry(first.with_digest(d.digest.str()).str(), d, store.manifest(d.digest.str()).bytes));
        std::printf("%s\n", all.dump(3).c_str());
    });
}

void run_push(const Options& o) {
    guarded("manifest push", [&] {
        const auto list_ref = registry_ref(o.list, "LIST");
        auto list = load_list(list_ref);
        if (!list)
            throw std::invalid_argument("no local manifest list " + list_ref.str() +
                                        ": make it with xbuild manifest create");
        if (list->items.empty()) throw std::invalid_argument(list_ref.str() + " has no images");
        IndexRequest r;
        r.targets.push_back(list_ref);
        for (const auto& i : list->items) {
            r.sources.push_back(reg::parse_reference(i.ref).with_digest(i.descriptor.digest.str()));
            r.source_platforms.push_back(i.descriptor.platform);
        }
        reg::Client client(options_for(o, list_ref));
        const IndexResult out = write_index(client, r);
        std::printf("%s\n", out.digest.str().c_str());
        if (o.purge) fs::remove(list->file());
    });
}

void run_rm(const std::vector<std::string>& lists) {
    int missing = 0;
    for (const auto& text : lists) {
        const auto ref = registry_ref(text, "LIST");
        LocalList list {ref, {}};
        std::error_code ec;
        if (!fs::remove(list.file(), ec)) {
            std::fprintf(stderr, "xbuild manifest rm: no local manifest list %s\n", ref.str().c_str());
            ++missing;
        }
    }
    if (missing) throw CLI::RuntimeError(1);
}

}  // namespace

void add_manifest_commands(CLI::App& app) {
    CLI::App* manifest = app.add_subcommand("manifest", "make and push manifest lists, as docker manifest does");
    manifest->require_subcommand(1);
    auto o = std::make_shared<Options>();

    CLI::App* create = manifest->add_subcommand("create", "start a local manifest list of images");
    create->add_option("list", o->list, "the list's name, NAME:TAG")->required();
    create->add_option("images", o->images, "images (NAME:TAG or NAME@DIGEST) of any repository of the list's registry")
        ->required();
    create->add_flag("-a,--amend", o->amend, "add to (or refresh entries of) an existing local list");
    create->add_flag("--insecure", o->insecure, "the registry may be plain HTTP");
    add_registry_flags(create, o->registry);
    create->callback([o] { run_create(*o); });

    CLI::App* annotate = manifest->add_subcommand("annotate", "set an image's platform in a local list");
    annotate->add_option("list", o->list, "the list")->required();
    annotate->add_option("images", o->images, "the image")->required();
    annotate->add_option("--os", o->os, "operating system (linux, windows, ...)");
    annotate->add_option("--arch", o->arch, "architecture (amd64, arm64, arm, riscv64, ...)");
    annotate->add_option("--variant", o->variant, "architecture variant (v7, v8, ...)");
    annotate->add_option("--os-version", o->os_version, "operating system version (Windows builds)");
    annotate->add_option("--os-features", o->os_features, "operating system features")->allow_extra_args(false);
    annotate->callback([o] { run_annotate(*o); });

    CLI::App* inspect =
        manifest->add_subcommand("inspect", "show a local list (or one of its images), else the registry's manifest");
    inspect->add_option("list", o->list, "a list or image")->required();
    inspect->add_option("images", o->images, "an image of the list");
    inspect->add_flag("--insecure", o->insecure, "the registry may be plain HTTP");
    inspect->add_flag("-v,--verbose", o->verbose, "each image's manifest too, with its reference and platform");
    add_registry_flags(inspect, o->registry);
    inspect->callback([o] { run_inspect(*o); });

    CLI::App* push =
        manifest->add_subcommand("push", "push a local list; images in other repositories are mounted along");
    push->add_option("list", o->list, "the list")->required();
    push->add_flag("-p,--purge", o->purge, "remove the local list after the push");
    push->add_flag("--insecure", o->insecure, "the registry may be plain HTTP");
    add_registry_flags(push, o->registry);
    push->callback([o] { run_push(*o); });

    auto lists = std::make_shared<std::vector<std::string>>();
    CLI::App* rm = manifest->add_subcommand("rm", "remove local lists");
    rm->add_option("lists", *lists, "the lists")->required();
    rm->callback([lists] { run_rm(*lists); });
}

}  // namespace xbuild::cli
