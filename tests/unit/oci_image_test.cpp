// Tests of xbuild/oci/image.hpp: real-world-shaped documents of each family, unknown fields kept
// at every level, round trips, and the error message of every rule.
#include "xbuild/oci/image.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace xbuild::oci;
using nlohmann::json;

namespace {

std::string dg(char c) { return "sha256:" + std::string(64, c); }

// As `docker manifest inspect docker.io/library/alpine` prints a manifest list (pretty, Docker's
// key order).
const std::string docker_list_doc = R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
   "manifests": [
      {
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "size": 528,
         "digest": ")" + dg('1') + R"(",
         "platform": {
            "architecture": "amd64",
            "os": "linux"
         }
      },
      {
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "size": 528,
         "digest": ")" + dg('2') + R"(",
         "platform": {
            "architecture": "arm",
            "os": "linux",
            "variant": "v7"
         }
      },
      {
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "size": 1125,
         "digest": ")" + dg('3') + R"(",
         "platform": {
            "architecture": "amd64",
            "os": "windows",
            "os.version": "10.0.17763.5329",
            "os.features": ["win32k"]
         }
      }
   ]
})";

// An OCI index as buildx pushes it with provenance: one image and its attestation manifest.
const std::string buildx_index_doc = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": ")" + dg('a') + R"(",
      "size": 1042,
      "platform": {"architecture": "arm64", "os": "linux"}
    },
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": ")" + dg('b') + R"(",
      "size": 566,
      "annotations": {
        "vnd.docker.reference.digest": ")" +
                                     dg('a') + R"(",
        "vnd.docker.reference.type": "attestation-manifest"
      },
      "platform": {"architecture": "unknown", "os": "unknown"}
    }
  ]
})";

const std::string docker_manifest_doc = R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 1472,
      "digest": ")" + dg('c') + R"("
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 3408729,
         "digest": ")" + dg('d') + R"("
      }
   ]
})";

const std::string oci_manifest_doc = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": ")" +
                                     dg('c') +
                                     R"(", "size": 7023},
  "layers": [
    {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ")" +
                                     dg('d') + R"(", "size": 32654},
    {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ")" +
                                     dg('e') + R"(", "size": 16724,
     "urls": ["https://example.com/layer"]}
  ],
  "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ")" +
                                     dg('f') +
                                     R"(", "size": 7682},
  "annotations": {"org.opencontainers.image.created": "2024-01-02T03:04:05Z"}
})";

// A Docker image config as `docker build` writes it: history with empty layers, ExposedPorts,
// nulls for unset lists, and fields the OCI spec does not have.
const std::string docker_config_doc = R"({
  "architecture": "amd64",
  "config": {
    "Hostname": "",
    "User": "nginx",
    "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"],
    "Cmd": ["nginx", "-g", "daemon off;"],
    "Entrypoint": ["/docker-entrypoint.sh"],
    "Volumes": null,
    "WorkingDir": "/",
    "Labels": {"maintainer": "NGINX Docker Maintainers"},
    "StopSignal": "SIGQUIT",
    "OnBuild": null
  },
  "created": "2023-11-01T12:00:00.123456789Z",
  "docker_version": "20.10.23",
  "history": [
    {"created": "2023-10-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
    {"created": "2023-10-01T00:00:01Z", "created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
    {"created": "2023-10-02T00:00:00Z", "created_by": "RUN /bin/sh -c apt-get update # buildkit",
     "comment": "buildkit.dockerfile.v0"}
  ],
  "os": "linux",
  "rootfs": {"type": "layers", "diff_ids": [")" +
                                      dg('1') + R"(", ")" + dg('2') + R"("]}
})";

std::string error_of(auto&& parse) {
    try {
        parse();
        return "parsed";
    } catch (const ManifestError& e) { return e.what(); }
}

bool starts(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// A manifest document with one field's value replaced, for the error cases.
std::string manifest_with(const std::string& pointer, const json& value) {
    json j = json::parse(oci_manifest_doc);
    j[json::json_pointer(pointer)] = value;
    return j.dump();
}
std::string index_with(const std::string& pointer, const json& value) {
    json j = json::parse(buildx_index_doc);
    j[json::json_pointer(pointer)] = value;
    return j.dump();
}
std::string config_with(const std::string& pointer, const json& value) {
    json j = json::parse(docker_config_doc);
    j[json::json_pointer(pointer)] = value;
    return j.dump();
}
std::string without(const std::string& doc, const std::string& pointer) {
    json j = json::parse(doc);
    json::json_pointer p(pointer);
    j[p.parent_pointer()].erase(p.back());
    return j.dump();
}

}  // namespace

