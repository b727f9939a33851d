// Cases of client_test.cpp about registries that answer wrongly: manifests corrupted in storage,
// a 401 with no credentials configured, manifests that are not manifests. Each is checked through
// the client and through the xbuild CLI (its exit status, its message, what it leaves on disk).

namespace {

// The xbuild CLI: $XBUILD_BIN, else beside this program (build/bin/registry_client_tests), else
// build/bin/xbuild of the source tree this file is in (a test built by hand from /work/main).
std::string xbuild_cli() {
    std::vector<fs::path> candidates;
    if (const char* e = std::getenv("XBUILD_BIN")) candidates.emplace_back(e);
    if (const std::string self = self_executable(); !self.empty())
        candidates.push_back(fs::path(self).parent_path() / "xbuild");
    candidates.push_back(fs::path(__FILE__).parent_path() / "../../build/bin/xbuild");
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) return fs::absolute(c).string();
    FAIL("the xbuild CLI was not found: cmake --build build --target xbuild_cli, or set XBUILD_BIN");
    return {};
}

struct CliRun {
    int status = 0;
    std::string output;  // standard output and standard error together
};

// Runs `xbuild ARGS...` with config.json looked for in `docker_config` only (no one's real login).
CliRun run_cli(const std::vector<std::string>& args, const fs::path& docker_config) {
    std::vector<std::string> argv {"sh", "-c", "exec \"$0\" \"$@\" 2>&1", xbuild_cli()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto c = capture_program(argv, {"DOCKER_CONFIG=" + docker_config.string()});
    return {c.status, c.out};
}

std::string http_reply(const std::string& status, const std::string& headers, const std::string& body) {
    return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// Pushes a one-layer image for linux/ARCH and tags it; returns its manifest's bytes.
std::string push_image(Client& client, const Reference& ref, const std::string& arch, unsigned seed,
                       const std::string& note = "") {
    const std::string config =
        R"({"architecture":")" + arch + R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const std::string layer = random_bytes(3000, seed);
    oci::Manifest m;
    m.media_type = std::string(oci::media_type::oci_manifest);
    m.config = blob_desc(oci::media_type::oci_config, config);
    m.layers = {blob_desc(oci::media_type::oci_layer_gzip, layer)};
    if (!note.empty()) m.annotations["note"] = note;
    client.push_blob(ref, config, m.config);
    client.push_blob(ref, layer, m.layers.front());
    const std::string bytes = oci::to_json(m);
    client.put_manifest(ref, bytes, oci::media_type::oci_manifest);
    return bytes;
}

// Where docker-registry (distribution 2.8, filesystem driver) keeps a blob's bytes; a manifest
// is a blob too, so writing here changes what every read of it, by tag or by digest, serves.
fs::path stored_blob(const Registry& reg, const oci::Digest& d) {
    return reg.storage() / "docker/registry/v2/blobs/sha256" / d.encoded.substr(0, 2) / d.encoded / "data";
}

// What a layout folder holds: its index.json and the names of its blobs.
std::string layout_state(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir / "blobs", ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file()) names.push_back(fs::relative(it->path(), dir).string());
    std::sort(names.begin(), names.end());
    std::string s = read_file(dir / "index.json") + "\n";
    for (const auto& n : names) s += n + "\n";
    return s;
}

}  // namespace

TEST_CASE("a manifest corrupted in the registry's storage is refused by digest and by tag, by the client and the CLI") {
    require_tools({"docker-registry"});
    Registry reg;
    reg.start();
    TempDir home;
    Client client(quiet_options(home.path));
    const Reference ref = parse_reference(reg.host() + "/bad/app:v1");
    const Reference good_ref = ref.with_tag("good");
    push_image(client, good_ref, "arm64", 21);
    const std::string bytes = push_image(client, ref, "amd64", 22, "aaaa");
    const oci::Digest digest = oci::sha256_of(bytes);
    const fs::path data = stored_blob(reg, digest);
    REQUIRE(read_file(data) == bytes);

    // Other valid manifests in its place: first of the same length (one annotation edited), then
    // of another length (the annotation gone). The registry serves them; only the digest tells.
    std::string same_length = bytes;
    same_length.replace(same_length.find("aaaa"), 4, "bbbb");
    oci::Manifest shorter = oci::parse_manifest(bytes);
    shorter.annotations.clear();
    for (const std::string& replacement : {same_length, oci::to_json(shorter)}) {
        CAPTURE(replacement.size());
        write_file(data, replacement);
        for (const Reference& r : {ref.with_digest(digest.str()), ref}) {
            CAPTURE(r.str());
            bool returned = false;
            try {
                client.get_manifest(r);
                returned = true;
            } catch (const RegistryError& e) {
                const std::string msg = e.what();
                CHECK(e.kind == ErrorKind::verify);
                CHECK(msg.find(reg.host() + "/bad/app: manifest '" + r.object() + "'") != std::string::npos);
                CHECK(msg.find(oci::sha256_of(replacement).str()) != std::string::npos);  // what it hashed to
            }
            CHECK_FALSE(returned);
        }
    }

    // Through the CLI: exit 1, the reference named, and no layout folder made for it.
    const fs::path fresh = home.path / "fresh";
    auto run = run_cli({"imagetools", "create", "-t", "oci-layout://" + fresh.string() + ":t", ref.str()}, home.path);
    CAPTURE(run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find(reg.host() + "/bad/app: manifest 'v1'") != std::string::npos);
    CHECK_FALSE(fs::exists(fresh));
    for (const auto& e : fs::directory_iterator(home.path))  // nor a staging folder beside it
        CHECK_MESSAGE(e.path().filename().string().find("fresh") == std::string::npos, e.path());
    // Into a layout that exists: it is left as it was, no new blob, no tag t.
    const fs::path existing = home.path / "existing";
    const auto good = run_cli(
        {"imagetools", "create", "-t", "oci-layout://" + existing.string() + ":good", good_ref.str()}, home.path);
    REQUIRE_MESSAGE(good.status == 0, good.output);
    const std::string before = layout_state(existing);
    run = run_cli({"imagetools", "create", "-t", "oci-layout://" + existing.string() + ":t", ref.str()}, home.path);
    CAPTURE(run.output);
    CHECK(run.status == 1);
    CHECK(layout_state(existing) == before);
    CHECK(read_file(existing / "index.json").find("\":t\"") == std::string::npos);
    // And inspect: exit 1 naming it, nothing of the bad bytes printed.
    run = run_cli({"imagetools", "inspect", "--raw", ref.with_digest(digest.str()).str()}, home.path);
    CHECK(run.status == 1);
    CHECK(run.output.find("manifest '" + digest.str() + "'") != std::string::npos);
    CHECK(run.output.find("\"schemaVersion\"") == std::string::npos);
}

