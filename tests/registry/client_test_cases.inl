// The cases of client_test.cpp (split off to keep files short); helpers are defined there.

TEST_CASE("open registry on loopback: blobs, manifests, index, tags, delete; skopeo reads it back") {
    require_tools({"docker-registry"});
    Registry reg;
    reg.start();
    TempDir home;
    auto opts = quiet_options(home.path);
    opts.tags_page_size = 1;  // sent as ?n=1 (distribution 2.8 answers all tags anyway)
    std::vector<std::string> log;
    opts.log = [&](const std::string& l) { log.push_back(l); };
    Client client(opts);
    client.ping(reg.host());
    const Reference app = parse_reference(reg.host() + "/app:v1");

    const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const std::string layer1 = random_bytes(300000, 1), layer2 = random_bytes(100000, 2);
    const auto cdesc = blob_desc(oci::media_type::oci_config, config);
    const auto l1 = blob_desc(oci::media_type::oci_layer_gzip, layer1);
    const auto l2 = blob_desc(oci::media_type::oci_layer_gzip, layer2);
    const auto l1_file = home.path / "layer1";
    write_file(l1_file, layer1);

    CHECK_FALSE(client.has_blob(app, l1.digest));
    CHECK(client.push_blob(app, config, cdesc) == PushResult::uploaded);
    std::uint64_t last_progress = 0;
    PushOptions mono;
    mono.progress = [&](std::uint64_t done, std::uint64_t) { last_progress = done; };
    CHECK(client.push_blob(app, l1, l1_file, mono) == PushResult::uploaded);
    CHECK(last_progress == layer1.size());
    PushOptions chunked;
    chunked.chunk_size = 16384;
    const BlobReader reader = [&](std::uint64_t off, void* buf, std::size_t n) -> std::size_t {
        if (off >= layer2.size()) return 0;
        n = std::min<std::size_t>(n, layer2.size() - off);
        std::memcpy(buf, layer2.data() + off, n);
        return n;
    };
    const auto patches_before =
        std::count_if(log.begin(), log.end(), [](const std::string& l) { return l.rfind("PATCH ", 0) == 0; });
    CHECK(client.push_blob(app, l2, reader, chunked) == PushResult::uploaded);
    const auto patches =
        std::count_if(log.begin(), log.end(), [](const std::string& l) { return l.rfind("PATCH ", 0) == 0; });
    CHECK(patches - patches_before == 7);  // 100000 bytes in 16 KiB chunks
    CHECK(client.has_blob(app, l1.digest));
    CHECK(client.push_blob(app, l1, l1_file) == PushResult::already_present);
    PushOptions mount;
    mount.mount_from_repository = "app";
    const Reference other = parse_reference(reg.host() + "/other:v1");
    CHECK(client.push_blob(other, l1, l1_file, mount) == PushResult::mounted);
    CHECK(client.has_blob(other, l1.digest));

    // A reader giving fewer bytes than the descriptor says is refused.
    oci::Descriptor lying = l2;
    lying.digest = oci::sha256_of("something else");
    try {
        client.push_blob(app, std::string_view(layer2).substr(0, 1000), lying);
        FAIL("short body accepted");
    } catch (const RegistryError& e) { CHECK(e.kind == ErrorKind::verify); }

    oci::Manifest m;
    m.media_type = std::string(oci::media_type::oci_manifest);
    m.config = cdesc;
    m.layers = {l1, l2};
    const std::string mbytes = oci::to_json(m);
    const oci::Digest mdigest = client.put_manifest(app, mbytes, oci::media_type::oci_manifest);
    CHECK(mdigest == oci::sha256_of(mbytes));
    const auto got = client.get_manifest(app);
    CHECK(got.bytes == mbytes);
    CHECK(got.media_type == oci::media_type::oci_manifest);
    CHECK(got.digest == mdigest);
    const auto by_digest = client.get_manifest(app.with_digest(mdigest.str()));
    CHECK(by_digest.bytes == mbytes);
    const auto head = client.head_manifest(app);
    REQUIRE(head.has_value());
    CHECK(head->digest == mdigest);
    CHECK(head->size == static_cast<std::int64_t>(mbytes.size()));
    CHECK(head->media_type == oci::media_type::oci_manifest);
    CHECK_FALSE(client.head_manifest(app.with_tag("nope")).has_value());
    CHECK(client.get_blob(app, cdesc.digest) == config);
    const auto out = home.path / "out.bin";
    client.get_blob_to_file(app, l2.digest, out);
    CHECK(read_file(out) == layer2);
    CHECK_FALSE(fs::exists(out.string() + ".partial"));

    oci::Index index;
    index.media_type = std::string(oci::media_type::oci_index);
    oci::Descriptor entry = blob_desc(oci::media_type::oci_manifest, mbytes);
    entry.platform = oci::Platform {"linux", "amd64", "", "", {}, nlohmann::json::object()};
    index.manifests = {entry};
    const std::string ibytes = oci::to_json(index);
    const Reference multi = app.with_tag("multi");
    const oci::Digest idigest = client.put_manifest(multi, ibytes, oci::media_type::oci_index);
    const auto gi = client.get_manifest(multi);
    CHECK(gi.bytes == ibytes);
    CHECK(gi.media_type == oci::media_type::oci_index);

    // Pushing by digest checks the bytes against it.
    CHECK_THROWS_AS(client.put_manifest(app.with_digest(idigest.str()), mbytes, oci::media_type::oci_manifest),
                    RegistryError);

    auto tags = client.list_tags(app);  // distribution 2.8 ignores ?n= for tags: one page, its order
    std::sort(tags.begin(), tags.end());
    std::string shown_tags;
    for (const auto& t : tags) shown_tags += t + " ";
    for (const auto& l : log)
        if (l.find("tags") != std::string::npos) shown_tags += "\n" + l;
    const std::vector<std::string> want_tags {"multi", "v1"};
    CHECK_MESSAGE(tags == want_tags, shown_tags);
    CHECK(std::any_of(log.begin(), log.end(),
                      [](const std::string& l) { return l.find("/tags/list -> 200") != std::string::npos; }));

    try {
        client.get_manifest(app.with_tag("nope"));
        FAIL("no error");
    } catch (const RegistryError& e) {
        CHECK(e.http_status == 404);
        CHECK(e.code == "MANIFEST_UNKNOWN");
        CHECK(std::string(e.what()) == reg.host() + "/app: manifest 'nope' not found (MANIFEST_UNKNOWN)");
    }
    try {
        client.list_tags(parse_reference(reg.host() + "/missing"));
        FAIL("no error");
    } catch (const RegistryError& e) { CHECK(e.code == "NAME_UNKNOWN"); }

    require_tools({"skopeo"});
    {
        for (const auto& [tag, bytes] : {std::pair<std::string, std::string> {"v1", mbytes}, {"multi", ibytes}}) {
            const auto c = capture_program(
                {"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reg.host() + "/app:" + tag}, {},
                {std::nullopt, true});
            CHECK(c.status == 0);
            CHECK(c.out == bytes);
        }
    }

    client.delete_manifest(multi.with_digest(idigest.str()));
    CHECK_FALSE(client.head_manifest(multi.with_digest(idigest.str())).has_value());
    CHECK_THROWS_AS(client.delete_manifest(multi), std::invalid_argument);
    for (const auto& l : log) CHECK(l.find('?') == std::string::npos);  // no query strings (signatures) logged
}

TEST_CASE("TLS with a private CA from certs.d, and htpasswd basic auth from config.json") {
    require_tools({"docker-registry", "openssl", "htpasswd"});
    Registry reg;
    const auto& d = reg.dir.path;
    run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", (d / "ca.key").string(), "-out",
         (d / "ca.crt").string(), "-days", "2", "-subj", "/CN=xbuild test CA", "-addext",
         "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", (d / "server.key").string(), "-out",
         (d / "server.csr").string(), "-subj", "/CN=127.0.0.1"});
    write_file(d / "ext.cnf", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    run({"openssl", "x509", "-req", "-in", (d / "server.csr").string(), "-CA", (d / "ca.crt").string(), "-CAkey",
         (d / "ca.key").string(), "-CAcreateserial", "-out", (d / "server.crt").string(), "-days", "2", "-extfile",
         (d / "ext.cnf").string()});
    const auto hp = capture_program({"htpasswd", "-Bbn", "alice", "s3cret-pw"}, {}, {std::nullopt, true});
    REQUIRE(hp.status == 0);
    write_file(d / "htpasswd", hp.out);
    reg.extra_config = "  tls:\n    certificate: " + (d / "server.crt").string() +
                       "\n    key: " + (d / "server.key").string() +
                       "\nauth:\n  htpasswd:\n    realm: xbuild-test\n    path: " + (d / "htpasswd").string() + "\n";
    reg.start();

    TempDir good, bad, none;
    docker_config(good.path, reg.host(), "alice", "s3cret-pw");
    write_file(good.path / "certs.d" / reg.host() / "ca.crt", read_file(d / "ca.crt"));
    const Reference app = parse_reference(reg.host() + "/secure/app:v1");
    {
        Client client(quiet_options(good.path));
        client.ping(reg.host());
        const std::string blob = "hello over TLS";
        CHECK(client.push_blob(app, blob, blob_desc(oci::media_type::oci_layer, blob)) == PushResult::uploaded);
        CHECK(client.get_blob(app, oci::sha256_of(blob)) == blob);
    }
    {  // the same through --ca-cert instead of certs.d
        auto o = quiet_options(good.path);
        o.certs_d = none.path;
        o.ca_cert = (d / "ca.crt").string();
        Client client(o);
        CHECK(client.has_blob(app, oci::sha256_of("hello over TLS")));
    }
    {  // no CA: the TLS error names the host; no downgrade to plain HTTP
        auto o = quiet_options(good.path);
        o.certs_d = none.path;
        Client client(o);
        try {
            client.ping(reg.host());
            FAIL("untrusted certificate accepted");
        } catch (const RegistryError& e) {
            CHECK(e.kind == ErrorKind::tls);
            CHECK(std::string(e.what()).find(reg.host()) != std::string::npos);
            CHECK(std::string(e.what()).find("TLS") != std::string::npos);
        }
    }
    {  // wrong password: refused, and the message does not show it
        docker_config(bad.path, reg.host(), "alice", "wrong-Pa55word");
        fs::copy(good.path / "certs.d", bad.path / "certs.d", fs::copy_options::recursive);
        Client client(quiet_options(bad.path));
        try {
            client.has_blob(app, oci::sha256_of("x"));
            FAIL("wrong password accepted");
        } catch (const RegistryError& e) {
            CHECK(e.kind == ErrorKind::auth);
            CHECK(e.http_status == 401);
            const std::string msg = e.what();
            CHECK(msg.find("wrong-Pa55word") == std::string::npos);
            CHECK(msg.find(b64("alice:wrong-Pa55word", false)) == std::string::npos);
            CHECK(msg.find(reg.host()) != std::string::npos);
        }
    }
    {  // no credentials at all: says to log in
        fs::copy(good.path / "certs.d", none.path / "certs.d", fs::copy_options::recursive);
        Client client(quiet_options(none.path));
        try {
            client.has_blob(app, oci::sha256_of("x"));
            FAIL("anonymous accepted");
        } catch (const RegistryError& e) {
            CHECK(std::string(e.what()).find("docker login " + reg.host()) != std::string::npos);
            // ... and where it looked, so a login into another config.json (sudo, $DOCKER_CONFIG) shows.
            CHECK(std::string(e.what()).find((none.path / "config.json").string()) != std::string::npos);
        }
    }
}

