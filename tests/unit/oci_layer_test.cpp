// Tests of xbuild/oci/layer.hpp, as a user would check a layer: the real tar, gzip and sha256sum
// agree with our digests, two writes of one tree are byte-identical, links and modes survive a
// round trip, whiteouts hide lower layers only, and hostile tars write nothing outside the root.
#include "xbuild/oci/layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xbuild/process.hpp"

using namespace xbuild::oci;
namespace fs = std::filesystem;

namespace {

struct LayerTempDir {
    fs::path path;
    LayerTempDir() {
        std::string tmpl = (fs::temp_directory_path() / "xbuild-layer-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~LayerTempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path operator/(const std::string& p) const { return path / p; }
};

void put(const fs::path& p, const std::string& content) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A shell pipeline's output (the tools under test are the user's own).
std::string sh(const std::string& cmd) {
    auto r = xbuild::capture_program({"sh", "-c", cmd});
    REQUIRE_MESSAGE(r.status == 0, cmd);
    return r.out;
}

std::string sha256_cmd(const std::string& input_cmd) {
    return "sha256:" + sh(input_cmd + " | sha256sum").substr(0, 64);
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// The same small tree, made with `stamp` as every mtime and `owner` as every uid/gid.
void make_tree(const fs::path& root, std::time_t stamp, int owner) {
    put(root / "bin/tool", "#!/bin/sh\necho tool\n");
    put(root / "etc/config", "key=value\n");
    put(root / "share/doc/README", std::string(100000, 'r'));
    fs::create_directories(root / "tmp");
    fs::create_directories(root / "empty");
    fs::create_symlink("../etc/config", root / "bin/config-link");
    fs::create_symlink("/absolute/target", root / "abs-link");
    fs::create_hard_link(root / "etc/config", root / "etc/config.hard");
    const std::string cmd = "cd " + q(root) + " && find . -exec chown -h " + std::to_string(owner) + ":" +
                            std::to_string(owner) +
                            " {} + && chmod 4755 bin/tool && chmod 1777 tmp && find . -exec touch -h -d @" +
                            std::to_string(stamp) + " {} +";  // chmod after chown, which clears setuid
    sh(cmd);
}

struct Craft {
    std::string path;
    char type = 'f';  // f file, d dir, l symlink, h hardlink, c char device, p fifo
    std::string data_or_target;
    int mode = 0644;
};

// A tar (gzipped when asked) built entry by entry with libarchive: hostile ones included.
void craft(const fs::path& out, const std::vector<Craft>& entries, bool gzip = false) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip) archive_write_add_filter_gzip(a);
    REQUIRE(archive_write_open_filename(a, out.c_str()) == ARCHIVE_OK);
    for (const Craft& c : entries) {
        archive_entry* e = archive_entry_new();
        archive_entry_copy_pathname(e, c.path.c_str());
        archive_entry_set_perm(e, mode_t(c.mode));
        archive_entry_set_mtime(e, 1000, 0);
        archive_entry_set_uid(e, 1234);
        archive_entry_set_gid(e, 4321);
        switch (c.type) {
            case 'd': archive_entry_set_filetype(e, AE_IFDIR); break;
            case 'l':
                archive_entry_set_filetype(e, AE_IFLNK);
                archive_entry_copy_symlink(e, c.data_or_target.c_str());
                break;
            case 'h':
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_copy_hardlink(e, c.data_or_target.c_str());
                break;
            case 'c':
                archive_entry_set_filetype(e, AE_IFCHR);
                archive_entry_set_rdev(e, makedev(1, 3));
                break;
            case 'p': archive_entry_set_filetype(e, AE_IFIFO); break;
            default:
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_size(e, la_int64_t(c.data_or_target.size()));
        }
        REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
        if (c.type == 'f') archive_write_data(a, c.data_or_target.data(), c.data_or_target.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

// Every path below `dir`, sorted, '/'-separated (what `find` would list).
std::vector<std::string> tree(const fs::path& dir) {
    std::vector<std::string> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it)
        out.push_back(it->path().lexically_relative(dir).generic_string());
    std::sort(out.begin(), out.end());
    return out;
}

struct EnvGuard {  // SOURCE_DATE_EPOCH for one test, restored after
    std::optional<std::string> old;
    explicit EnvGuard(const char* value) {
        if (const char* v = std::getenv("SOURCE_DATE_EPOCH")) old = v;
        if (value) ::setenv("SOURCE_DATE_EPOCH", value, 1);
        else ::unsetenv("SOURCE_DATE_EPOCH");
    }
    ~EnvGuard() {
        if (old) ::setenv("SOURCE_DATE_EPOCH", old->c_str(), 1);
        else ::unsetenv("SOURCE_DATE_EPOCH");
    }
};

}  // namespace

TEST_CASE("write_layer: sha256sum, gunzip, gzip -t and tar agree with what it reports") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    make_tree(t / "src", 1234567890, 1234);
    const fs::path out = t / "layer.tar.gz";
    LayerInfo info = write_layer(t / "src", out);