// The CLI copies each child of the index into the target as it reads it, so the images before the
// corrupt one are in the target when it fails: a new layout is a staging folder removed whole, and
// in a layout that existed the blobs the copy added are removed again.
TEST_CASE("an index whose second image is corrupt in storage: the CLI leaves no partial layout") {
    require_tools({"docker-registry"});
    Registry reg;
    reg.start();
    TempDir home;
    Client client(quiet_options(home.path));
    const Reference repo = parse_reference(reg.host() + "/multi/app:amd64");
    const std::string amd64 = push_image(client, repo, "amd64", 31);
    const std::string arm64 = push_image(client, repo.with_tag("arm64"), "arm64", 32, "aaaa");
    oci::Index index;
    index.media_type = std::string(oci::media_type::oci_index);
    for (const auto& [bytes, arch] : {std::pair {amd64, "amd64"}, std::pair {arm64, "arm64"}}) {
        oci::Descriptor d = blob_desc(oci::media_type::oci_manifest, bytes);
        d.platform = oci::Platform {"linux", arch, "", "", {}, nlohmann::json::object()};
        index.manifests.push_back(d);
    }
    const Reference idx = repo.with_tag("both");
    client.put_manifest(idx, oci::to_json(index), oci::media_type::oci_index);
    std::string corrupt = arm64;
    corrupt.replace(corrupt.find("aaaa"), 4, "bbbb");
    write_file(stored_blob(reg, oci::sha256_of(arm64)), corrupt);

    const fs::path fresh = home.path / "fresh";
    auto run = run_cli({"imagetools", "create", "-t", "oci-layout://" + fresh.string() + ":t", idx.str()}, home.path);
    CAPTURE(run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find("manifest '" + oci::sha256_of(arm64).str() + "'") != std::string::npos);
    INFO("left behind: " << (fs::exists(fresh) ? layout_state(fresh) : std::string("nothing")));
    CHECK_FALSE(fs::exists(fresh));
    for (const auto& e : fs::directory_iterator(home.path))  // nor a staging folder beside it
        CHECK_MESSAGE(e.path().filename().string().find("fresh") == std::string::npos, e.path());

    const fs::path existing = home.path / "existing";
    const Reference good = repo.with_tag("good");
    push_image(client, good, "riscv64", 33);  // blobs of its own, so any copied blob shows
    REQUIRE(
        run_cli({"imagetools", "create", "-t", "oci-layout://" + existing.string() + ":good", good.str()}, home.path)
            .status == 0);
    const std::string before = layout_state(existing);
    run = run_cli({"imagetools", "create", "-t", "oci-layout://" + existing.string() + ":t", idx.str()}, home.path);
    CHECK(run.status == 1);
    CHECK(layout_state(existing) == before);
}