TEST_CASE("a Docker manifest list as docker manifest inspect shows it") {
    Index x = parse_index(docker_list_doc);
    CHECK(x.media_type == media_type::docker_manifest_list);
    REQUIRE(x.manifests.size() == 3);
    CHECK(x.manifests[0].platform->str() == "linux/amd64");
    CHECK(x.manifests[1].platform->str() == "linux/arm/v7");
    CHECK(x.manifests[1].digest.str() == dg('2'));
    CHECK(x.manifests[1].size == 528);
    CHECK(x.manifests[2].platform->os_version == "10.0.17763.5329");
    CHECK(x.manifests[2].platform->os_features == std::vector<std::string> {"win32k"});
    CHECK_FALSE(x.manifests[0].is_attestation());
    CHECK(media_type_of(x) == media_type::docker_manifest_list);
    auto any = parse_any_manifest(docker_list_doc);
    CHECK(std::holds_alternative<Index>(any));
}

TEST_CASE("a buildx OCI index with an attestation manifest") {
    Index x = parse_index(buildx_index_doc);
    REQUIRE(x.manifests.size() == 2);
    CHECK_FALSE(x.manifests[0].is_attestation());
    CHECK(x.manifests[1].is_attestation());
    CHECK(x.manifests[1].platform->str() == "unknown/unknown");
    CHECK(x.manifests[1].annotations.at(std::string(annotation_reference_digest)) == dg('a'));
    CHECK(parse_index(to_json(x)) == x);
}

TEST_CASE("Docker and OCI image manifests") {
    Manifest d = parse_manifest(docker_manifest_doc);
    CHECK(d.media_type == media_type::docker_manifest);
    CHECK(d.config.media_type == media_type::docker_config);
    CHECK(d.config.size == 1472);
    REQUIRE(d.layers.size() == 1);
    CHECK(d.layers[0].size == 3408729);
    CHECK_FALSE(d.subject);

    Manifest o = parse_manifest(oci_manifest_doc);
    CHECK(o.layers.size() == 2);
    CHECK(o.layers[1].urls == std::vector<std::string> {"https://example.com/layer"});
    REQUIRE(o.subject);
    CHECK(o.subject->digest.str() == dg('f'));
    CHECK(o.annotations.at("org.opencontainers.image.created") == "2024-01-02T03:04:05Z");
    CHECK(media_type_of(AnyManifest(o)) == media_type::oci_manifest);

    // An OCI manifest may leave mediaType out; writing keeps it out.
    Manifest bare = parse_manifest(without(oci_manifest_doc, "/mediaType"));
    CHECK(bare.media_type.empty());
    CHECK(media_type_of(bare) == media_type::oci_manifest);
    CHECK_FALSE(json::parse(to_json(bare)).contains("mediaType"));
}

TEST_CASE("an OCI artifact manifest: artifactType and the empty config") {
    const std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                            R"("artifactType":"application/vnd.example.sbom+json",)"
                            R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
                            dg('4') + R"(","size":2,"data":"e30="},"layers":[]})";
    Manifest m = parse_manifest(doc);
    CHECK(m.artifact_type == "application/vnd.example.sbom+json");
    CHECK(m.config.media_type == media_type::oci_empty);
    CHECK(m.config.extra["data"] == "e30=");
    CHECK(m.layers.empty());
    CHECK(to_json(m) == json::parse(doc).dump());  // the same document, keys sorted
}

TEST_CASE("an image config with history and ExposedPorts") {
    ImageConfig c = parse_config(docker_config_doc);
    CHECK(c.platform().str() == "linux/amd64");
    CHECK(c.created == "2023-11-01T12:00:00.123456789Z");
    CHECK(c.config.user == "nginx");
    CHECK(c.config.exposed_ports == std::set<std::string> {"443/tcp", "80/tcp"});
    CHECK(c.config.env.size() == 2);
    CHECK(c.config.cmd == std::vector<std::string> {"nginx", "-g", "daemon off;"});
    CHECK(c.config.entrypoint == std::vector<std::string> {"/docker-entrypoint.sh"});
    CHECK(c.config.volumes.empty());  // null
    CHECK(c.config.working_dir == "/");
    CHECK(c.config.labels.at("maintainer") == "NGINX Docker Maintainers");
    CHECK(c.config.stop_signal == "SIGQUIT");
    CHECK(c.config.extra == json {{"Hostname", ""}, {"OnBuild", nullptr}});  // unknown, so kept as is
    CHECK(c.extra == json {{"docker_version", "20.10.23"}});
    REQUIRE(c.history.size() == 3);
    CHECK_FALSE(c.history[0].empty_layer);
    CHECK(c.history[1].empty_layer);
    CHECK(c.history[2].comment == "buildkit.dockerfile.v0");
    REQUIRE(c.rootfs.diff_ids.size() == 2);
    CHECK(c.rootfs.diff_ids[1].str() == dg('2'));

    const std::string out = to_json(c);
    CHECK(out.find(R"("ExposedPorts":{"443/tcp":{},"80/tcp":{}})") != std::string::npos);
    CHECK(out.find("Volumes") == std::string::npos);  // null, a known field: left out
    CHECK(out.find("\"empty_layer\":false") == std::string::npos);
    CHECK(parse_config(out) == c);
    CHECK(to_json(parse_config(out)) == out);
}