    CHECK(info.digest.str() == sha256_cmd("cat " + q(out)));
    CHECK(info.diff_id.str() == sha256_cmd("gunzip -c " + q(out)));
    CHECK(info.size == std::int64_t(fs::file_size(out)));
    CHECK(std::to_string(info.uncompressed_size) + "\n" == sh("gunzip -c " + q(out) + " | wc -c"));
    CHECK(info.uncompressed_size % 512 == 0);
    sh("gzip -t " + q(out));
    CHECK(info.media_type == media_type::oci_layer_gzip);
    Descriptor d = info.descriptor();
    CHECK(d.media_type == media_type::oci_layer_gzip);
    CHECK(d.digest == info.digest);
    CHECK(d.size == info.size);
    CHECK(inspect_layer(out).digest == info.digest);
    CHECK(inspect_layer(out).diff_id == info.diff_id);

    // gzip header: magic, deflate, no flags (no name), mtime 0, XFL 0 at level 6, OS 255.
    CHECK(slurp(out).substr(0, 10) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));

    // Sorted bytewise, root-owned, epoch-dated, modes and links kept.
    const std::string listing = sh("TZ=UTC tar --numeric-owner --full-time -tvzf " + q(out));
    CHECK(listing ==
          "lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 abs-link -> /absolute/target\n"
          "drwxr-xr-x 0/0               0 1970-01-01 00:00:00 bin/\n"
          "lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 bin/config-link -> ../etc/config\n"
          "-rwsr-xr-x 0/0              20 1970-01-01 00:00:00 bin/tool\n"
          "drwxr-xr-x 0/0               0 1970-01-01 00:00:00 empty/\n"
          "drwxr-xr-x 0/0               0 1970-01-01 00:00:00 etc/\n"
          "-rw-r--r-- 0/0              10 1970-01-01 00:00:00 etc/config\n"
          "hrw-r--r-- 0/0               0 1970-01-01 00:00:00 etc/config.hard link to etc/config\n"
          "drwxr-xr-x 0/0               0 1970-01-01 00:00:00 share/\n"
          "drwxr-xr-x 0/0               0 1970-01-01 00:00:00 share/doc/\n"
          "-rw-r--r-- 0/0          100000 1970-01-01 00:00:00 share/doc/README\n"
          "drwxrwxrwt 0/0               0 1970-01-01 00:00:00 tmp/\n");
    for (const LayerEntry& e : list_layer(out)) {
        CHECK(e.uid == 0);
        CHECK(e.gid == 0);
        CHECK(e.uname.empty());
        CHECK(e.gname.empty());
    }
    // No pax records for names this short (so no atime or ctime either): plain ustar throughout.
    CHECK(sh("gunzip -c " + q(out) + " | grep -c -a -e PaxHeader -e atime -e ctime || true") == "0\n");
}