TEST_CASE("a 401 with no credentials configured names where they were looked for and says to log in") {
    // A fake registry asking for a Bearer token, and a token server refusing anonymous access.
    TokenServer tokens;
    tokens.handler = [](const std::string&, const std::string&) {
        return http_reply("401 Unauthorized", "Content-Type: application/json\r\n",
                          R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
    };
    tokens.start();
    TokenServer registry;
    registry.handler = [&](const std::string&, const std::string&) {
        return http_reply("401 Unauthorized",
                          "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:" + std::to_string(tokens.port) +
                              "/token\",service=\"fake\"\r\nContent-Type: application/json\r\n",
                          R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
    };
    registry.start();
    TempDir home;  // no config.json in it
    const std::string host = "127.0.0.1:" + std::to_string(registry.port);
    const std::string config_json = (home.path / "config.json").string();
    Client client(quiet_options(home.path));
    try {
        client.get_manifest(parse_reference(host + "/private/app:v1"));
        FAIL("no error");
    } catch (const RegistryError& e) {
        const std::string msg = e.what();
        CHECK(e.kind == ErrorKind::auth);
        CHECK(e.http_status == 401);
        CHECK(msg.find(host + "/private/app: ") == 0);
        CHECK(msg.find("no credentials for " + host + " in " + config_json) != std::string::npos);
        CHECK(msg.find("docker login " + host) != std::string::npos);
    }
    const auto run = run_cli({"imagetools", "inspect", host + "/private/app:v1"}, home.path);
    CAPTURE(run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find(config_json) != std::string::npos);
    CHECK(run.output.find("docker login " + host) != std::string::npos);
}

TEST_CASE("a manifest that is not JSON, or JSON of the wrong shape: the bytes are verified, parsing names the field") {
    struct Bad {
        std::string body, field;  // what the registry serves, what the parse error must name
    };
    const std::vector<Bad> cases {
        {"<html>this is not a manifest</html>", "malformed JSON"},
        {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":"nope","layers":[]})",
         "config: must be a JSON object"},
        {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":)"
         R"("application/vnd.oci.image.config.v1+json","digest":"sha256:1234","size":2},"layers":[]})",
         "config.digest: malformed digest"},
        {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":)"
         R"("application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
             std::string(64, '0') + R"(","size":2},"layers":{"a":1}})",
         "layers: must be an array"},
    };
    std::mutex mu;
    std::string served;
    TokenServer registry;  // a registry with no auth that serves `served` for every manifest
    registry.handler = [&](const std::string& target, const std::string&) {
        if (target == "/v2/") return http_reply("200 OK", "Content-Type: application/json\r\n", "{}");
        std::lock_guard<std::mutex> lock(mu);
        // The digest header matches the body: a registry that stored garbage hashes it right, so
        // only the parse can tell.
        return http_reply("200 OK",
                          "Content-Type: application/vnd.oci.image.manifest.v1+json\r\nDocker-Content-Digest: " +
                              oci::sha256_of(served).str() + "\r\n",
                          served);
    };
    registry.start();
    TempDir home;
    const std::string host = "127.0.0.1:" + std::to_string(registry.port);
    Client client(quiet_options(home.path));
    for (const Bad& bad : cases) {
        CAPTURE(bad.body);
        {
            std::lock_guard<std::mutex> lock(mu);
            served = bad.body;
        }
        // By design the client checks digests and returns the exact bytes; the media type is the
        // Content-Type's (it parses only to find a type the header did not give).
        const auto m = client.get_manifest(parse_reference(host + "/app:v1"));
        CHECK(m.bytes == bad.body);
        CHECK(m.media_type == oci::media_type::oci_manifest);
        try {
            oci::parse_any_manifest(m.bytes, m.media_type);
            FAIL("parsed");
        } catch (const oci::ManifestError& e) { CHECK(std::string(e.what()).find(bad.field) == 0); }
        const auto run = run_cli({"imagetools", "inspect", host + "/app:v1"}, home.path);
        CAPTURE(run.output);
        CHECK(run.status == 1);
        CHECK(run.output.find(bad.field) != std::string::npos);
        CHECK(run.output.find("xbuild imagetools inspect: ") == 0);
        // create stops at the same point (reading the sources), before it makes the target.
        const fs::path out = home.path / "out";
        const auto create =
            run_cli({"imagetools", "create", "-t", "oci-layout://" + out.string() + ":t", host + "/app:v1"}, home.path);
        CAPTURE(create.output);
        CHECK(create.status != 0);
        CHECK(create.output.find(bad.field) != std::string::npos);
        CHECK_FALSE(fs::exists(out));
    }
}

// A ManifestError is a std::invalid_argument, but a malformed manifest is the registry's fault,
// not a usage mistake: exit 1, naming the reference.
TEST_CASE("a malformed manifest: imagetools create exits 1 (the registry's fault), and both commands name it") {
    const std::string body =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":"nope","layers":[]})";
    TokenServer registry;
    registry.handler = [&](const std::string& target, const std::string&) {
        if (target == "/v2/") return http_reply("200 OK", "Content-Type: application/json\r\n", "{}");
        return http_reply("200 OK", "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n", body);
    };
    registry.start();
    TempDir home;
    const std::string ref = "127.0.0.1:" + std::to_string(registry.port) + "/app:v1";
    const auto create =
        run_cli({"imagetools", "create", "-t", "oci-layout://" + (home.path / "out").string() + ":t", ref}, home.path);
    CAPTURE(create.output);
    CHECK(create.status == 1);
    CHECK(create.output.find(ref) != std::string::npos);
    const auto inspect = run_cli({"imagetools", "inspect", ref}, home.path);
    CAPTURE(inspect.output);
    CHECK(inspect.output.find(ref) != std::string::npos);
}
