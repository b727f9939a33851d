// Tests of xbuild/oci/docker_archive.hpp: archives shaped as `docker save` writes them (Docker
// 20.10's legacy form with a shared layer symlinked, Docker 25's OCI layout inside), imported into
// a layout that skopeo reads and umoci unpacks; archives we write read by skopeo's docker-archive
// transport and imported back to the same digest; diff_id mismatches and hostile paths refused.
#include "xbuild/oci/docker_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace xbuild::oci;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "xbuild-darchive-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

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
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << s;
}

struct Entry {
    std::string name;
    mode_t type = AE_IFREG;
    std::string data;  // content, or a symlink's target
};

void write_tar(const fs::path& out, const std::vector<Entry>& entries) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open_filename(a, out.c_str()) == ARCHIVE_OK);
    for (const Entry& e : entries) {
        archive_entry* h = archive_entry_new();
        archive_entry_set_pathname(h, e.name.c_str());
        archive_entry_set_filetype(h, e.type);
        archive_entry_set_perm(h, e.type == AE_IFDIR ? 0755 : 0644);
        if (e.type == AE_IFLNK) archive_entry_set_symlink(h, e.data.c_str());
        if (e.type == AE_IFREG) archive_entry_set_size(h, la_int64_t(e.data.size()));
        REQUIRE(archive_write_header(a, h) == ARCHIVE_OK);
        if (e.type == AE_IFREG && !e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
        archive_entry_free(h);
    }
    archive_write_close(a);
    archive_write_free(a);
}

// Two layer tars made by GNU tar (as a build would) and a config in Docker's own shape.
struct Fixture {
    TempDir t;
    std::string layer1, layer2;  // uncompressed tars
    Digest diff1, diff2;
    std::string config;  // Docker's config JSON
    Digest config_digest;