TEST_CASE("write_layer is reproducible: other mtimes, owners and write order give the same bytes") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    make_tree(t / "one", 1000000000, 0);
    make_tree(t / "two", 1600000000, 4321);
    LayerInfo a = write_layer(t / "one", t / "a.tgz");
    LayerInfo b = write_layer(t / "two", t / "b.tgz");
    CHECK(a.digest == b.digest);
    CHECK(a.diff_id == b.diff_id);
    CHECK(slurp(t / "a.tgz") == slurp(t / "b.tgz"));
    // Another level: other bytes, the same tar.
    LayerInfo c = write_layer(t / "one", t / "c.tgz", {.level = 9});
    CHECK(c.digest != a.digest);
    CHECK(c.diff_id == a.diff_id);
    // Docker's media type on request; nothing else changes.
    LayerInfo dk = write_layer(t / "one", t / "d.tgz", {.family = MediaTypeFamily::docker});
    CHECK(dk.media_type == media_type::docker_layer_gzip);
    CHECK(dk.digest == a.digest);
}

TEST_CASE("write_layer: SOURCE_DATE_EPOCH and the mtime option date every entry") {
    LayerTempDir t;
    make_tree(t / "src", 1234567890, 0);
    LayerInfo zero = [&] {
        EnvGuard env(nullptr);
        return write_layer(t / "src", t / "zero.tgz");
    }();
    {
        EnvGuard env("1700000000");
        LayerInfo dated = write_layer(t / "src", t / "dated.tgz");
        CHECK(dated.digest != zero.digest);
        const std::string listing = sh("TZ=UTC tar --full-time -tvzf " + q(t / "dated.tgz"));
        CHECK(listing.find("2023-11-14 22:13:20 bin/tool") != std::string::npos);
        CHECK(listing.find("1970") == std::string::npos);
        // The option wins over the environment.
        LayerInfo opt = write_layer(t / "src", t / "opt.tgz", {.mtime = 0});
        CHECK(opt.digest == zero.digest);
    }
    {
        EnvGuard env("yesterday");
        CHECK_THROWS_WITH_AS(write_layer(t / "src", t / "bad.tgz"), doctest::Contains("SOURCE_DATE_EPOCH"), LayerError);
        CHECK_FALSE(fs::exists(t / "bad.tgz"));
    }
}

TEST_CASE("write_layer: a prefix, an uncompressed tar, and the options it refuses") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    put(t / "src/hello", "hello\n");
    LayerInfo p = write_layer(t / "src", t / "p.tgz", {.prefix = "/opt/app/"});
    CHECK(sh("tar -tzf " + q(t / "p.tgz")) == "opt/\nopt/app/\nopt/app/hello\n");
    CHECK(sh("tar -tvzf " + q(t / "p.tgz") + " | head -1").rfind("drwxr-xr-x", 0) == 0);

    LayerInfo raw = write_layer(t / "src", t / "p.tar", {.compression = LayerCompression::none, .prefix = "app"});
    CHECK(raw.media_type == media_type::oci_layer);
    CHECK(raw.digest == raw.diff_id);
    CHECK(raw.size == raw.uncompressed_size);
    CHECK(raw.digest.str() == sha256_cmd("cat " + q(t / "p.tar")));
    CHECK(sh("tar -tf " + q(t / "p.tar")) == "app/\napp/hello\n");
    CHECK(inspect_layer(t / "p.tar").compression == LayerCompression::none);

    CHECK_THROWS_WITH_AS(write_layer(t / "src", t / "x", {.prefix = "a/../b"}), doctest::Contains("'..'"), LayerError);
    CHECK_THROWS_WITH_AS(write_layer(t / "src", t / "x", {.level = 11}), doctest::Contains("0..9"), LayerError);
    CHECK_THROWS_AS(
        write_layer(t / "src", t / "x", {.compression = LayerCompression::none, .family = MediaTypeFamily::docker}),
        LayerError);
    CHECK_THROWS_WITH_AS(write_layer(t / "missing", t / "x"), doctest::Contains("missing"), LayerError);
}

TEST_CASE("write_layer refuses a FIFO or device, naming it, and leaves no file behind") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    put(t / "src/ok", "ok");
    fs::create_directories(t / "out");
    REQUIRE(::mkfifo((t / "src/pipe").c_str(), 0644) == 0);
    CHECK_THROWS_WITH_AS(write_layer(t / "src", t / "out/l.tgz"),
                         doctest::Contains("src/pipe in a layer: it is a FIFO"), LayerError);
    CHECK(tree(t / "out").empty());  // neither the layer nor its temporary file
}

