// Tests of xbuild/oci/layout.hpp as a user meets it: layouts we write must be read by skopeo and
// unpacked by umoci, layouts skopeo and umoci write must open and verify here, corruption must be
// named, the tar form must be byte-reproducible, and hostile tars must be refused.
#include "xbuild/oci/layout.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace xbuild::oci;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "xbuild-layout-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Runs a shell command; its stdout (stderr too when asked), and the exit status in rc.
std::string run(const std::string& cmd, int& rc) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// skopeo and umoci are the other implementations we are checked against; missing, the test fails
// saying so rather than passing without them.
void need_tools() {
    int rc = 0;
    run("command -v skopeo && command -v umoci", rc);
    REQUIRE_MESSAGE(rc == 0, "skopeo and umoci are needed: apt-get install skopeo umoci");
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary);
    out << s;
}

// A one-layer image as a user would assemble it: a folder tarred with `tar czf`, its diff_id from
// the gunzipped bytes, a config and an OCI manifest.
struct Built {
    Descriptor manifest, config, layer;
    std::string manifest_bytes, config_bytes;
};

Built build_image(Layout& layout, const fs::path& work, const std::string& file_text) {
    const fs::path src = work / "src";
    fs::create_directories(src / "etc");
    spit(src / "etc" / "hello.txt", file_text);
    int rc = 0;
    run("tar czf " + q(work / "layer.tar.gz") + " -C " + q(src) + " . && gzip -dc " + q(work / "layer.tar.gz") + " > " +
            q(work / "layer.tar"),
        rc);
    REQUIRE(rc == 0);
    Built b;
    b.layer = layout.put_blob_file(work / "layer.tar.gz", std::string(media_type::oci_layer_gzip));
    ImageConfig cfg;
    cfg.os = "linux";
    cfg.architecture = "amd64";
    cfg.config.cmd = {"/bin/sh"};
    cfg.rootfs.diff_ids.push_back(digest_file(work / "layer.tar"));
    b.config_bytes = to_json(cfg);
    b.config = layout.put_blob(b.config_bytes, std::string(media_type::oci_config));
    Manifest m;
    m.media_type = std::string(media_type::oci_manifest);
    m.config = b.config;
    m.layers.push_back(b.layer);
    b.manifest_bytes = to_json(m);
    b.manifest = layout.put_blob(b.manifest_bytes, std::string(media_type::oci_manifest));
    return b;
}

// A tar with the entries given, written by libarchive so names and types can be anything.
struct Entry {
    std::string name;
    mode_t type = AE_IFREG;
    std::string data;  // file content, or the link target for links
};

void write_tar(const fs::path& out, const std::vector<Entry>& entries) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open_filename(a, out.c_str()) == ARCHIVE_OK);
    for (const Entry& e : entries) {
        archive_entry* h = archive_entry_new();
        archive_entry_set_pathname(h, e.name.c_str());
        archive_entry_set_perm(h, 0644);
        if (e.type == 0) {  // a hard link
            archive_entry_set_filetype(h, AE_IFREG);
            archive_entry_set_hardlink(h, e.data.c_str());
        } else {
            archive_entry_set_filetype(h, e.type);
            if (e.type == AE_IFLNK) archive_entry_set_symlink(h, e.data.c_str());
            if (e.type == AE_IFREG) archive_entry_set_size(h, la_int64_t(e.data.size()));
        }
        REQUIRE(archive_write_header(a, h) == ARCHIVE_OK);
        if (e.type == AE_IFREG && !e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
        archive_entry_free(h);
    }
    archive_write_close(a);
    archive_write_free(a);
}

}  // namespace

