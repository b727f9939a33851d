// libFuzzer target: layer blobs, the untrusted tars (gzip, zstd or plain) a registry hands us.
// Each input is listed, inspected and extracted into a fresh root inside a sandbox directory;
// nothing may escape but LayerError, and afterwards the sandbox must hold exactly what it held
// before besides the root: the layer file and an "outside" directory with its canary untouched.
// (A '..' or a symlink followed out of the root would land in the sandbox, next to the root.)
// The sandbox is under $TMPDIR: TMPDIR=/dev/shm makes runs several times faster.
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "xbuild/oci/layer.hpp"

namespace fs = std::filesystem;
namespace oci = xbuild::oci;

namespace {

const fs::path& sandbox() {
    static const fs::path dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "xbuild-fuzz-tar-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) std::abort();
        fs::create_directories(fs::path(tmpl) / "outside");
        std::ofstream(fs::path(tmpl) / "outside/canary") << "canary";
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(sandbox(), ec);
        });
        return fs::path(tmpl);
    }();
    return dir;
}

// Directories the layer made unreadable are opened up first, so an unprivileged run can clean.
int open_up(const char* path, const struct stat* st, int type, FTW*) {
    if (type == FTW_D || type == FTW_DNR) ::chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

void clean(const fs::path& root) {
    ::nftw(root.c_str(), &open_up, 16, FTW_PHYS);
    std::error_code ec;
    fs::remove_all(root, ec);
    if (ec || fs::exists(fs::symlink_status(root))) __builtin_trap();
}

void check_sandbox() {
    std::set<std::string> top;
    for (const auto& e : fs::directory_iterator(sandbox())) top.insert(e.path().filename().string());
    if (top != std::set<std::string> {"layer", "outside", "root"}) __builtin_trap();
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(sandbox() / "outside")) {
        (void)e;
        ++n;
    }
    std::ifstream in(sandbox() / "outside/canary");
    std::string canary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (n != 1 || canary != "canary") __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path layer = sandbox() / "layer", root = sandbox() / "root";
    {
        std::ofstream out(layer, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    bool listed = false;
    try {
        (void)oci::list_layer(layer);
        listed = true;
    } catch (const oci::LayerError&) {}
    try {
        oci::LayerInfo info = oci::inspect_layer(layer);
        if (info.size != std::int64_t(size) || info.digest != oci::digest_file(layer)) __builtin_trap();
    } catch (const oci::LayerError&) {}
    fs::create_directories(root);
    try {
        oci::ExtractResult r = oci::extract_layer(layer, root);
        // What extracts cleanly was a readable tar to list as well.
        if (!listed || r.info.size != std::int64_t(size)) __builtin_trap();
    } catch (const oci::LayerError&) {}
    check_sandbox();
    clean(root);
    return 0;
}