TEST_CASE("a config built from scratch, written the way the specs' omitempty does") {
    ImageConfig c;
    c.os = "linux";
    c.architecture = "arm";
    c.variant = "v7";
    c.rootfs.diff_ids.push_back(sha256_of(""));
    CHECK(c.platform().str() == "linux/arm/v7");
    CHECK(
        to_json(c) ==
        R"({"architecture":"arm","os":"linux","rootfs":{"diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],"type":"layers"},"variant":"v7"})");
    c.config.env.push_back("A=1");
    c.config.volumes.insert("/data");
    ImageConfig::History step;
    step.created_by = "RUN true";
    c.history.push_back(step);
    CHECK(to_json(c).find(R"("config":{"Env":["A=1"],"Volumes":{"/data":{}}})") != std::string::npos);
    CHECK(to_json(c).find(R"("history":[{"created_by":"RUN true"}])") != std::string::npos);
    CHECK(parse_config(to_json(c)) == c);
}

TEST_CASE("unknown fields are kept at every level") {
    const std::string idx = R"({"manifests":[{"digest":")" + dg('1') +
                            R"(","future":[1,2.5,{"x":null}],"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                            R"("platform":{"architecture":"riscv64","cpu.features":["zba"],"os":"linux"},"size":3}],)"
                            R"("mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2,"top":"level"})";
    Index x = parse_index(idx);
    CHECK(x.extra == json {{"top", "level"}});
    CHECK(x.manifests[0].extra["future"][1] == 2.5);
    CHECK(x.manifests[0].platform->extra["cpu.features"][0] == "zba");
    CHECK(to_json(x) == idx);  // canonical form comes back byte for byte

    const std::string cfg = R"({"architecture":"amd64","config":{"Cmd":["sh"],"Healthcheck":{"Test":["NONE"]}},)"
                            R"("container_config":{"Cmd":["x"]},"history":[{"created_by":"x","foo":7}],"os":"linux",)"
                            R"("rootfs":{"diff_ids":[],"extra":true,"type":"layers"}})";
    ImageConfig c = parse_config(cfg);
    CHECK(c.config.extra["Healthcheck"]["Test"][0] == "NONE");
    CHECK(c.extra["container_config"]["Cmd"][0] == "x");
    CHECK(c.history[0].extra["foo"] == 7);
    CHECK(c.rootfs.extra["extra"] == true);
    CHECK(to_json(c) == cfg);

    Manifest m = parse_manifest(manifest_with("/layers/0/zstd:chunked", "toc"));
    CHECK(m.layers[0].extra["zstd:chunked"] == "toc");
    CHECK(parse_manifest(to_json(m)) == m);

    // A key in extra that names a known field does not override the field.
    m.extra["schemaVersion"] = 9;
    CHECK(parse_manifest(to_json(m)).schema_version == 2);
}

TEST_CASE("round trips of every document") {
    for (const std::string& doc : {docker_list_doc, buildx_index_doc}) {
        Index x = parse_index(doc);
        CHECK(parse_index(to_json(x)) == x);
        CHECK(to_json(parse_index(to_json(x))) == to_json(x));
    }
    for (const std::string& doc : {docker_manifest_doc, oci_manifest_doc}) {
        Manifest m = parse_manifest(doc);
        CHECK(parse_manifest(to_json(m)) == m);
        CHECK(to_json(parse_manifest(to_json(m))) == to_json(m));
    }
    Descriptor d = parse_index(buildx_index_doc).manifests[1];
    CHECK(parse_descriptor(to_json(d)) == d);
    CHECK(json_value(d)["size"] == 566);
    CHECK(to_json(*d.platform) == R"({"architecture":"unknown","os":"unknown"})");
}