TEST_CASE("a layout we write is read by skopeo and unpacked by umoci") {
    need_tools();
    TempDir t;
    const fs::path dir = t.path / "img";
    Layout layout = Layout::create(dir);
    CHECK(slurp(dir / "oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
    CHECK(layout.index().manifests.empty());
    const Built b = build_image(layout, t.path, "hello from xbuild\n");
    layout.tag(b.manifest, "v1");
    CHECK(layout.verify().empty());
    REQUIRE(layout.find("v1"));
    CHECK(layout.find("v1")->digest == b.manifest.digest);
    CHECK_FALSE(layout.find("v2"));

    int rc = 0;
    const std::string raw = run("skopeo inspect --raw oci:" + q(dir) + ":v1", rc);
    REQUIRE(rc == 0);
    CHECK(raw == b.manifest_bytes);
    const std::string cfg = run("skopeo inspect --config --raw oci:" + q(dir) + ":v1", rc);
    REQUIRE(rc == 0);
    CHECK(sha256_of(cfg) == b.config.digest);

    run("cd " + q(t.path) + " && umoci unpack --rootless --image img:v1 bundle 2>&1", rc);
    REQUIRE(rc == 0);
    CHECK(slurp(t.path / "bundle" / "rootfs" / "etc" / "hello.txt") == "hello from xbuild\n");
    // No temp files left in the layout.
    for (const auto& e : fs::recursive_directory_iterator(dir))
        CHECK_MESSAGE(!e.path().filename().string().starts_with("."), e.path().string());
}

TEST_CASE("tags move, names follow the spec's grammar, missing blobs cannot be tagged") {
    TempDir t;
    Layout layout = Layout::create(t.path / "img");
    const Built a = build_image(layout, t.path, "a\n");
    const Descriptor other = layout.put_blob("{}", std::string(media_type::oci_empty));
    layout.tag(a.manifest, "v1");
    layout.tag(a.manifest, "docker.io/library/app:1.0");
    layout.tag(other, "v1");  // moves v1
    const Index idx = layout.index();
    CHECK(idx.manifests.size() == 2);
    CHECK(layout.find("v1")->digest == other.digest);
    CHECK(layout.find("docker.io/library/app:1.0")->digest == a.manifest.digest);
    for (const char* bad : {"", "-x", "a b", "a//b", "x-", "a..b", "/a", "é"})
        CHECK_THROWS_AS(layout.tag(a.manifest, bad), LayoutError);
    CHECK_NOTHROW(layout.tag(a.manifest, "a--b_c+d@e"));           // "--" is one separator
    CHECK_THROWS_AS(layout.tag(a.manifest, "a__b"), LayoutError);  // "_" then "_" is two
    Descriptor ghost = a.manifest;
    ghost.digest = sha256_of("not stored");
    CHECK_THROWS_WITH_AS(layout.tag(ghost, "g"), doctest::Contains("not in"), LayoutError);
    // Layout::open of something else.
    CHECK_THROWS_WITH_AS(Layout::open(t.path), doctest::Contains("no oci-layout"), LayoutError);
    CHECK_THROWS_AS(Layout::create(t.path / "img"), LayoutError);  // not empty
}

TEST_CASE("concurrent tags on one layout are all kept") {
    TempDir t;
    Layout layout = Layout::create(t.path / "img");
    const Descriptor d = layout.put_blob("{}", std::string(media_type::oci_empty));
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&layout, d, i] {
            for (int k = 0; k < 5; ++k) layout.tag(d, "t" + std::to_string(i) + "-" + std::to_string(k));
        });
    for (auto& th : threads) th.join();
    CHECK(layout.index().manifests.size() == 40);
}

TEST_CASE("layouts made by umoci and copied by skopeo open, verify and find their tag") {
    need_tools();
    TempDir t;
    int rc = 0;
    spit(t.path / "a.txt", "inserted\n");
    run("cd " + q(t.path) +
            " && umoci init --layout u && umoci new --image u:t && "
            "umoci insert --rootless --image u:t a.txt /a.txt && skopeo copy -q oci:u:t oci:s:copied 2>&1",
        rc);
    REQUIRE(rc == 0);
    for (const auto& dir_tag : {std::pair {"u", "t"}, std::pair {"s", "copied"}}) {
        const std::string dir = dir_tag.first, tag = dir_tag.second;
        CAPTURE(dir);
        Layout l = Layout::open(t.path / dir);
        CHECK(l.verify().empty());
        const auto found = l.find(tag);
        REQUIRE(found);
        const Manifest m = parse_manifest(l.read_blob(found->digest));
        CHECK(m.layers.size() == 1);
        CHECK(parse_config(l.read_blob(m.config.digest)).rootfs.diff_ids.size() == 1);
    }
}

TEST_CASE("verify names the blob that is corrupt, truncated or missing") {
    TempDir t;
    Layout layout = Layout::create(t.path / "img");
    const Built b = build_image(layout, t.path, "x\n");
    layout.tag(b.manifest, "v1");
    REQUIRE(layout.verify().empty());
    const fs::path lp = layout.blob_path(b.layer.digest);
    const std::string good = slurp(lp);

    std::string bad = good;
    bad[bad.size() / 2] ^= 0x55;  // same size, other bytes
    spit(lp, bad);
    auto problems = layout.verify();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("corrupt blob " + b.layer.digest.str()) != std::string::npos);
    CHECK(problems[0].find("from " + b.manifest.digest.str()) != std::string::npos);

    spit(lp, good.substr(0, 10));
    problems = layout.verify();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("size mismatch for blob " + b.layer.digest.str()) != std::string::npos);

    fs::remove(lp);
    problems = layout.verify();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("missing blob " + b.layer.digest.str()) != std::string::npos);

    spit(lp, good);
    spit(layout.blob_path(b.config.digest), std::string(std::size_t(b.config.size), ' '));
    problems = layout.verify();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find(b.config.digest.str()) != std::string::npos);
    CHECK_THROWS_WITH_AS(layout.read_blob(b.config.digest), doctest::Contains("corrupt"), LayoutError);

    // put_blob repairs a blob of the wrong size; put_blob_file refuses a wrong expected digest.
    spit(layout.blob_path(b.config.digest), "{}");
    CHECK(layout.put_blob(b.config_bytes, std::string(media_type::oci_config)) == b.config);
    CHECK(layout.verify().empty());
    CHECK_THROWS_WITH_AS(layout.put_blob_file(t.path / "layer.tar.gz", "x", sha256_of("other")),
                         doctest::Contains("not the expected"), LayoutError);
}

