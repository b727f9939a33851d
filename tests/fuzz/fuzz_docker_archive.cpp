// libFuzzer target: any bytes as a docker archive (`docker save` tar, plain or compressed). Reading
// its manifest.json and importing it into a fresh layout may fail only with LayoutError (which
// DockerArchiveError is); an import that succeeds must leave a layout verify() accepts, and
// writing the images back out and importing that must give the same manifest digests.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>
#include <filesystem>
#include <fstream>
#include <string>

#include "xbuild/oci/docker_archive.hpp"

namespace fs = std::filesystem;
namespace oci = xbuild::oci;

namespace {

// A scratch folder per input, in memory when /dev/shm is there (every input makes a layout, and
// fsync on tmpfs costs nothing); removed when the input is done, as libFuzzer may end the
// process without running exit handlers.
struct Scratch {
    fs::path dir;
    Scratch() {
        const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string tmpl = (base / "fuzz-docker-archive-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) std::abort();
        dir = tmpl;
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Scratch scratch;
    const fs::path tar = scratch.dir / "in.tar", dir = scratch.dir / "layout", out = scratch.dir / "out.tar",
                   again = scratch.dir / "again";
    {
        std::ofstream f(tar, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    try {
        (void)oci::read_docker_archive_manifest(tar);
    } catch (const oci::LayoutError&) {}
    try {
        oci::Layout layout = oci::Layout::create(dir);
        const auto images = oci::import_docker_archive(tar, layout);
        if (!layout.verify().empty()) __builtin_trap();
        std::vector<std::pair<oci::Descriptor, std::vector<std::string>>> back;
        for (const auto& i : images) back.push_back({i.manifest, {}});
        oci::write_docker_archive(layout, back, out);
        oci::Layout second = oci::Layout::create(again);
        const auto reimported = oci::import_docker_archive(out, second);
        if (reimported.size() != images.size()) __builtin_trap();
        for (std::size_t i = 0; i < images.size(); ++i)
            if (reimported[i].manifest.digest != images[i].manifest.digest) __builtin_trap();
    } catch (const oci::LayoutError&) {}
    return 0;
}