    Fixture() {
        spit(t.path / "l1" / "etc" / "hello.txt", "hello from layer one\n");
        spit(t.path / "l2" / "app" / "run.sh", "#!/bin/sh\necho two\n");
        int rc = 0;
        for (const char* l : {"l1", "l2"})
            run("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf " +
                    q(t.path / (std::string(l) + ".tar")) + " -C " + q(t.path / l) + " .",
                rc);
        REQUIRE(rc == 0);
        layer1 = slurp(t.path / "l1.tar");
        layer2 = slurp(t.path / "l2.tar");
        diff1 = sha256_of(layer1);
        diff2 = sha256_of(layer2);
        config = config_for({diff1, diff2});
        config_digest = sha256_of(config);
    }
    static std::string config_for(const std::vector<Digest>& diffs) {
        std::string ids;
        for (const Digest& d : diffs) ids += (ids.empty() ? "\"" : ",\"") + d.str() + "\"";
        return R"({"architecture":"arm64","variant":"v8","config":{"Env":["PATH=/usr/bin:/bin"],"Cmd":["/app/run.sh"]},)"
               R"("container_config":{"Cmd":["/bin/sh","-c","#(nop) CMD"]},"created":"2024-01-02T03:04:05Z",)"
               R"("docker_version":"20.10.24","history":[{"created":"2024-01-02T03:04:05Z","created_by":"COPY l1 /"},)"
               R"({"created":"2024-01-02T03:04:05Z","created_by":"COPY l2 /"}],"os":"linux",)"
               R"("rootfs":{"type":"layers","diff_ids":[)" +
               ids + "]}}";
    }
    // `docker save app:v1 app:shared` of Docker 20.10: v1 ids as folders, the shared layer of the
    // second image a symlink to the first copy, config as <hex>.json, repositories.
    std::vector<Entry> legacy() const {
        const std::string id1(64, 'a'), id2(64, 'b'), id3(64, 'c');
        const std::string cfg = config_digest.encoded + ".json";
        const std::string one_layer = config_for({diff1});
        return {
            {id1 + "/", AE_IFDIR, ""},
            {id1 + "/VERSION", AE_IFREG, "1.0"},
            {id1 + "/json", AE_IFREG, R"({"id":")" + id1 + R"("})"},
            {id1 + "/layer.tar", AE_IFREG, layer1},
            {id2 + "/", AE_IFDIR, ""},
            {id2 + "/VERSION", AE_IFREG, "1.0"},
            {id2 + "/json", AE_IFREG, R"({"id":")" + id2 + R"(","parent":")" + id1 + R"("})"},
            {id2 + "/layer.tar", AE_IFREG, layer2},
            {id3 + "/", AE_IFDIR, ""},
            {id3 + "/layer.tar", AE_IFLNK, "../" + id1 + "/layer.tar"},
            {cfg, AE_IFREG, config},
            {sha256_of(one_layer).encoded + ".json", AE_IFREG, one_layer},
            {"manifest.json", AE_IFREG,
             R"([{"Config":")" + cfg + R"(","RepoTags":["app:v1"],"Layers":[")" + id1 + R"(/layer.tar",")" + id2 +
                 R"(/layer.tar"]},{"Config":")" + sha256_of(one_layer).encoded +
                 R"(.json","RepoTags":["app:shared"],)" + R"("Layers":[")" + id3 + R"(/layer.tar"]}])"},
            {"repositories", AE_IFREG, R"({"app":{"v1":")" + id2 + R"(","shared":")" + id3 + R"("}})"},
        };
    }
    // `docker save app:v1` of Docker 25+: an OCI layout inside, the first layer gzip-compressed as
    // the containerd store keeps it, the second a plain tar.
    std::vector<Entry> oci_inside() const {
        int rc = 0;
        run("gzip -n -c " + q(t.path / "l1.tar") + " > " + q(t.path / "l1.tar.gz"), rc);
        REQUIRE(rc == 0);
        const std::string gz = slurp(t.path / "l1.tar.gz");
        const std::string b = "blobs/sha256/";
        const std::string manifest =
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":)"
            R"("application/vnd.oci.image.config.v1+json","digest":")" +
            config_digest.str() + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
        return {
            {"blobs/", AE_IFDIR, ""},
            {"blobs/sha256/", AE_IFDIR, ""},
            {b + sha256_of(gz).encoded, AE_IFREG, gz},
            {b + diff2.encoded, AE_IFREG, layer2},
            {b + config_digest.encoded, AE_IFREG, config},
            {b + sha256_of(manifest).encoded, AE_IFREG, manifest},
            {"index.json", AE_IFREG,
             R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                 sha256_of(manifest).str() + R"(","size":)" + std::to_string(manifest.size()) + "}]}"},
            {"manifest.json", AE_IFREG,
             R"([{"Config":")" + b + config_digest.encoded + R"(","RepoTags":["app:v1"],"Layers":[")" + b +
                 sha256_of(gz).encoded + R"(",")" + b + diff2.encoded + R"("]}])"},
            {"oci-layout", AE_IFREG, R"({"imageLayoutVersion":"1.0.0"})"},
        };
    }
};

std::size_t blob_count(const Layout& l) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(l.dir() / "blobs")) n += e.is_regular_file();
    return n;
}

}  // namespace

