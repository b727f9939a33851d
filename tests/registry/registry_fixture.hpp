// Test fixtures shared by the registry tests (tests/registry/*_test.cpp): temp folders, whole-file
// reads and writes, free loopback ports, and a real docker-registry (distribution 2.8,
// /usr/bin/docker-registry) serving a temp folder on 127.0.0.1, with no Docker daemon.
// Include it after <doctest/doctest.h> (its checks are doctest REQUIREs):
//   using registry_fixture::Registry;
//   Registry reg;                       // a free port and a temp folder; nothing runs yet
//   reg.extra_config = "auth: ...\n";   // optional: http.tls / auth sections
//   reg.start();                        // serves on reg.host() once start returns
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

namespace registry_fixture {

// A fresh folder under the temp directory (xbuild-regtest-XXXXXX), removed with all it holds on destruction.
struct TempDir {
    std::filesystem::path path;  // the folder
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "xbuild-regtest-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// Writes `data` to `p` (binary, replacing it), creating its parent folders.
inline void write_file(const std::filesystem::path& p, std::string_view data) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
}
// The bytes of `p`; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
inline int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool port_open(int port) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    return ok;
}

// A docker-registry process serving `storage()` on 127.0.0.1:port (deletes enabled), started by
// start(); killed on destruction. Its output goes to registry.log in its temp folder.
struct Registry {
    TempDir dir;               // config.yml, registry.log and storage/
    int port = free_port();    // where it listens, chosen on construction
    pid_t pid = -1;            // the registry process, once started
    std::string extra_config;  // http.tls / auth sections, indented for the top level

    // "127.0.0.1:port", as image references name it.
    std::string host() const { return "127.0.0.1:" + std::to_string(port); }
    // The registry's storage root (docker/registry/v2/... below it).
    std::filesystem::path storage() const { return dir.path / "storage"; }

    // Writes config.yml and starts /usr/bin/docker-registry; with `wait`, returns once it accepts
    // connections (wait_up).
    void start(bool wait = true) {
        const auto config = dir.path / "config.yml";
        std::string yml =
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    "
            "rootdirectory: " +
            storage().string() + "\n  delete:\n    enabled: true\nhttp:\n  addr: " + host() + "\n" + extra_config;
        write_file(config, yml);
        const auto log = dir.path / "registry.log";
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            FILE* f = std::fopen(log.c_str(), "w");
            if (f) {
                ::dup2(fileno(f), 1);
                ::dup2(fileno(f), 2);
            }
            ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        if (wait) wait_up();
    }
    // Waits up to 5 s for the port to accept connections; fails the case with registry.log if not.
    void wait_up() {
        for (int i = 0; i < 200 && !port_open(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        REQUIRE_MESSAGE(port_open(port), "registry did not start: " << read_file(dir.path / "registry.log"));
    }
    ~Registry() {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            int st = 0;
            ::waitpid(pid, &st, 0);
        }
    }
};

}  // namespace registry_fixture
