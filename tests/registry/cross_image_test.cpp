// Tests of src/xbuild/cross_image.hpp (the images of a standalone cross-build) as the build calls
// it: two platform roots made here, a two-platform OCI layout base made here with the image
// library, written as type=oci (folder and tar), type=docker and pushed to a real registry
// (docker-registry on a free loopback port), then read back with skopeo and umoci, not with our
// own reader. Needs skopeo, umoci and docker-registry on PATH (./x installs them).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cross_image.hpp"
#include "registry_fixture.hpp"
#include "xbuild/oci/layer.hpp"
#include "xbuild/oci/layout.hpp"
#include "xbuild/process.hpp"

namespace fs = std::filesystem;
namespace oci = xbuild::oci;
using namespace xbuild::cli;
using nlohmann::json;

namespace {

using registry_fixture::read_file;
using registry_fixture::Registry;
using registry_fixture::TempDir;
using registry_fixture::write_file;

// Runs a tool; fails the case (with its output) unless it succeeds. Returns its standard output.
std::string tool(const std::vector<std::string>& argv) {
    REQUIRE_MESSAGE(xbuild::find_program(argv[0]).has_value(),
                    argv[0] << " not found on PATH: apt-get install " << argv[0] << " (./x deps installs it)");
    const auto c = xbuild::capture_program(argv, {}, {.merge_errors = true});
    std::string line;
    for (const auto& a : argv) line += a + " ";
    REQUIRE_MESSAGE(c.status == 0, line << "failed:\n" << c.out);
    return c.out;
}

const xbuild::Platform amd64 = xbuild::parse_platform("linux/amd64");
const xbuild::Platform arm64 = xbuild::parse_platform("linux/arm64");

// A base image of two platforms in an OCI layout, tagged "1": one layer (etc/base-release naming
// the platform), Env PATH and BASE=1, Cmd sh, WorkingDir /srv, a label; plus an attestation entry
// (unknown/unknown) that must be skipped.
void make_base(const fs::path& dir) {
    auto layout = oci::Layout::create(dir);
    std::vector<oci::Descriptor> entries;
    for (const auto* arch : {"amd64", "arm64"}) {
        TempDir root;
        write_file(root.path / "etc/base-release", std::string("base ") + arch + "\n");
        const auto tmp = layout.temp_path();
        const auto info = oci::write_layer(root.path, tmp, {.mtime = 0});
        const auto layer = layout.adopt_blob_file(tmp, info.media_type, info.digest);
        oci::ImageConfig cfg;
        cfg.os = "linux";
        cfg.architecture = arch;
        cfg.created = "2020-01-01T00:00:00Z";
        cfg.config.env = {"PATH=/usr/bin:/bin", "BASE=1"};
        cfg.config.cmd = {"sh"};
        cfg.config.working_dir = "/srv";
        cfg.config.labels = {{"base.label", "kept"}};
        cfg.rootfs.diff_ids = {info.diff_id};
        const auto config = layout.put_blob(oci::to_json(cfg), std::string(oci::media_type::oci_config));
        oci::Manifest m;
        m.media_type = oci::media_type::oci_manifest;
        m.config = config;
        m.layers = {layer};
        auto d = layout.put_blob(oci::to_json(m), std::string(oci::media_type::oci_manifest));
        d.platform = oci::Platform {.os = "linux", .architecture = arch};
        entries.push_back(d);
    }
    oci::Descriptor att = entries.front();  // an attestation manifest's shape is all that matters here
    att.platform = oci::Platform {.os = "unknown", .architecture = "unknown"};
    att.annotations = {{std::string(oci::annotation_reference_type), std::string(oci::attestation_manifest)},
                       {std::string(oci::annotation_reference_digest), entries.front().digest.str()}};
    entries.push_back(att);
    oci::Index index;
    index.media_type = oci::media_type::oci_index;
    index.manifests = entries;
    layout.tag(layout.put_blob(oci::to_json(index), std::string(oci::media_type::oci_index)), "1");
}

// Two roots: bin/hello saying which platform it is for.
std::vector<PlatformRoot> make_roots(const fs::path& dir) {
    std::vector<PlatformRoot> roots;
    for (const auto& p : {amd64, arm64}) {
        const fs::path root = dir / ("root-" + p.arch);
        write_file(root / "bin/hello", "hello " + p.str() + "\n");
        fs::permissions(root / "bin/hello", fs::perms(0755));
        roots.push_back({p, root});
    }
    return roots;
}

OutputSpec output(const std::string& text) { return parse_output(text); }

// skopeo's view of one platform's config.
json config_of(const std::string& image, const std::string& arch) {
    return json::parse(
        tool({"skopeo", "inspect", "--config", "--override-os", "linux", "--override-arch", arch, image}));
}

// The platform's image unpacked by umoci (after skopeo picked it from the index): its rootfs.
fs::path unpack(const std::string& image, const std::string& arch, const fs::path& work) {
    const fs::path one = work / ("one-" + arch);
    std::vector<std::string> argv = {"skopeo", "copy", "--override-os", "linux", "--override-arch", arch};
    if (image.starts_with("docker://")) argv.push_back("--src-tls-verify=false");  // the test registry is http
    argv.insert(argv.end(), {image, "oci:" + one.string() + ":x"});
    tool(argv);
    const fs::path bundle = work / ("bundle-" + arch);
    tool({"umoci", "unpack", "--rootless", "--image", one.string() + ":x", bundle.string()});
    return bundle / "rootfs";
}

}  // namespace