TEST_CASE("Bearer token flow with a token server issuing RS256 JWTs (x5c), retried after a 503") {
    require_tools({"docker-registry", "openssl"});
    Registry reg;
    const auto& d = reg.dir.path;
    run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", (d / "tok.key").string(), "-out",
         (d / "tok.crt").string(), "-days", "2", "-subj", "/CN=xbuild token signer"});
    TokenServer ts;
    ts.expected_basic = "Basic " + b64("tokuser:tokpass", false);
    ts.fail_first = 1;
    ts.start(d / "tok.key", d / "tok.crt");
    reg.extra_config = "auth:\n  token:\n    realm: http://127.0.0.1:" + std::to_string(ts.port) +
                       "/token\n    service: xbuild-test\n    issuer: xbuild-test-issuer\n    rootcertbundle: " +
                       (d / "tok.crt").string() + "\n";
    reg.start();
    TempDir home;
    docker_config(home.path, reg.host(), "tokuser", "tokpass");
    auto o = quiet_options(home.path);
    std::vector<std::string> log;
    o.log = [&](const std::string& l) { log.push_back(l); };
    Client client(o);
    const Reference app = parse_reference(reg.host() + "/tok/app:v1");
    const std::string config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const auto cdesc = blob_desc(oci::media_type::oci_config, config);
    CHECK(client.push_blob(app, config, cdesc) == PushResult::uploaded);
    oci::Manifest m;
    m.media_type = std::string(oci::media_type::oci_manifest);
    m.config = cdesc;
    const std::string mbytes = oci::to_json(m);
    client.put_manifest(app, mbytes, oci::media_type::oci_manifest);
    CHECK(client.get_manifest(app).bytes == mbytes);
    CHECK(client.get_blob(app, cdesc.digest) == config);

    std::lock_guard<std::mutex> lock(ts.mu);
    REQUIRE(ts.targets.size() >= 2);
    CHECK(ts.targets[0] == ts.targets[1]);  // the 503 was retried
    CHECK(ts.targets[0].find("service=xbuild-test") != std::string::npos);
    CHECK(ts.targets[0].find("scope=repository:tok/app:pull,push") != std::string::npos);
    for (const auto& a : ts.authorizations) CHECK(a == ts.expected_basic);
    CHECK(ts.targets.size() <= 3);  // one token served the push and the reads
    for (const auto& l : log) {
        CHECK(l.find("tokpass") == std::string::npos);
        CHECK(l.find(b64("tokuser:tokpass", false)) == std::string::npos);
    }
}