TEST_CASE("extract_layer: files, modes, symlinks and hardlinks round-trip") {
    EnvGuard env("1700000000");
    LayerTempDir t;
    make_tree(t / "src", 1, 99);
    LayerInfo w = write_layer(t / "src", t / "l.tgz");
    ExtractResult r =
        extract_layer(t / "l.tgz", t / "root", {.expected_digest = w.digest, .expected_diff_id = w.diff_id});
    CHECK(r.info.digest == w.digest);
    CHECK(r.info.diff_id == w.diff_id);
    CHECK(r.entries == 12);
    CHECK(r.notes.empty());
    CHECK(tree(t / "root") == tree(t / "src"));
    CHECK(slurp(t / "root/share/doc/README") == std::string(100000, 'r'));
    CHECK(fs::read_symlink(t / "root/bin/config-link") == "../etc/config");
    CHECK(fs::read_symlink(t / "root/abs-link") == "/absolute/target");
    struct stat a {
    }, b {}, tool {}, tmp {};
    REQUIRE(::stat((t / "root/etc/config").c_str(), &a) == 0);
    REQUIRE(::stat((t / "root/etc/config.hard").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK(a.st_nlink == 2);
    REQUIRE(::stat((t / "root/bin/tool").c_str(), &tool) == 0);
    CHECK((tool.st_mode & 07777) == 04755);
    CHECK(tool.st_mtime == 1700000000);
    REQUIRE(::stat((t / "root/tmp").c_str(), &tmp) == 0);
    CHECK((tmp.st_mode & 07777) == 01777);
    CHECK(tmp.st_mtime == 1700000000);
    // Writing the extracted tree again gives the very same layer.
    CHECK(write_layer(t / "root", t / "again.tgz").digest == w.digest);
}

TEST_CASE("extract_layer verifies the digest before writing, the diff_id after") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    put(t / "src/f", "content");
    LayerInfo w = write_layer(t / "src", t / "l.tgz");
    const Digest wrong = sha256_of("something else");
    CHECK_THROWS_WITH_AS(extract_layer(t / "l.tgz", t / "a", {.expected_digest = wrong}),
                         doctest::Contains(("has digest " + w.digest.str() + ", expected " + wrong.str()).c_str()),
                         LayerError);
    CHECK((!fs::exists(t / "a") || tree(t / "a").empty()));
    CHECK_THROWS_WITH_AS(extract_layer(t / "l.tgz", t / "b", {.expected_diff_id = wrong}),
                         doctest::Contains(("diff_id " + w.diff_id.str() + ", expected " + wrong.str()).c_str()),
                         LayerError);
    CHECK(fs::exists(t / "b/f"));  // as documented: already written
}

TEST_CASE("list_layer and inspect_layer read GNU tar's output, gzip and zstd alike") {
    LayerTempDir t;
    put(t / ("src/" + std::string(150, 'n') + "/file"), "long name");
    put(t / "src/plain", "plain");
    sh("cd " + q(t / "src") + " && tar --format=gnu -cf ../gnu.tar . && gzip -k ../gnu.tar && zstd -q -k ../gnu.tar");
    const Digest diff = Digest::parse(sha256_cmd("cat " + q(t / "gnu.tar")));
    CHECK(inspect_layer(t / "gnu.tar").diff_id == diff);
    LayerInfo gz = inspect_layer(t / "gnu.tar.gz");
    CHECK(gz.compression == LayerCompression::gzip);
    CHECK(gz.diff_id == diff);
    CHECK(gz.digest.str() == sha256_cmd("cat " + q(t / "gnu.tar.gz")));
    LayerInfo zs = inspect_layer(t / "gnu.tar.zst");
    CHECK(zs.compression == LayerCompression::zstd);
    CHECK(zs.media_type == media_type::oci_layer_zstd);
    CHECK(zs.diff_id == diff);
    bool found_long = false;
    for (const LayerEntry& e : list_layer(t / "gnu.tar.zst"))
        if (e.path == "./" + std::string(150, 'n') + "/file") found_long = e.type == EntryType::file && e.size == 9;
    CHECK(found_long);
    extract_layer(t / "gnu.tar.zst", t / "root");
    CHECK(slurp(t / "root" / std::string(150, 'n') / "file") == "long name");
    // Not a layer at all: named, with what would be valid.
    put(t / "junk", std::string(2000, 'j'));
    CHECK_THROWS_WITH_AS(list_layer(t / "junk"), doctest::Contains("a layer is a tar"), LayerError);
}

TEST_CASE("whiteouts and opaque directories hide lower layers only") {
    LayerTempDir t;
    const fs::path root = t / "root";
    craft(t / "lower.tar", {{"gone", 'f', "lower"},
                            {"dir/", 'd', "", 0755},
                            {"dir/a", 'f', "lower a"},
                            {"dir/sub/", 'd', "", 0755},
                            {"dir/sub/deep", 'f', "deep"},
                            {"opq/", 'd', "", 0755},
                            {"opq/old", 'f', "old"},
                            {"opq/keep-dir/", 'd', "", 0755},
                            {"opq/keep-dir/old2", 'f', "old2"},
                            {"redo", 'f', "lower redo"},
                            {"stays", 'f', "stays"}});
    extract_layer(t / "lower.tar", root);
    craft(t / "upper.tgz",
          {{".wh.gone", 'f', ""},
           {"dir/.wh.sub", 'f', ""},
           {"opq/new-before", 'f', "before"},
           {"opq/keep-dir/", 'd', "", 0700},
           {"opq/.wh..wh..opq", 'f', ""},
           {"opq/new-after", 'f', "after"},
           {"redo", 'f', "upper redo"},
           {".wh.redo", 'f', ""},  // same layer: the file above stays
           {".wh.never-there", 'f', ""},
           {".wh..wh.plnk", 'f', ""}},
          true);
    ExtractResult r = extract_layer(t / "upper.tgz", root);
    CHECK(tree(root) == std::vector<std::string> {"dir", "dir/a", "opq", "opq/keep-dir", "opq/new-after",
                                                  "opq/new-before", "redo", "stays"});
    CHECK(slurp(root / "redo") == "upper redo");
    CHECK(slurp(root / "opq/new-before") == "before");
    CHECK((fs::status(root / "opq/keep-dir").permissions() & fs::perms::all) == fs::perms::owner_all);
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0] == ".wh..wh.plnk: aufs metadata skipped");
    craft(t / "bad.tar", {{"dir/.wh..", 'f', ""}});
    CHECK_THROWS_WITH_AS(extract_layer(t / "bad.tar", root), doctest::Contains("whiteout must name a file"),
                         LayerError);
}