TEST_CASE("a Docker 20.10 archive imports into a layout that skopeo reads and umoci unpacks") {
    need_tools();
    Fixture f;
    const fs::path tar = f.t.path / "saved.tar";
    write_tar(tar, f.legacy());

    const auto listed = read_docker_archive_manifest(tar);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].config == f.config_digest.encoded + ".json");
    CHECK(listed[0].repo_tags == std::vector<std::string> {"app:v1"});
    CHECK(listed[0].layers ==
          std::vector<std::string> {std::string(64, 'a') + "/layer.tar", std::string(64, 'b') + "/layer.tar"});
    CHECK(listed[1].layers == std::vector<std::string> {std::string(64, 'c') + "/layer.tar"});

    Layout layout = Layout::create(f.t.path / "img");
    const auto got = import_docker_archive(tar, layout);
    REQUIRE(got.size() == 2);
    const ImportedImage& img = got[0];
    CHECK(img.config.digest == f.config_digest);  // the image ID is kept
    CHECK(img.config.media_type == media_type::oci_config);
    CHECK(layout.read_blob(img.config.digest) == f.config);
    REQUIRE(img.manifest.platform);
    CHECK(img.manifest.platform->str() == "linux/arm64/v8");
    REQUIRE(img.layers.size() == 2);
    CHECK(img.layers[0].media_type == media_type::oci_layer_gzip);
    // The shared layer was stored once, under the same digest for both images.
    CHECK(got[1].layers.at(0) == img.layers[0]);
    int rc = 0;
    const std::string unzipped = run("gzip -dc " + q(layout.blob_path(img.layers[1].digest)), rc);
    CHECK(sha256_of(unzipped) == f.diff2);
    const Manifest m = parse_manifest(layout.read_blob(img.manifest.digest));
    CHECK(m.media_type == media_type::oci_manifest);
    CHECK(m.layers == img.layers);
    CHECK(layout.find("app:v1")->digest == img.manifest.digest);
    CHECK(layout.find("app:shared")->digest == got[1].manifest.digest);
    CHECK(layout.verify().empty());

    const std::string raw = run("skopeo inspect --raw oci:" + q(layout.dir()) + ":app:v1", rc);
    REQUIRE(rc == 0);
    CHECK(raw == layout.read_blob(img.manifest.digest));
    const std::string cfg = run("skopeo inspect --config --raw oci:" + q(layout.dir()) + ":app:v1", rc);
    CHECK(cfg == f.config);
    run("cd " + q(f.t.path) + " && umoci unpack --rootless --image img:app:v1 bundle 2>&1", rc);
    REQUIRE(rc == 0);
    CHECK(slurp(f.t.path / "bundle" / "rootfs" / "etc" / "hello.txt") == "hello from layer one\n");
    CHECK(slurp(f.t.path / "bundle" / "rootfs" / "app" / "run.sh") == "#!/bin/sh\necho two\n");

    // The same archive again, into another layout: the same digests (reproducible gzip).
    Layout again = Layout::create(f.t.path / "again");
    CHECK(import_docker_archive(tar, again).at(0).manifest == img.manifest);
    // Docker media types on request (skopeo 1.9's oci: transport skips index.json entries that are
    // not OCI-typed, so only our own checks apply to this form).
    Layout docker = Layout::create(f.t.path / "docker");
    const auto d = import_docker_archive(tar, docker, {.format = ImageFormat::docker});
    CHECK(d[0].manifest.media_type == media_type::docker_manifest);
    CHECK(d[0].config.media_type == media_type::docker_config);
    CHECK(d[0].layers[0].media_type == media_type::docker_layer_gzip);
    CHECK(d[0].layers[0].digest == img.layers[0].digest);
    CHECK(docker.verify().empty());
    CHECK(parse_manifest(docker.read_blob(d[0].manifest.digest)).config == d[0].config);
}

TEST_CASE("a Docker 25 archive (OCI layout inside, a gzip layer) imports to the same image") {
    need_tools();
    Fixture f;
    write_tar(f.t.path / "legacy.tar", f.legacy());
    write_tar(f.t.path / "oci.tar", f.oci_inside());
    Layout a = Layout::create(f.t.path / "a"), b = Layout::create(f.t.path / "b");
    const auto from_legacy = import_docker_archive(f.t.path / "legacy.tar", a);
    const auto from_oci = import_docker_archive(f.t.path / "oci.tar", b);
    REQUIRE(from_oci.size() == 1);
    // Same config and the same uncompressed layers: the same manifest, whichever form carried them.
    CHECK(from_oci[0].manifest == from_legacy[0].manifest);
    CHECK(b.verify().empty());
    int rc = 0;
    run("cd " + q(f.t.path) + " && umoci unpack --rootless --image b:app:v1 bundle 2>&1", rc);
    REQUIRE(rc == 0);
    CHECK(slurp(f.t.path / "bundle" / "rootfs" / "etc" / "hello.txt") == "hello from layer one\n");
}