TEST_CASE("a registry serving corrupt blobs is refused and leaves no file") {
    require_tools({"docker-registry"});
    Registry reg;
    reg.start();
    TempDir home;
    Client client(quiet_options(home.path));
    const Reference app = parse_reference(reg.host() + "/corrupt:v1");
    const std::string blob = random_bytes(5000, 7);
    const auto desc = blob_desc(oci::media_type::oci_layer, blob);
    client.push_blob(app, blob, desc);
    const auto data = reg.storage() / "docker/registry/v2/blobs/sha256" / desc.digest.encoded.substr(0, 2) /
                      desc.digest.encoded / "data";
    REQUIRE(fs::exists(data));
    write_file(data, random_bytes(5000, 8));
    try {
        client.get_blob(app, desc.digest);
        FAIL("corrupt blob accepted");
    } catch (const RegistryError& e) {
        CHECK(e.kind == ErrorKind::verify);
        CHECK(std::string(e.what()).find(desc.digest.str()) != std::string::npos);
    }
    const auto out = home.path / "blob.out";
    CHECK_THROWS_AS(client.get_blob_to_file(app, desc.digest, out), RegistryError);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out.string() + ".partial"));
}

TEST_CASE("a registry that comes up late is reached through the retries") {
    require_tools({"docker-registry"});
    Registry reg;
    TempDir home;
    auto o = quiet_options(home.path);
    o.max_retries = 4;
    o.backoff = std::chrono::milliseconds(200);  // 200 + 400 + 800 + 1600 ms
    std::vector<std::string> log;
    o.log = [&](const std::string& l) { log.push_back(l); };
    Client client(o);
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        reg.start(false);
    });
    client.ping(reg.host());
    late.join();
    CHECK(std::any_of(log.begin(), log.end(),
                      [](const std::string& l) { return l.find("retrying") != std::string::npos; }));
    const Reference app = parse_reference(reg.host() + "/late:v1");
    CHECK_FALSE(client.has_blob(app, oci::sha256_of("x")));

    // A registry that never comes up: a network error naming it, after the retries.
    Client quick(quiet_options(home.path));
    const std::string dead = "127.0.0.1:" + std::to_string(free_port());
    try {
        quick.ping(dead);
        FAIL("no error");
    } catch (const RegistryError& e) {
        CHECK(e.kind == ErrorKind::network);
        CHECK(std::string(e.what()).find(dead) != std::string::npos);
    }
}