TEST_CASE("hostile layers: nothing lands outside the root") {
    LayerTempDir t;
    const fs::path root = t / "root", outside = t / "outside";
    put(outside / "victim", "untouched");
    fs::create_directories(root);
    auto refused = [&](const char* name, const std::vector<Craft>& entries, const std::string& message) {
        CAPTURE(name);
        craft(t / "evil.tar", entries);
        CHECK_THROWS_WITH_AS(extract_layer(t / "evil.tar", root), doctest::Contains(message.c_str()), LayerError);
    };
    refused("dotdot", {{"../evil", 'f', "x"}}, "entry '../evil': path '../evil' has a '..' component");
    refused("inner dotdot", {{"a/../../evil", 'f', "x"}}, "'..' component");
    refused("climbing symlink", {{"up", 'l', "../outside"}, {"up/victim", 'f', "pwned"}},
            "a symlink on its path leads above the root");
    refused("deep climbing symlink", {{"d/", 'd', ""}, {"d/up", 'l', "../../outside"}, {"d/up/new", 'f', "pwned"}},
            "leads above the root");
    refused("hardlink dotdot", {{"h", 'h', "../outside/victim"}}, "(hardlink target): path '../outside/victim'");
    refused("hardlink absolute", {{"h", 'h', (outside / "victim").string()}}, "does not exist");
    refused("file in the way", {{"plain", 'f', "x"}, {"plain/child", 'f', "y"}}, "'plain' is in the way");
    CHECK(slurp(outside / "victim") == "untouched");
    CHECK(tree(outside) == std::vector<std::string> {"victim"});
    CHECK_FALSE(fs::exists(t / "evil"));

    // Contained rather than refused: an absolute path and an absolute symlink mean the root's.
    fs::remove_all(root);
    craft(t / "contained.tar", {{(outside / "abs").string(), 'f', "abs"},
                                {"link", 'l', outside.string()},
                                {"link/through", 'f', "through"},
                                {"swap", 'l', (outside / "victim").string()},
                                {"swap", 'f', "replaced the link, not its target"},
                                {"hl", 'h', "link/through"},
                                {"dev/null", 'c', ""},
                                {"fifo", 'p', "", 0600}});
    ExtractResult r = extract_layer(t / "contained.tar", root);
    const fs::path inside = root / outside.relative_path();
    CHECK(slurp(inside / "abs") == "abs");
    CHECK(slurp(inside / "through") == "through");
    CHECK(fs::is_symlink(root / "link"));
    CHECK(slurp(root / "swap") == "replaced the link, not its target");
    CHECK(slurp(root / "hl") == "through");
    CHECK(fs::is_fifo(root / "fifo"));
    CHECK_FALSE(fs::exists(root / "dev/null"));
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0].find("dev/null: character device not created") == 0);
    CHECK(slurp(outside / "victim") == "untouched");
    CHECK(tree(outside) == std::vector<std::string> {"victim"});
}

