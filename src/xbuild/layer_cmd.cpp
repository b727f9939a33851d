// `xbuild layer create|inspect|list|extract`: image layers made from a directory and unpacked into
// one, reproducibly (see include/xbuild/oci/layer.hpp for what is written and how hostile layers
// are handled).
//
//   xbuild layer create rootfs -o layer.tar.gz [--level N] [--no-compress] [--prefix app] [--mtime 0] [--docker]
//   xbuild layer inspect layer.tar.gz [--format json]
//   xbuild layer list layer.tar.gz
//   xbuild layer extract layer.tar.gz rootfs [--digest sha256:...]
//
// Output (stable, for scripts):
//   create   FILE  digest sha256:<hex>  diff_id sha256:<hex>  SIZE bytes
//            --format json: {"file","digest","size","diffID","mediaType","uncompressedSize"}
//   inspect  "Field:  value" lines (File, MediaType, Digest, Size, DiffID, UncompressedSize,
//            Compression); --format json: the same keys as create's
//   list     like `tar -tv --numeric-owner`, times in UTC: MODE UID/GID SIZE YYYY-MM-DD HH:MM PATH,
//            then " -> TARGET" for a symlink, " link to TARGET" for a hardlink; control bytes and
//            '\' in names are shown as \ooo octal, so one entry is always one line
//   extract  DIR  digest sha256:<hex>  diff_id sha256:<hex>  N entries   (notes on standard error)
//
// Extracting into an existing DIR applies the layer over it, as over a lower layer: whiteouts
// remove what DIR has. With --digest the blob is checked before anything is written.
// Exit status: 0 done, 1 the layer or a file could not be read or written, 2 a usage mistake.
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "registry_flags.hpp"
#include "xbuild/oci/layer.hpp"

namespace xbuild::cli {

namespace {

namespace fs = std::filesystem;
namespace oci = xbuild::oci;

// What a path argument is, for usage errors: 0 missing, else its st_mode.
mode_t stat_mode(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

nlohmann::json info_json(const std::string& file, const oci::LayerInfo& info) {
    return {{"file", file},
            {"digest", info.digest.str()},
            {"size", info.size},
            {"diffID", info.diff_id.str()},
            {"mediaType", info.media_type},
            {"uncompressedSize", info.uncompressed_size}};
}

const char* compression_name(oci::LayerCompression c) {
    switch (c) {
        case oci::LayerCompression::gzip: return "gzip";
        case oci::LayerCompression::zstd: return "zstd";
        case oci::LayerCompression::none: break;
    }
    return "none";
}

// A layer file argument that must exist and be a file: a usage error otherwise.
void require_file(const char* cmd, const std::string& file) {
    const mode_t m = stat_mode(file);
    if (!m) usage_failure(cmd, "FILE '" + file + "' does not exist");
    if (S_ISDIR(m))
        usage_failure(cmd, "FILE '" + file + "' is a directory; give a layer blob (tar, tar+gzip, tar+zstd)");
}

// ---- create ----

struct CreateOptions {
    std::string dir, output, prefix, format = "text";
    int level = 6;
    bool no_compress = false, docker = false;
    std::optional<std::int64_t> mtime;
};

void run_create(const CreateOptions& o) {
    const char* cmd = "layer create";
    const mode_t m = stat_mode(o.dir);
    if (!m) usage_failure(cmd, "DIR '" + o.dir + "' does not exist");
    if (!S_ISDIR(m)) usage_failure(cmd, "DIR '" + o.dir + "' is not a directory");
    if (o.level < 0 || o.level > 9) usage_failure(cmd, "--level " + std::to_string(o.level) + ": give 0..9");
    if (o.mtime && *o.mtime < 0) usage_failure(cmd, "--mtime " + std::to_string(*o.mtime) + ": give seconds >= 0");
    if (o.no_compress && o.docker)
        usage_failure(cmd,
                      "--docker with --no-compress: Docker manifests have no media type for an uncompressed "
                      "layer; drop one of them");
    if (stat_mode(o.output) && S_ISDIR(stat_mode(o.output)))
        usage_failure(cmd, "-o '" + o.output + "' is a directory; give the layer file's path");
    oci::LayerWriteOptions w;
    w.compression = o.no_compress ? oci::LayerCompression::none : oci::LayerCompression::gzip;
    w.level = o.level;
    w.mtime = o.mtime;
    w.prefix = o.prefix;
    w.family = o.docker ? oci::MediaTypeFamily::docker : oci::MediaTypeFamily::oci;
    try {
        const oci::LayerInfo info = oci::write_layer(o.dir, o.output, w);
        if (o.format == "json") {
            std::printf("%s\n", info_json(o.output, info).dump(2).c_str());
            return;
        }
        std::printf("%s  digest %s  diff_id %s  %lld bytes\n", o.output.c_str(), info.digest.str().c_str(),
                    info.diff_id.str().c_str(), static_cast<long long>(info.size));
    } catch (const oci::LayerError& e) {
        // A bad --prefix is the caller's mistake; everything else is the tree or the disk.
        if (std::string_view(e.what()).starts_with("layer prefix"))
            usage_failure(cmd, std::string("--prefix: ") + e.what());
        work_failure(cmd, e.what());
    }
}

// ---- inspect ----

struct InspectOptions {
    std::string file, format = "text";
    bool docker = false;
};

void run_inspect(const InspectOptions& o) {
    const char* cmd = "layer inspect";
    require_file(cmd, o.file);
    oci::LayerInfo info;
    try {
        info = oci::inspect_layer(o.file);
    } catch (const oci::LayerError& e) { work_failure(cmd, e.what()); }
    if (o.docker) {
        try {
            info.media_type = oci::layer_media_type(info.compression, oci::MediaTypeFamily::docker);
        } catch (const oci::LayerError& e) { usage_failure(cmd, std::string("--docker: ") + e.what()); }
    }
    if (o.format == "json") {
        nlohmann::json j = info_json(o.file, info);
        j["compression"] = compression_name(info.compression);
        std::printf("%s\n", j.dump(2).c_str());
        return;
    }
    auto field = [](const char* name, const std::string& value) {
        std::printf("%-18s%s\n", (std::string(name) + ":").c_str(), value.c_str());
    };
    field("File", o.file);
    field("MediaType", info.media_type);
    field("Digest", info.digest.str());
    field("Size", std::to_string(info.size) + " bytes");
    field("DiffID", info.diff_id.str());
    field("UncompressedSize", std::to_string(info.uncompressed_size) + " bytes");
    field("Compression", compression_name(info.compression));
}

// ---- list ----

// A name from a layer, safe to print on one line: control bytes, DEL and '\' as \ooo (GNU tar's
// quoting); other bytes, UTF-8 included, as they are.
std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        } else {
            out.push_back(char(c));
        }
    }
    return out;
}