TEST_CASE("the layout tar is byte-reproducible, readable by skopeo, and reads back to the same index") {
    need_tools();
    TempDir t;
    Layout layout = Layout::create(t.path / "img");
    const Built b = build_image(layout, t.path, "tarred\n");
    layout.tag(b.manifest, "v1");
    write_layout_tar(layout, t.path / "one.tar");
    write_layout_tar(layout, t.path / "two.tar");
    CHECK(digest_file(t.path / "one.tar") == digest_file(t.path / "two.tar"));
    // Names in order, owner root, mtime 0.
    int rc = 0;
    const std::string listing = run("tar tvf " + q(t.path / "one.tar") + " --numeric-owner --full-time", rc);
    REQUIRE(rc == 0);
    CHECK(listing.find("0/0") != std::string::npos);
    CHECK(listing.find("1970-01-01 00:00:00") != std::string::npos);
    const std::string names = run("tar tf " + q(t.path / "one.tar"), rc);
    CHECK(names.rfind("oci-layout\nindex.json\nblobs/\nblobs/sha256/\nblobs/sha256/", 0) == 0);

    const std::string raw = run("skopeo inspect --raw oci-archive:" + q(t.path / "one.tar") + ":v1", rc);
    REQUIRE(rc == 0);
    CHECK(raw == b.manifest_bytes);

    Layout back = read_layout_tar(t.path / "one.tar", t.path / "back");
    CHECK(back.index() == layout.index());
    CHECK(back.verify().empty());
    write_layout_tar(back, t.path / "three.tar");
    CHECK(digest_file(t.path / "three.tar") == digest_file(t.path / "one.tar"));
    // Compressed tars are read too.
    run("gzip -k " + q(t.path / "one.tar"), rc);
    REQUIRE(rc == 0);
    CHECK(read_layout_tar(t.path / "one.tar.gz", t.path / "gz").index() == layout.index());
    // Into a non-empty folder: refused.
    CHECK_THROWS_WITH_AS(read_layout_tar(t.path / "one.tar", t.path / "back"), doctest::Contains("not an empty folder"),
                         LayoutError);
}

TEST_CASE("a hostile layout tar is refused and writes nothing outside the folder") {
    TempDir t;
    fs::create_directories(t.path / "deep" / "er");
    const std::string marker = R"({"imageLayoutVersion":"1.0.0"})";
    const std::string index = R"({"schemaVersion":2,"manifests":[]})";
    const fs::path escape = t.path / "deep" / "escaped";
    const std::vector<std::pair<std::string, std::vector<Entry>>> cases = {
        {"..", {{"oci-layout", AE_IFREG, marker}, {"../escaped", AE_IFREG, "x"}}},
        {"..", {{"oci-layout", AE_IFREG, marker}, {"blobs/../../escaped", AE_IFREG, "x"}}},
        {"absolute", {{"oci-layout", AE_IFREG, marker}, {escape.string(), AE_IFREG, "x"}}},
        {"link",
         {{"oci-layout", AE_IFREG, marker},
          {"blobs", AE_IFLNK, (t.path / "deep").string()},
          {"blobs/escaped", AE_IFREG, "x"}}},
        {"link", {{"index.json", AE_IFLNK, "../escaped"}, {"oci-layout", AE_IFREG, marker}}},
        {"link", {{"oci-layout", AE_IFREG, marker}, {"index.json", 0, "oci-layout"}}},
        {"not a file", {{"oci-layout", AE_IFREG, marker}, {"dev", AE_IFCHR, ""}}},
        {"not a file", {{"oci-layout", AE_IFREG, marker}, {"fifo", AE_IFIFO, ""}}},
        {"no index.json", {{"oci-layout", AE_IFREG, marker}}},
    };
    int n = 0;
    for (const auto& c : cases) {
        const std::string& why = c.first;
        const std::vector<Entry>& entries = c.second;
        CAPTURE(n);
        const fs::path tar = t.path / ("bad" + std::to_string(n) + ".tar");
        write_tar(tar, entries);
        const fs::path dir = t.path / "deep" / "er" / ("out" + std::to_string(n++));
        CHECK_THROWS_WITH_AS(read_layout_tar(tar, dir), doctest::Contains(why.c_str()), LayoutError);
        CHECK_FALSE(fs::exists(escape));
        CHECK_FALSE(fs::exists(t.path / "escaped"));
        CHECK_FALSE(fs::exists(dir));
        // No stage folder left beside it either.
        CHECK(fs::is_empty(t.path / "deep" / "er"));
    }
    // The same with the good entries only opens.
    write_tar(t.path / "good.tar", {{"./", AE_IFDIR, ""},
                                    {"oci-layout", AE_IFREG, marker},
                                    {"index.json", AE_IFREG, index},
                                    {"extra/note.txt", AE_IFREG, "hi"}});
    CHECK(read_layout_tar(t.path / "good.tar", t.path / "good").index().manifests.empty());
    CHECK_THROWS_AS(read_layout_tar(t.path / "missing.tar", t.path / "m"), LayoutError);
}