TEST_CASE("parse_any_manifest: mediaType, then Content-Type, then shape") {
    CHECK(std::holds_alternative<Manifest>(parse_any_manifest(docker_manifest_doc)));
    CHECK(std::holds_alternative<Index>(
        parse_any_manifest(buildx_index_doc, "application/vnd.docker.distribution.manifest.v2+json")));
    const std::string bare_index = without(buildx_index_doc, "/mediaType");
    const std::string bare_manifest = without(oci_manifest_doc, "/mediaType");
    CHECK(std::holds_alternative<Index>(parse_any_manifest(bare_index)));
    CHECK(std::holds_alternative<Manifest>(parse_any_manifest(bare_manifest)));
    CHECK(std::holds_alternative<Index>(
        parse_any_manifest(bare_index, "Application/VND.oci.image.index.v1+json; charset=utf-8")));
    CHECK(std::holds_alternative<Manifest>(parse_any_manifest(bare_manifest, "application/json")));
    // The Content-Type is believed over the shape: a manifest-typed index is refused, not guessed.
    CHECK(starts(error_of([&] { parse_any_manifest(bare_index, std::string(media_type::oci_manifest)); }),
                 "config: missing"));
    CHECK(starts(error_of([&] { parse_any_manifest(R"({"schemaVersion":2})"); }), "document: neither a manifest"));
    CHECK(error_of([&] { parse_any_manifest(R"({"schemaVersion":1,"fsLayers":[]})"); }).find("schema 1") !=
          std::string::npos);
    CHECK(starts(
        error_of([&] {
            parse_any_manifest(
                R"({"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})");
        }),
        "mediaType: Docker schema 1"));
    CHECK(starts(error_of([&] { parse_any_manifest("{}", "application/vnd.docker.distribution.manifest.v1+json"); }),
                 "Content-Type: Docker schema 1"));
    CHECK(starts(error_of([&] { parse_any_manifest(R"({"mediaType":"text/plain"})"); }), "mediaType: must be one of"));
}