TEST_CASE("oci folder and tar: both platforms, the files at recipe.path, the base kept, byte for byte again") {
    TempDir t;
    make_base(t.path / "base");
    auto roots = make_roots(t.path);
    ImageRecipe recipe;
    recipe.base = "oci-layout://" + (t.path / "base").string() + ":1";
    recipe.path = "/usr/local";
    recipe.entrypoint = {"/usr/local/bin/hello"};
    recipe.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"GREETING", "hi"}};
    recipe.labels = {{"org.opencontainers.image.title", "hello"}};
    recipe.ports = {"8080", "53/udp"};
    recipe.created = 1700000000;
    xbuild::registry::Client client;

    const fs::path folder = t.path / "out-dir";
    const auto r = write_cross_image(output("type=oci,tar=false,dest=" + folder.string()), recipe, roots, client);
    REQUIRE(r.platforms.size() == 2);
    CHECK(r.platforms[0].first == "linux/amd64");
    CHECK(r.platforms[1].first == "linux/arm64");
    CHECK(oci::Layout::open(folder).verify().empty());

    const std::string image = "oci:" + folder.string();
    const json index = json::parse(tool({"skopeo", "inspect", "--raw", image}));
    CHECK(oci::sha256_of(tool({"skopeo", "inspect", "--raw", image})).str() == r.index_digest);
    REQUIRE(index["manifests"].size() == 2);  // the base's attestation is not carried over
    CHECK(index["manifests"][0]["platform"]["architecture"] == "amd64");
    CHECK(index["manifests"][0]["digest"] == r.platforms[0].second);
    CHECK(index["manifests"][1]["platform"]["architecture"] == "arm64");
    CHECK(index["manifests"][1]["digest"] == r.platforms[1].second);

    for (const std::string arch : {"amd64", "arm64"}) {
        CAPTURE(arch);
        const json cfg = config_of(image, arch);
        CHECK(cfg["architecture"] == arch);
        CHECK(cfg["os"] == "linux");
        CHECK(cfg["created"] == "2023-11-14T22:13:20Z");
        CHECK(cfg["config"]["Env"] == json({"PATH=/usr/local/bin:/usr/bin:/bin", "BASE=1", "GREETING=hi"}));
        CHECK(cfg["config"]["Entrypoint"] == json({"/usr/local/bin/hello"}));
        CHECK_FALSE(cfg["config"].contains("Cmd"));  // ENTRYPOINT resets the base's CMD
        CHECK(cfg["config"]["WorkingDir"] == "/srv");
        CHECK(cfg["config"]["Labels"] == json({{"base.label", "kept"}, {"org.opencontainers.image.title", "hello"}}));
        CHECK(cfg["config"]["ExposedPorts"] == json({{"53/udp", json::object()}, {"8080/tcp", json::object()}}));
        CHECK(cfg["rootfs"]["diff_ids"].size() == 2);

        const fs::path rootfs = unpack(image, arch, t.path);
        CHECK(read_file(rootfs / "usr/local/bin/hello") == "hello linux/" + arch + "\n");
        CHECK(read_file(rootfs / "etc/base-release") == "base " + arch + "\n");  // the base's layer
        CHECK((fs::status(rootfs / "usr/local/bin/hello").permissions() & fs::perms::owner_exec) != fs::perms::none);
    }

    // The layer's entries: root-owned, dated recipe.created.
    const auto arm =
        oci::parse_manifest(oci::Layout::open(folder).read_blob(oci::Digest::parse(r.platforms[1].second)));
    for (const auto& e : oci::list_layer(oci::Layout::open(folder).blob_path(arm.layers.back().digest))) {
        CAPTURE(e.path);
        CHECK(e.mtime == 1700000000);
        CHECK(e.uid == 0);
        CHECK(e.gid == 0);
        CHECK(e.uname.empty());
    }

    // Again, as a tar, with the roots' files touched: the same digests, the same bytes twice.
    for (const auto& root : roots) fs::last_write_time(root.root / "bin/hello", fs::file_time_type::clock::now());
    const auto a = write_cross_image(output("type=oci,dest=" + (t.path / "a.tar").string()), recipe, roots, client);
    const auto b = write_cross_image(output("type=oci,dest=" + (t.path / "b.tar").string()), recipe, roots, client);
    CHECK(a.index_digest == r.index_digest);
    CHECK(a.platforms == r.platforms);
    CHECK(b.index_digest == r.index_digest);
    CHECK(read_file(t.path / "a.tar") == read_file(t.path / "b.tar"));
    const std::string raw = tool({"skopeo", "inspect", "--raw", "oci-archive:" + (t.path / "a.tar").string()});
    CHECK(oci::sha256_of(raw).str() == r.index_digest);
    // Nothing left beside the outputs (the stages are gone).
    for (const auto& e : fs::directory_iterator(t.path)) CHECK(e.path().filename().string().front() != '.');
}