TEST_CASE("blob downloads follow redirects to storage without the registry's Authorization") {
    // A fake registry asking for Basic auth and redirecting blobs to a "storage" server on another port.
    const std::string blob = random_bytes(20000, 9);
    const auto digest = oci::sha256_of(blob);
    const auto reply = [](const std::string& status, const std::string& headers, const std::string& body) {
        return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
               "\r\nConnection: close\r\n\r\n" + body;
    };
    TokenServer storage;
    storage.handler = [&](const std::string&, const std::string&) { return reply("200 OK", "", blob); };
    storage.start();
    TokenServer registry;
    registry.handler = [&](const std::string& target, const std::string& authz) {
        if (authz.empty()) return reply("401 Unauthorized", "WWW-Authenticate: Basic realm=\"fake\"\r\n", "");
        if (target == "/v2/") return reply("200 OK", "", "{}");
        return reply(
            "307 Temporary Redirect",
            "Location: http://localhost:" + std::to_string(storage.port) + "/bucket/blob?X-Signature=s3cr3t\r\n", "");
    };
    registry.start();
    TempDir home;
    const std::string host = "127.0.0.1:" + std::to_string(registry.port);
    docker_config(home.path, host, "bob", "pw-bob");
    auto o = quiet_options(home.path);
    std::vector<std::string> log;
    o.log = [&](const std::string& l) { log.push_back(l); };
    Client client(o);
    const Reference app = parse_reference(host + "/app:v1");
    CHECK(client.get_blob(app, digest) == blob);
    const auto out = home.path / "blob";
    client.get_blob_to_file(app, digest, out);
    CHECK(read_file(out) == blob);
    std::lock_guard<std::mutex> l1(storage.mu);
    std::lock_guard<std::mutex> l2(registry.mu);
    REQUIRE(storage.authorizations.size() == 2);
    for (const auto& a : storage.authorizations) CHECK(a.empty());
    CHECK(registry.authorizations.back() == "Basic " + b64("bob:pw-bob", false));
    for (const auto& line : log) CHECK(line.find("s3cr3t") == std::string::npos);
}