TEST_CASE("error messages name the field and what is valid") {
    auto idx = [](const std::string& doc) { return error_of([&] { parse_index(doc); }); };
    auto man = [](const std::string& doc) { return error_of([&] { parse_manifest(doc); }); };
    auto cfg = [](const std::string& doc) { return error_of([&] { parse_config(doc); }); };

    CHECK(starts(idx(index_with("/manifests/1/digest", "sha256:abc")),
                 "manifests[1].digest: malformed digest 'sha256:abc'"));
    CHECK(starts(idx(index_with("/manifests/1/digest", "md5:" + std::string(32, 'a'))),
                 "manifests[1].digest: unsupported digest algorithm"));
    CHECK(idx(index_with("/schemaVersion", 1)) == "schemaVersion: must be 2, got 1");
    CHECK(idx(index_with("/schemaVersion", "2")) == "schemaVersion: must be 2, got \"2\"");
    CHECK(idx(without(buildx_index_doc, "/schemaVersion")) == "schemaVersion: missing (must be 2)");
    CHECK(idx(index_with("/manifests", json::object())) == "manifests: must be an array of descriptors, got object");
    CHECK(idx(without(buildx_index_doc, "/manifests")) == "manifests: missing (required)");
    CHECK(idx(index_with("/manifests/0", 5)) == "manifests[0]: must be a JSON object, got number");
    CHECK(idx(without(buildx_index_doc, "/manifests/0/digest")) == "manifests[0].digest: missing (required)");
    CHECK(idx(without(buildx_index_doc, "/manifests/0/size")) == "manifests[0].size: missing (required)");
    CHECK(idx(without(buildx_index_doc, "/manifests/0/mediaType")) == "manifests[0].mediaType: missing (required)");
    CHECK(idx(index_with("/manifests/0/mediaType", 3)) == "manifests[0].mediaType: must be a string, got number");
    CHECK(idx(index_with("/manifests/0/size", -1)) == "manifests[0].size: must not be negative, got -1");
    CHECK(idx(index_with("/manifests/0/size", 1.5)) == "manifests[0].size: must be a non-negative integer, got 1.5");
    CHECK(idx(index_with("/manifests/0/size", 18446744073709551615ull)) ==
          "manifests[0].size: too large, got 18446744073709551615");
    CHECK(idx(without(buildx_index_doc, "/manifests/0/platform/os")) == "manifests[0].platform.os: missing (required)");
    CHECK(idx(index_with("/manifests/0/platform/os.features", "x")) ==
          "manifests[0].platform.os.features: must be an array of strings, got string");
    CHECK(idx(index_with("/manifests/1/annotations/k", 1)) ==
          "manifests[1].annotations[\"k\"]: must be a string, got number");
    CHECK(idx(index_with("/manifests/0/urls", json::array({1}))) ==
          "manifests[0].urls[0]: must be a string, got number");
    CHECK(idx(index_with("/annotations", json::array())) == "annotations: must be an object of strings, got array");

    // A Docker manifest list needs a platform on each entry; an OCI index does not.
    CHECK(idx(without(docker_list_doc, "/manifests/2/platform")) ==
          "manifests[2].platform: missing (required in a Docker manifest list)");
    CHECK(idx(without(buildx_index_doc, "/manifests/0/platform")) == "parsed");

    // mediaType that contradicts the parser, and foreign ones.
    CHECK(starts(idx(oci_manifest_doc),
                 "mediaType: application/vnd.oci.image.manifest.v1+json is an image manifest, not an index"));
    CHECK(starts(man(buildx_index_doc),
                 "mediaType: application/vnd.oci.image.index.v1+json is an index, not an image manifest"));
    CHECK(starts(man(docker_list_doc),
                 "mediaType: application/vnd.docker.distribution.manifest.list.v2+json is an index"));
    CHECK(starts(man(manifest_with("/mediaType", "text/plain")),
                 "mediaType: must be application/vnd.oci.image.manifest.v1+json or"));
    CHECK(starts(idx(index_with("/mediaType", "text/plain")),
                 "mediaType: must be application/vnd.oci.image.index.v1+json or"));

    CHECK(man(without(oci_manifest_doc, "/config")) == "config: missing (required)");
    CHECK(man(without(oci_manifest_doc, "/layers")) == "layers: missing (required)");
    CHECK(starts(man(manifest_with("/config/digest", "sha256:XYZ")), "config.digest: malformed digest"));
    CHECK(starts(man(manifest_with("/layers/1/digest", dg('A'))), "layers[1].digest: malformed digest"));
    CHECK(man(manifest_with("/subject", "x")) == "subject: must be a JSON object, got string");
    CHECK(man(manifest_with("/artifactType", false)) == "artifactType: must be a string, got boolean");

    CHECK(cfg(without(docker_config_doc, "/os")) == "os: missing (required)");
    CHECK(cfg(without(docker_config_doc, "/architecture")) == "architecture: missing (required)");
    CHECK(cfg(without(docker_config_doc, "/rootfs")) == "rootfs: missing (required)");
    CHECK(cfg(config_with("/rootfs/type", "tar")) == "rootfs.type: must be \"layers\", got \"tar\"");
    CHECK(cfg(without(docker_config_doc, "/rootfs/diff_ids")) == "rootfs.diff_ids: missing (required)");
    CHECK(starts(cfg(config_with("/rootfs/diff_ids/1", "nope")), "rootfs.diff_ids[1]: malformed digest"));
    CHECK(cfg(config_with("/config/Env/1", 3)) == "config.Env[1]: must be a string, got number");
    CHECK(cfg(config_with("/config/ExposedPorts/80~1tcp", 1)) ==
          "config.ExposedPorts[\"80/tcp\"]: must be an object ({}), got number");
    CHECK(cfg(config_with("/config/Volumes", json::array())) == "config.Volumes: must be an object, got array");
    CHECK(cfg(config_with("/config", "x")) == "config: must be a JSON object, got string");
    CHECK(cfg(config_with("/history", 1)) == "history: must be an array, got number");
    CHECK(cfg(config_with("/history/1/empty_layer", "yes")) == "history[1].empty_layer: must be a boolean, got string");
    CHECK(cfg(config_with("/history/2/comment", 1)) == "history[2].comment: must be a string, got number");
}

TEST_CASE("malformed JSON and the wrong top level are ManifestErrors") {
    CHECK(starts(error_of([] { parse_manifest("{\"schemaVersion\": 2,"); }),
                 "malformed JSON: [json.exception.parse_error"));
    CHECK(starts(error_of([] { parse_index(""); }), "malformed JSON:"));
    CHECK(starts(error_of([] { parse_config("\xff"); }), "malformed JSON:"));
    CHECK(error_of([] { parse_manifest("[]"); }) == "document: must be a JSON object, got array");
    CHECK(error_of([] { parse_descriptor("null"); }) == "document: must be a JSON object, got null");
    CHECK(error_of([] { parse_any_manifest("7"); }) == "document: must be a JSON object, got number");
    CHECK(starts(error_of([] { parse_config(std::string(1000, '[')); }), "malformed JSON: nested deeper than"));
}