TEST_CASE("write_docker_archive: skopeo reads it, it imports back to the same digest, bytes are reproducible") {
    need_tools();
    Fixture f;
    write_tar(f.t.path / "saved.tar", f.legacy());
    Layout layout = Layout::create(f.t.path / "img");
    const auto got = import_docker_archive(f.t.path / "saved.tar", layout);
    const fs::path out = f.t.path / "out.tar";
    write_docker_archive(layout, {{got[0].manifest, {"app:v1", "example.com/team/app:1.0"}}, {got[1].manifest, {}}},
                         out);
    write_docker_archive(layout, {{got[0].manifest, {"app:v1", "example.com/team/app:1.0"}}, {got[1].manifest, {}}},
                         f.t.path / "out2.tar");
    CHECK(digest_file(out) == digest_file(f.t.path / "out2.tar"));

    int rc = 0;
    const std::string names = run("tar tf " + q(out), rc);
    CHECK(names.find(f.config_digest.encoded + ".json\n") != std::string::npos);
    CHECK(names.find(f.diff1.encoded + "/layer.tar\n") != std::string::npos);
    CHECK(names.find("manifest.json\n") != std::string::npos);
    // The shared layer is in the tar once, uncompressed.
    CHECK(names.find(f.diff1.encoded + "/layer.tar") == names.rfind(f.diff1.encoded + "/layer.tar"));
    CHECK(run("tar xOf " + q(out) + " " + f.diff1.encoded + "/layer.tar", rc) == f.layer1);

    const std::string inspected = run("skopeo inspect docker-archive:" + q(out) + ":app:v1", rc);
    REQUIRE(rc == 0);
    CHECK(inspected.find("\"Architecture\": \"arm64\"") != std::string::npos);
    CHECK(run("skopeo inspect --config --raw docker-archive:" + q(out) + ":example.com/team/app:1.0", rc) == f.config);
    CHECK(rc == 0);
    run("skopeo copy -q docker-archive:" + q(out) + ":app:v1 oci:" + q(f.t.path / "copied") + ":x 2>&1", rc);
    CHECK(rc == 0);
    CHECK(Layout::open(f.t.path / "copied").verify().empty());

    Layout back = Layout::create(f.t.path / "back");
    const auto again = import_docker_archive(out, back);
    REQUIRE(again.size() == 2);
    CHECK(again[0].manifest == got[0].manifest);
    CHECK(again[1].manifest == got[1].manifest);
    CHECK(back.find("example.com/team/app:1.0")->digest == got[0].manifest.digest);
    // The untagged image is in index.json without a name.
    CHECK(back.index().manifests.size() == 3);

    Descriptor index_desc = got[0].manifest;
    index_desc.media_type = std::string(media_type::oci_index);
    CHECK_THROWS_WITH_AS(write_docker_archive(layout, {{index_desc, {}}}, f.t.path / "x.tar"),
                         doctest::Contains("is an index"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(write_docker_archive(layout, {{got[0].manifest, {"app"}}}, f.t.path / "x.tar"),
                         doctest::Contains("NAME:TAG"), DockerArchiveError);
    CHECK_FALSE(fs::exists(f.t.path / "x.tar"));
}

TEST_CASE("a layer that does not match its diff_id is refused, naming it, and stores nothing") {
    Fixture f;
    std::vector<Entry> entries = f.legacy();
    // The second layer's content changed after the config was made.
    const std::string id2 = std::string(64, 'b') + "/layer.tar";
    for (Entry& e : entries)
        if (e.name == id2) e.data = f.layer1;
    write_tar(f.t.path / "bad.tar", entries);
    Layout layout = Layout::create(f.t.path / "img");
    const std::size_t before = blob_count(layout);
    const std::string want = "layer 1 (" + id2 + ") of image 0 (app:v1): its uncompressed content is " + f.diff1.str() +
                             ", but the config's rootfs.diff_ids[1] is " + f.diff2.str();
    CHECK_THROWS_WITH_AS(import_docker_archive(f.t.path / "bad.tar", layout), doctest::Contains(want.c_str()),
                         DockerArchiveError);
    CHECK(blob_count(layout) == before);
    CHECK(layout.index().manifests.empty());
    for (const auto& e : fs::recursive_directory_iterator(layout.dir()))
        CHECK_MESSAGE(!e.path().filename().string().starts_with("."), e.path().string());
}

TEST_CASE("malformed and hostile archives are refused with the reason") {
    Fixture f;
    Layout layout = Layout::create(f.t.path / "img");
    const std::string cfg1 = Fixture::config_for({f.diff1});
    const std::string c = sha256_of(cfg1).encoded + ".json";
    auto attempt = [&](const std::vector<Entry>& entries) {
        write_tar(f.t.path / "x.tar", entries);
        return import_docker_archive(f.t.path / "x.tar", layout);
    };
    auto with_manifest = [&](const std::string& manifest, std::vector<Entry> more = {}) {
        more.push_back({c, AE_IFREG, cfg1});
        more.push_back({"l/layer.tar", AE_IFREG, f.layer1});
        more.push_back({"manifest.json", AE_IFREG, manifest});
        return more;
    };
    CHECK_THROWS_WITH_AS(attempt({{"repositories", AE_IFREG, "{}"}}), doctest::Contains("no manifest.json"),
                         DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest("{}")), doctest::Contains("must be an array"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":"l/layer.tar"}])")),
                         doctest::Contains("manifest.json[0].Layers: must be an array"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["../l/layer.tar"]}])")),
                         doctest::Contains("leaves the archive"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["/etc/passwd"]}])")),
                         doctest::Contains("absolute"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["m/layer.tar"]}])")),
                         doctest::Contains("not a file in the archive"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":[]}])")),
                         doctest::Contains("lists 0 layers, the config's rootfs.diff_ids 1"), DockerArchiveError);
    // A symlink out of the archive, and a loop.
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["s/layer.tar"]}])",
                                               {{"s/layer.tar", AE_IFLNK, "../../../etc/passwd"}})),
                         doctest::Contains("leaves the archive"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["s/layer.tar"]}])",
                                               {{"s/layer.tar", AE_IFLNK, "/etc/passwd"}})),
                         doctest::Contains("absolute"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt(with_manifest(R"([{"Config":")" + c + R"(","Layers":["s/a"]}])",
                                               {{"s/a", AE_IFLNK, "b"}, {"s/b", AE_IFLNK, "a"}})),
                         doctest::Contains("loop"), DockerArchiveError);
    CHECK_THROWS_WITH_AS(attempt({{"../evil", AE_IFREG, "x"}}), doctest::Contains("leaves the folder"), LayoutError);
    CHECK_FALSE(fs::exists(f.t.path / "evil"));
    // A blobs/sha256 name its content does not match.
    CHECK_THROWS_WITH_AS(
        attempt(with_manifest(R"([{"Config":"blobs/sha256/)" + std::string(64, '0') + R"(","Layers":["l/layer.tar"]}])",
                              {{"blobs/sha256/" + std::string(64, '0'), AE_IFREG, cfg1}})),
        doctest::Contains("hashes to"), DockerArchiveError);
    // An empty list imports nothing; the good one imports.
    CHECK(attempt(with_manifest("[]")).empty());
    CHECK(attempt(with_manifest(R"([{"Config":")" + c + R"(","RepoTags":null,"Layers":["./l/layer.tar"]}])")).size() ==
          1);
    CHECK(layout.verify().empty());
}