char type_char(oci::EntryType t) {
    switch (t) {
        case oci::EntryType::file: return '-';
        case oci::EntryType::directory: return 'd';
        case oci::EntryType::symlink: return 'l';
        case oci::EntryType::hardlink: return 'h';
        case oci::EntryType::char_device: return 'c';
        case oci::EntryType::block_device: return 'b';
        case oci::EntryType::fifo: return 'p';
        case oci::EntryType::socket: return 's';
        case oci::EntryType::other: break;
    }
    return '?';
}

// "drwxr-xr-x" with s/S, t/T for setuid, setgid and sticky, as ls and tar show them.
std::string mode_text(oci::EntryType t, std::uint32_t mode) {
    std::string s(10, '-');
    s[0] = type_char(t);
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        if (mode & (0400u >> i)) s[std::size_t(i) + 1] = rwx[i];
    auto special = [&](std::uint32_t bit, std::size_t pos, char on) {
        if (mode & bit) s[pos] = s[pos] == '-' ? char(on - 'a' + 'A') : on;
    };
    special(04000, 3, 's');
    special(02000, 6, 's');
    special(01000, 9, 't');
    return s;
}

std::string time_text(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm {};
    if (!::gmtime_r(&tt, &tm)) return std::to_string(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

void run_list(const std::string& file) {
    const char* cmd = "layer list";
    require_file(cmd, file);
    std::vector<oci::LayerEntry> entries;
    try {
        entries = oci::list_layer(file);
    } catch (const oci::LayerError& e) { work_failure(cmd, e.what()); }
    for (const oci::LayerEntry& e : entries) {
        // GNU tar's layout: owner and size share a 19-column field, at least one space between.
        const std::string owner = std::to_string(e.uid) + "/" + std::to_string(e.gid);
        const std::string size = std::to_string(e.size);
        const std::size_t pad = owner.size() + size.size() < 19 ? 19 - owner.size() - size.size() : 1;
        std::string line = mode_text(e.type, e.mode) + " " + owner + std::string(pad, ' ') + size + " ";
        line += time_text(e.mtime) + " " + printable(e.path);
        if (e.type == oci::EntryType::symlink) line += " -> " + printable(e.link_target);
        else if (e.type == oci::EntryType::hardlink) line += " link to " + printable(e.link_target);
        std::printf("%s\n", line.c_str());
    }
}

// ---- extract ----

struct ExtractCmdOptions {
    std::string file, dir, digest, diff_id;
    bool preserve_owner = false;
};

void run_extract(const ExtractCmdOptions& o) {
    const char* cmd = "layer extract";
    require_file(cmd, o.file);
    oci::ExtractOptions x;
    x.preserve_owner = o.preserve_owner;
    try {
        if (!o.digest.empty()) x.expected_digest = oci::Digest::parse(o.digest);
    } catch (const oci::DigestError& e) { usage_failure(cmd, "--digest '" + o.digest + "': " + e.what()); }
    try {
        if (!o.diff_id.empty()) x.expected_diff_id = oci::Digest::parse(o.diff_id);
    } catch (const oci::DigestError& e) { usage_failure(cmd, "--diff-id '" + o.diff_id + "': " + e.what()); }
    if (const mode_t m = stat_mode(o.dir); m && !S_ISDIR(m))
        usage_failure(cmd, "DIR '" + o.dir + "' exists and is not a directory");
    try {
        const oci::ExtractResult r = oci::extract_layer(o.file, o.dir, x);
        for (const std::string& note : r.notes) std::fprintf(stderr, "xbuild %s: note: %s\n", cmd, note.c_str());
        std::printf("%s  digest %s  diff_id %s  %zu entries\n", o.dir.c_str(), r.info.digest.str().c_str(),
                    r.info.diff_id.str().c_str(), r.entries);
    } catch (const oci::LayerError& e) { work_failure(cmd, e.what()); }
}

}  // namespace

void add_layer_commands(CLI::App& app) {
    CLI::App* layer = app.add_subcommand("layer", "make image layers from directories, inspect, list and unpack them");
    layer->require_subcommand(1);

    auto co = std::make_shared<CreateOptions>();
    CLI::App* create = layer->add_subcommand(
        "create", "write DIR as a reproducible layer (sorted, owned by 0:0, one mtime, fixed gzip header)");
    create->add_option("dir", co->dir, "the directory whose contents become the layer")->required();
    create->add_option("-o,--output", co->output, "the layer file to write (replaced when complete)")->required();
    CLI::Option* level = create->add_option("--level", co->level, "gzip level 0..9")->capture_default_str();
    create->add_flag("--no-compress", co->no_compress, "write a plain tar (media type ...layer.v1.tar)")
        ->excludes(level);
    create->add_option("--prefix", co->prefix, "where the tree goes inside the layer, e.g. app or /opt/app");
    create->add_option("--mtime", co->mtime, "every entry's mtime, in seconds (default: $SOURCE_DATE_EPOCH, else 0)");
    create->add_flag("--docker", co->docker,
                     "Docker's media type (vnd.docker.image.rootfs.diff.tar.gzip) in --format json");
    create->add_option("--format", co->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    create->callback([co] { run_create(*co); });

    auto io = std::make_shared<InspectOptions>();
    CLI::App* inspect = layer->add_subcommand("inspect", "show a layer's digest, diff_id, sizes and media type");
    inspect->add_option("file", io->file, "a layer blob: tar, tar+gzip or tar+zstd (found by content)")->required();
    inspect->add_flag("--docker", io->docker, "give Docker's media type instead of the OCI one");
    inspect->add_option("--format", io->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    inspect->callback([io] { run_inspect(*io); });

    auto list_file = std::make_shared<std::string>();
    CLI::App* list = layer->add_subcommand("list", "list a layer's entries, like tar -tv");
    list->add_option("file", *list_file, "a layer blob: tar, tar+gzip or tar+zstd")->required();
    list->callback([list_file] { run_list(*list_file); });

    auto xo = std::make_shared<ExtractCmdOptions>();
    CLI::App* extract = layer->add_subcommand(
        "extract",
        "unpack a layer into DIR (created when missing); over an existing DIR, whiteouts remove what it has");
    extract->add_option("file", xo->file, "a layer blob: tar, tar+gzip or tar+zstd")->required();
    extract->add_option("dir", xo->dir, "where to unpack it")->required();
    extract->add_option("--digest", xo->digest, "sha256:... the blob must have (checked before anything is written)");
    extract->add_option("--diff-id", xo->diff_id, "sha256:... the tar must have (checked after unpacking)");
    extract->add_flag("--preserve-owner", xo->preserve_owner, "keep the entries' uid/gid (needs root)");
    extract->callback([xo] { run_extract(*xo); });
}

}  // namespace xbuild::cli