TEST_CASE("a 50 MB file streams through write and extract") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    fs::create_directories(t / "src");
    sh("truncate -s 50M " + q(t / "src/big") + " && printf tail >> " + q(t / "src/big"));
    LayerInfo w = write_layer(t / "src", t / "big.tgz");
    CHECK(w.uncompressed_size > 50 * 1024 * 1024);
    CHECK(w.size < 1024 * 1024);  // zeros compress
    CHECK(w.diff_id.str() == sha256_cmd("gunzip -c " + q(t / "big.tgz")));
    extract_layer(t / "big.tgz", t / "root", {.expected_digest = w.digest});
    CHECK(sh("sha256sum < " + q(t / "root/big")) == sh("sha256sum < " + q(t / "src/big")));
}

TEST_CASE("non-ASCII names go in as UTF-8 pax records, whatever the locale, and come back out") {
    EnvGuard env(nullptr);
    LayerTempDir t;
    put(t / "src/café/naïve.txt", "utf-8");
    fs::create_symlink("café/naïve.txt", t / "src/lien");
    LayerInfo w = write_layer(t / "src", t / "l.tgz");
    // No hdrcharset=BINARY (GNU tar would warn on stderr, folded in here).
    CHECK(sh("tar -tzf " + q(t / "l.tgz") + " 2>&1") == "café/\ncafé/naïve.txt\nlien\n");
    CHECK(sh("gunzip -c " + q(t / "l.tgz") + " | grep -c -a hdrcharset || true") == "0\n");
    extract_layer(t / "l.tgz", t / "root", {.expected_digest = w.digest});
    CHECK(slurp(t / "root/café/naïve.txt") == "utf-8");
    CHECK(fs::read_symlink(t / "root/lien") == "café/naïve.txt");
}

TEST_CASE("extract_layer keeps owners only when asked (and when root)") {
    LayerTempDir t;
    craft(t / "owned.tar", {{"d/", 'd', "", 0755}, {"d/f", 'f', "x", 04755}, {"l", 'l', "d/f"}});
    extract_layer(t / "owned.tar", t / "plain");
    struct stat st {};
    REQUIRE(::stat((t / "plain/d/f").c_str(), &st) == 0);
    CHECK(st.st_uid == ::geteuid());
    if (::geteuid() != 0) return;  // chown needs root
    extract_layer(t / "owned.tar", t / "owned", {.preserve_owner = true});
    for (const char* p : {"owned/d", "owned/d/f", "owned/l"}) {
        CAPTURE(p);
        REQUIRE(::lstat((t / p).c_str(), &st) == 0);
        CHECK(st.st_uid == 1234);
        CHECK(st.st_gid == 4321);
    }
    REQUIRE(::stat((t / "owned/d/f").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 04755);  // the mode is set after the chown, which clears setuid
}