TEST_CASE("scratch: only the root's files, PATH by default, names tag the index") {
    TempDir t;
    auto roots = make_roots(t.path);
    ImageRecipe recipe;  // scratch at /
    recipe.cmd = {"/bin/hello"};
    xbuild::registry::Client client;
    const fs::path folder = t.path / "out";
    auto spec = output("type=oci,tar=false,dest=" + folder.string() + ",name=reg.example/app:1.0");
    const auto r = write_cross_image(spec, recipe, roots, client);
    const std::string image = "oci:" + folder.string() + ":1.0";
    CHECK(oci::sha256_of(tool({"skopeo", "inspect", "--raw", image})).str() == r.index_digest);
    const json cfg = config_of(image, "arm64");
    CHECK(cfg["config"]["Env"] == json({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
    CHECK(cfg["config"]["Cmd"] == json({"/bin/hello"}));
    CHECK(cfg["created"] == "1970-01-01T00:00:00Z");
    CHECK(cfg["rootfs"]["diff_ids"].size() == 1);
    const fs::path rootfs = unpack(image, "arm64", t.path);
    CHECK(read_file(rootfs / "bin/hello") == "hello linux/arm64\n");
}

TEST_CASE("docker: a docker-load archive of one platform") {
    TempDir t;
    make_base(t.path / "base");
    auto roots = make_roots(t.path);
    roots.resize(1);
    ImageRecipe recipe;
    recipe.base = "oci-layout://" + (t.path / "base").string() + ":1";
    xbuild::registry::Client client;
    const fs::path tar = t.path / "app.tar";
    const auto r = write_cross_image(output("type=docker,dest=" + tar.string() + ",name=app:1"), recipe, roots, client);
    CHECK(r.index_digest.empty());
    const json cfg = json::parse(tool({"skopeo", "inspect", "--config", "docker-archive:" + tar.string()}));
    CHECK(cfg["architecture"] == "amd64");
    CHECK(cfg["config"]["Cmd"] == json({"sh"}));  // the base's, kept
    CHECK(cfg["rootfs"]["diff_ids"].size() == 2);
}

TEST_CASE("push: the images and their index in a registry, the base's layers with them") {
    TempDir t;
    REQUIRE_MESSAGE(fs::exists("/usr/bin/docker-registry"), "apt-get install docker-registry (./x deps)");
    Registry registry;
    registry.start();
    make_base(t.path / "base");
    auto roots = make_roots(t.path);
    ImageRecipe recipe;
    recipe.base = "oci-layout://" + (t.path / "base").string() + ":1";
    recipe.path = "/opt/app";
    xbuild::registry::Client client;
    const std::string name = registry.host() + "/team/app:2";
    const auto pushed = write_cross_image(output("type=image,push=true,name=" + name), recipe, roots, client);
    const auto local =
        write_cross_image(output("type=oci,dest=" + (t.path / "same.tar").string()), recipe, roots, client);
    CHECK(pushed.index_digest == local.index_digest);  // the same images wherever they go
    CHECK(pushed.platforms == local.platforms);

    const std::string image = "docker://" + name;
    const std::string raw = tool({"skopeo", "inspect", "--tls-verify=false", "--raw", image});
    CHECK(oci::sha256_of(raw).str() == pushed.index_digest);
    const fs::path rootfs = unpack(image, "arm64", t.path);
    CHECK(read_file(rootfs / "opt/app/bin/hello") == "hello linux/arm64\n");
    CHECK(read_file(rootfs / "etc/base-release") == "base arm64\n");

    // A base in the registry: its layers are mounted into the target repository, and the images
    // are the same as with the same base in a layout.
    const std::string base = registry.host() + "/library/base:1";
    tool({"skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:" + (t.path / "base").string() + ":1",
          "docker://" + base});
    recipe.base = base;
    const std::string other = registry.host() + "/team/other:1";
    std::vector<std::string> log;
    xbuild::registry::Client logged({.log = [&](const std::string& line) { log.push_back(line); }});
    const auto from_registry = write_cross_image(output("type=image,push=true,name=" + other), recipe, roots, logged);
    int mounted = 0;
    for (const auto& line : log) mounted += line.find("mounted from library/base") != std::string::npos;
    CHECK(mounted == 2);  // the base's layer of each platform
    CHECK(from_registry.index_digest == pushed.index_digest);
    const fs::path again = unpack("docker://" + other, "amd64", t.path);
    CHECK(read_file(again / "etc/base-release") == "base amd64\n");
    CHECK(read_file(again / "opt/app/bin/hello") == "hello linux/amd64\n");
}

TEST_CASE("errors name the field, the platform, what to do; the output is left as it was") {
    TempDir t;
    make_base(t.path / "base");
    auto roots = make_roots(t.path);
    xbuild::registry::Client client;
    const fs::path dest = t.path / "out.tar";
    const auto spec = output("type=oci,dest=" + dest.string());
    ImageRecipe recipe;
    recipe.base = "oci-layout://" + (t.path / "base").string() + ":1";

    auto riscv = roots;
    riscv.push_back({xbuild::parse_platform("linux/riscv64"), roots.front().root});
    CHECK_THROWS_WITH_AS(write_cross_image(spec, recipe, riscv, client),
                         doctest::Contains("has no image for linux/riscv64 (it has: linux/amd64, linux/arm64)"),
                         std::invalid_argument);
    CHECK_FALSE(fs::exists(dest));

    // A base that is one image (no index): its config's platform is what it has.
    {
        auto layout = oci::Layout::open(t.path / "base");
        const auto index = oci::parse_index(layout.read_blob(layout.find("1")->digest));
        layout.tag(index.manifests.front(), "amd64-only");
    }
    auto single = recipe;
    single.base = "oci-layout://" + (t.path / "base").string() + ":amd64-only";
    CHECK_THROWS_WITH_AS(write_cross_image(spec, single, roots, client),
                         doctest::Contains("has no image for linux/arm64 (it has: linux/amd64)"),
                         std::invalid_argument);
    roots.resize(1);
    CHECK_NOTHROW(
        write_cross_image(output("type=oci,dest=" + (t.path / "single.tar").string()), single, roots, client));
    roots = make_roots(t.path);

    CHECK_THROWS_WITH_AS(write_cross_image(output("type=image,name=reg.example/app"), recipe, roots, client),
                         doctest::Contains("add push=true, or use type=oci/docker"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(write_cross_image(output("type=docker,dest=" + dest.string()), recipe, roots, client),
                         doctest::Contains("type=docker holds one platform"), std::invalid_argument);

    auto bad = recipe;
    bad.path = "usr/bin";
    CHECK_THROWS_WITH_AS(write_cross_image(spec, bad, roots, client), doctest::Contains("path 'usr/bin'"),
                         std::invalid_argument);
    bad = recipe;
    bad.path = "/usr/../etc";
    CHECK_THROWS_WITH_AS(write_cross_image(spec, bad, roots, client), doctest::Contains("path '/usr/../etc'"),
                         std::invalid_argument);
    bad = recipe;
    bad.ports = {"http"};
    CHECK_THROWS_WITH_AS(write_cross_image(spec, bad, roots, client), doctest::Contains("ports 'http'"),
                         std::invalid_argument);
    bad = recipe;
    bad.env = {{"A=B", "c"}};
    CHECK_THROWS_WITH_AS(write_cross_image(spec, bad, roots, client), doctest::Contains("env 'A=B=c'"),
                         std::invalid_argument);
    bad = recipe;
    bad.base = "Not A Ref";
    CHECK_THROWS_WITH_AS(write_cross_image(spec, bad, roots, client), doctest::Contains("base 'Not A Ref'"),
                         std::invalid_argument);
    auto twice = roots;
    twice.push_back(roots.front());
    CHECK_THROWS_WITH_AS(write_cross_image(spec, recipe, twice, client),
                         doctest::Contains("linux/amd64 is given twice"), std::invalid_argument);
    auto missing = roots;
    missing.back().root = t.path / "nothing";
    CHECK_THROWS_WITH_AS(write_cross_image(spec, recipe, missing, client), doctest::Contains("is not a folder"),
                         std::invalid_argument);
    CHECK_FALSE(fs::exists(dest));
    for (const auto& e : fs::directory_iterator(t.path)) CHECK(e.path().filename().string().front() != '.');
}
