// libFuzzer target: manifests, indexes and image configs, the JSON a registry or an image layout
// hands us. Nothing may escape but ManifestError, and whatever parses must write out and parse
// back to an equal value, with the second write byte-identical to the first.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "xbuild/oci/image.hpp"

namespace oci = xbuild::oci;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first line, when it looks like one, doubles as a Content-Type to steer the guess.
    std::string_view content_type = text.substr(0, std::min<std::size_t>(text.find('\n'), 100));
    for (std::string_view ct : {std::string_view(), content_type}) {
        try {
            oci::AnyManifest any = oci::parse_any_manifest(text, ct);
            if (auto* m = std::get_if<oci::Manifest>(&any)) {
                const std::string out = oci::to_json(*m);
                oci::Manifest again = oci::parse_manifest(out);
                if (!(again == *m) || oci::to_json(again) != out) __builtin_trap();
            } else {
                const oci::Index& x = std::get<oci::Index>(any);
                const std::string out = oci::to_json(x);
                oci::Index again = oci::parse_index(out);
                if (!(again == x) || oci::to_json(again) != out) __builtin_trap();
            }
        } catch (const oci::ManifestError&) {}
    }
    try {
        oci::ImageConfig c = oci::parse_config(text);
        const std::string out = oci::to_json(c);
        oci::ImageConfig again = oci::parse_config(out);
        if (!(again == c) || oci::to_json(again) != out) __builtin_trap();
    } catch (const oci::ManifestError&) {}
    return 0;
}
