// Implementation of xbuild/oci/image.hpp.
//
// Each object is read the same way: the known fields one by one (each with its path, for the
// message), then everything else copied into `extra`. Writing is the mirror image: known fields
// that are set, then the `extra` keys no known field claims.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <span>

namespace xbuild::oci {

namespace detail {

using json = nlohmann::json;
using Keys = std::span<const std::string_view>;

inline constexpr std::array<std::string_view, 5> platform_keys {"os", "architecture", "variant", "os.version",
                                                                "os.features"};
inline constexpr std::array<std::string_view, 7> descriptor_keys {"mediaType",   "digest", "size",        "platform",
                                                                  "annotations", "urls",   "artifactType"};
inline constexpr std::array<std::string_view, 7> manifest_keys {"schemaVersion", "mediaType", "artifactType", "config",
                                                                "layers",        "subject",   "annotations"};
inline constexpr std::array<std::string_view, 6> index_keys {"schemaVersion", "mediaType", "artifactType",
                                                             "manifests",     "subject",   "annotations"};
inline constexpr std::array<std::string_view, 10> config_keys {
    "os", "architecture", "variant", "os.version", "os.features", "created", "author", "config", "rootfs", "history"};
inline constexpr std::array<std::string_view, 9> container_keys {
    "User", "Env", "Entrypoint", "Cmd", "WorkingDir", "Labels", "ExposedPorts", "Volumes", "StopSignal"};
inline constexpr std::array<std::string_view, 2> rootfs_keys {"type", "diff_ids"};
inline constexpr std::array<std::string_view, 5> history_keys {"created", "created_by", "author", "comment",
                                                               "empty_layer"};

// Nesting deeper than this is refused while parsing: nothing in these documents nests beyond a
// handful of levels, and dump() and == recurse.
inline constexpr int max_depth = 64;

[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
    throw ManifestError((path.empty() ? std::string("document") : path) + ": " + what);
}

inline std::string field(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string item(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

inline std::string shown(const json& j) {
    std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > 60 ? s.substr(0, 60) + "..." : s;
}

inline json parse_json(std::string_view text) {
    try {
        return json::parse(text.begin(), text.end(), [](int depth, json::parse_event_t, json&) {
            if (depth > max_depth)
                throw ManifestError("malformed JSON: nested deeper than " + std::to_string(max_depth));
            return true;
        });
    } catch (const json::exception& e) { throw ManifestError(std::string("malformed JSON: ") + e.what()); }
}

inline void expect_object(const json& j, const std::string& path) {
    if (!j.is_object()) fail(path, std::string("must be a JSON object, got ") + j.type_name());
}

// The value of a key, nullptr when absent or null (Docker writes "Cmd": null for none).
inline const json* find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

inline const json& require(const json& obj, std::string_view key, const std::string& path) {
    const json* v = find(obj, key);
    if (!v) fail(field(path, key), "missing (required)");
    return *v;
}

inline std::string as_string(const json& v, const std::string& path) {
    if (!v.is_string()) fail(path, std::string("must be a string, got ") + v.type_name());
    return v.get<std::string>();
}

inline std::string get_string(const json& obj, std::string_view key, const std::string& path) {
    const json* v = find(obj, key);
    return v ? as_string(*v, field(path, key)) : std::string();
}

inline std::vector<std::string> get_strings(const json& obj, std::string_view key, const std::string& path) {
    std::vector<std::string> out;
    const json* v = find(obj, key);
    if (!v) return out;
    const std::string p = field(path, key);
    if (!v->is_array()) fail(p, std::string("must be an array of strings, got ") + v->type_name());
    for (std::size_t i = 0; i < v->size(); ++i) out.push_back(as_string((*v)[i], item(p, i)));
    return out;
}

inline std::map<std::string, std::string> get_string_map(const json& obj, std::string_view key,
                                                         const std::string& path) {
    std::map<std::string, std::string> out;
    const json* v = find(obj, key);
    if (!v) return out;
    const std::string p = field(path, key);
    if (!v->is_object()) fail(p, std::string("must be an object of strings, got ") + v->type_name());
    for (const auto& [k, val] : v->items()) out[k] = as_string(val, p + "[\"" + k + "\"]");
    return out;
}

// ExposedPorts and Volumes: Go's map[string]struct{}, so only the keys mean anything.
inline std::set<std::string> get_key_set(const json& obj, std::string_view key, const std::string& path) {
    std::set<std::string> out;
    const json* v = find(obj, key);
    if (!v) return out;
    const std::string p = field(path, key);
    if (!v->is_object()) fail(p, std::string("must be an object, got ") + v->type_name());
    for (const auto& [k, val] : v->items()) {
        if (!val.is_object() && !val.is_null())
            fail(p + "[\"" + k + "\"]", std::string("must be an object ({}), got ") + val.type_name());
        out.insert(k);
    }
    return out;
}

inline Digest as_digest(const json& v, const std::string& path) {
    const std::string s = as_string(v, path);
    try {
        return Digest::parse(s);
    } catch (const DigestError& e) { fail(path, e.what()); }
}

inline std::int64_t get_size(const json& obj, const std::string& path) {
    const json& v = require(obj, "size", path);
    const std::string p = field(path, "size");
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            fail(p, "too large, got " + shown(v));
        return std::int64_t(v.get<std::uint64_t>());
    }
    if (!v.is_number_integer()) fail(p, "must be a non-negative integer, got " + shown(v));
    if (v.get<std::int64_t>() < 0) fail(p, "must not be negative, got " + shown(v));
    return v.get<std::int64_t>();
}

inline void check_schema_version(const json& obj) {
    const json* v = find(obj, "schemaVersion");
    if (!v) fail("schemaVersion", "missing (must be 2)");
    if (!v->is_number_integer() || *v != 2) fail("schemaVersion", "must be 2, got " + shown(*v));
}

inline bool known(Keys keys, std::string_view k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); }

inline json extra_of(const json& obj, Keys keys) {
    json out = json::object();
    for (const auto& [k, v] : obj.items())
        if (!known(keys, k)) out[k] = v;
    return out;
}

inline void put_extra(json& out, const json& extra, Keys keys) {
    if (!extra.is_object()) return;
    for (const auto& [k, v] : extra.items())
        if (!known(keys, k) && !out.contains(k)) out[k] = v;
}

inline void put_string(json& out, std::string_view key, const std::string& s) {
    if (!s.empty()) out[std::string(key)] = s;
}
inline void put_strings(json& out, std::string_view key, const std::vector<std::string>& v) {
    if (!v.empty()) out[std::string(key)] = v;
}
inline void put_string_map(json& out, std::string_view key, const std::map<std::string, std::string>& m) {
    if (!m.empty()) out[std::string(key)] = m;
}
inline void put_key_set(json& out, std::string_view key, const std::set<std::string>& s) {
    if (s.empty()) return;
    json o = json::object();
    for (const std::string& k : s) o[k] = json::object();
    out[std::string(key)] = std::move(o);
}

inline std::string dump(const json& j) {
    try {
        return j.dump();
    } catch (const json::exception& e) {  // a string set by the caller that is not UTF-8
        throw ManifestError(std::string("cannot write JSON: ") + e.what());
    }
}

// --- reading -------------------------------------------------------------------------------

inline Platform platform_from(const json& j, const std::string& path) {
    expect_object(j, path);
    Platform p;
    p.os = as_string(require(j, "os", path), field(path, "os"));
    p.architecture = as_string(require(j, "architecture", path), field(path, "architecture"));
    p.variant = get_string(j, "variant", path);
    p.os_version = get_string(j, "os.version", path);
    p.os_features = get_strings(j, "os.features", path);
    p.extra = extra_of(j, platform_keys);
    return p;
}

inline Descriptor descriptor_from(const json& j, const std::string& path) {
    expect_object(j, path);
    Descriptor d;
    d.media_type = as_string(require(j, "mediaType", path), field(path, "mediaType"));
    d.digest = as_digest(require(j, "digest", path), field(path, "digest"));
    d.size = get_size(j, path);
    if (const json* p = find(j, "platform")) d.platform = platform_from(*p, field(path, "platform"));
    d.annotations = get_string_map(j, "annotations", path);
    d.urls = get_strings(j, "urls", path);
    d.artifact_type = get_string(j, "artifactType", path);
    d.extra = extra_of(j, descriptor_keys);
    return d;
}

inline std::vector<Descriptor> descriptors_from(const json& obj, std::string_view key) {
    const json& v = require(obj, key, "");
    const std::string p(key);
    if (!v.is_array()) fail(p, std::string("must be an array of descriptors, got ") + v.type_name());
    std::vector<Descriptor> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(descriptor_from(v[i], item(p, i)));
    return out;
}

inline std::string valid_manifest_types() {
    return std::string(media_type::oci_manifest) + " or " + std::string(media_type::docker_manifest);
}
inline std::string valid_index_types() {
    return std::string(media_type::oci_index) + " or " + std::string(media_type::docker_manifest_list);
}

inline Manifest manifest_from(const json& j) {
    expect_object(j, "");
    check_schema_version(j);
    Manifest m;
    m.media_type = get_string(j, "mediaType", "");
    if (!m.media_type.empty() && !media_type::is_manifest(m.media_type)) {
        if (media_type::is_index(m.media_type))
            fail("mediaType",
                 m.media_type + " is an index, not an image manifest (valid: " + valid_manifest_types() + ")");
        fail("mediaType", "must be " + valid_manifest_types() + ", got " + m.media_type);
    }
    m.artifact_type = get_string(j, "artifactType", "");
    m.config = descriptor_from(require(j, "config", ""), "config");
    m.layers = descriptors_from(j, "layers");
    if (const json* s = find(j, "subject")) m.subject = descriptor_from(*s, "subject");
    m.annotations = get_string_map(j, "annotations", "");
    m.extra = extra_of(j, manifest_keys);
    return m;
}

inline Index index_from(const json& j) {
    expect_object(j, "");
    check_schema_version(j);
    Index x;
    x.media_type = get_string(j, "mediaType", "");
    if (!x.media_type.empty() && !media_type::is_index(x.media_type)) {
        if (media_type::is_manifest(x.media_type))
            fail("mediaType",
                 x.media_type + " is an image manifest, not an index (valid: " + valid_index_types() + ")");
        fail("mediaType", "must be " + valid_index_types() + ", got " + x.media_type);
    }
    x.artifact_type = get_string(j, "artifactType", "");
    x.manifests = descriptors_from(j, "manifests");
    if (x.media_type == media_type::docker_manifest_list)
        for (std::size_t i = 0; i < x.manifests.size(); ++i)
            if (!x.manifests[i].platform)
                fail(item("manifests", i) + ".platform", "missing (required in a Docker manifest list)");
    if (const json* s = find(j, "subject")) x.subject = descriptor_from(*s, "subject");
    x.annotations = get_string_map(j, "annotations", "");
    x.extra = extra_of(j, index_keys);
    return x;
}

inline ImageConfig::Container container_from(const json& j, const std::string& path) {
    expect_object(j, path);
    ImageConfig::Container c;
    c.user = get_string(j, "User", path);
    c.env = get_strings(j, "Env", path);
    c.entrypoint = get_strings(j, "Entrypoint", path);
    c.cmd = get_strings(j, "Cmd", path);
    c.working_dir = get_string(j, "WorkingDir", path);
    c.labels = get_string_map(j, "Labels", path);
    c.exposed_ports = get_key_set(j, "ExposedPorts", path);
    c.volumes = get_key_set(j, "Volumes", path);
    c.stop_signal = get_string(j, "StopSignal", path);
    c.extra = extra_of(j, container_keys);
    return c;
}

inline ImageConfig config_from(const json& j) {
    expect_object(j, "");
    ImageConfig c;
    c.os = as_string(require(j, "os", ""), "os");
    c.architecture = as_string(require(j, "architecture", ""), "architecture");
    c.variant = get_string(j, "variant", "");
    c.os_version = get_string(j, "os.version", "");
    c.os_features = get_strings(j, "os.features", "");
    c.created = get_string(j, "created", "");
    c.author = get_string(j, "author", "");
    if (const json* cc = find(j, "config")) c.config = container_from(*cc, "config");

    const json& rootfs = require(j, "rootfs", "");
    expect_object(rootfs, "rootfs");
    c.rootfs.type = as_string(require(rootfs, "type", "rootfs"), "rootfs.type");
    if (c.rootfs.type != "layers") fail("rootfs.type", "must be \"layers\", got \"" + c.rootfs.type + "\"");
    const json& ids = require(rootfs, "diff_ids", "rootfs");
    if (!ids.is_array()) fail("rootfs.diff_ids", std::string("must be an array of digests, got ") + ids.type_name());
    for (std::size_t i = 0; i < ids.size(); ++i)
        c.rootfs.diff_ids.push_back(as_digest(ids[i], item("rootfs.diff_ids", i)));
    c.rootfs.extra = extra_of(rootfs, rootfs_keys);

    if (const json* h = find(j, "history")) {
        if (!h->is_array()) fail("history", std::string("must be an array, got ") + h->type_name());
        for (std::size_t i = 0; i < h->size(); ++i) {
            const json& e = (*h)[i];
            const std::string p = item("history", i);
            expect_object(e, p);
            ImageConfig::History step;
            step.created = get_string(e, "created", p);
            step.created_by = get_string(e, "created_by", p);
            step.author = get_string(e, "author", p);
            step.comment = get_string(e, "comment", p);
            if (const json* el = find(e, "empty_layer")) {
                if (!el->is_boolean())
                    fail(p + ".empty_layer", std::string("must be a boolean, got ") + el->type_name());
                step.empty_layer = el->get<bool>();
            }
            step.extra = extra_of(e, history_keys);
            c.history.push_back(std::move(step));
        }
    }
    c.extra = extra_of(j, config_keys);
    return c;
}

// Runs a reader over parsed text, so that nothing but ManifestError leaves a parser.
template <class F>
auto guarded(std::string_view text, F&& read) {
    try {
        return read(parse_json(text));
    } catch (const ManifestError&) { throw; } catch (const json::exception& e) {
        throw ManifestError(std::string("malformed document: ") + e.what());
    }
}

// The media type of a Content-Type header: parameters dropped, blanks trimmed, lower case.
inline std::string bare_media_type(std::string_view content_type) {
    content_type = content_type.substr(0, content_type.find(';'));
    while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.front())))
        content_type.remove_prefix(1);
    while (!content_type.empty() && std::isspace(static_cast<unsigned char>(content_type.back())))
        content_type.remove_suffix(1);
    std::string out(content_type);
    for (char& ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

[[noreturn]] inline void refuse_schema1(const std::string& where) {
    throw ManifestError(where + ": Docker schema 1 manifests are not supported (push the image again with a " +
                        "current Docker or use " + std::string(media_type::docker_manifest) + ")");
}

}  // namespace detail

// --- small members -----------------------------------------------------------------------------

inline std::string Platform::str() const {
    std::string s = os + "/" + architecture;
    if (!variant.empty()) s += "/" + variant;
    return s;
}

inline bool Descriptor::is_attestation() const {
    auto it = annotations.find(std::string(annotation_reference_type));
    return it != annotations.end() && it->second == attestation_manifest;
}

inline bool ImageConfig::Container::empty() const {
    return user.empty() && env.empty() && entrypoint.empty() && cmd.empty() && working_dir.empty() && labels.empty() &&
           exposed_ports.empty() && volumes.empty() && stop_signal.empty() && (!extra.is_object() || extra.empty());
}

inline Platform ImageConfig::platform() const {
    Platform p;
    p.os = os;
    p.architecture = architecture;
    p.variant = variant;
    p.os_version = os_version;
    p.os_features = os_features;
    return p;
}

// --- writing -------------------------------------------------------------------------------

inline nlohmann::json json_value(const Platform& p) {
    nlohmann::json j = nlohmann::json::object();
    j["os"] = p.os;
    j["architecture"] = p.architecture;
    detail::put_string(j, "variant", p.variant);
    detail::put_string(j, "os.version", p.os_version);
    detail::put_strings(j, "os.features", p.os_features);
    detail::put_extra(j, p.extra, detail::platform_keys);
    return j;
}

inline nlohmann::json json_value(const Descriptor& d) {
    nlohmann::json j = nlohmann::json::object();
    j["mediaType"] = d.media_type;
    j["digest"] = d.digest.str();
    j["size"] = d.size;
    if (d.platform) j["platform"] = json_value(*d.platform);
    detail::put_string_map(j, "annotations", d.annotations);
    detail::put_strings(j, "urls", d.urls);
    detail::put_string(j, "artifactType", d.artifact_type);
    detail::put_extra(j, d.extra, detail::descriptor_keys);
    return j;
}

inline nlohmann::json json_value(const Manifest& m) {
    nlohmann::json j = nlohmann::json::object();
    j["schemaVersion"] = m.schema_version;
    detail::put_string(j, "mediaType", m.media_type);
    detail::put_string(j, "artifactType", m.artifact_type);
    j["config"] = json_value(m.config);
    j["layers"] = nlohmann::json::array();
    for (const Descriptor& l : m.layers) j["layers"].push_back(json_value(l));
    if (m.subject) j["subject"] = json_value(*m.subject);
    detail::put_string_map(j, "annotations", m.annotations);
    detail::put_extra(j, m.extra, detail::manifest_keys);
    return j;
}

inline nlohmann::json json_value(const Index& x) {
    nlohmann::json j = nlohmann::json::object();
    j["schemaVersion"] = x.schema_version;
    detail::put_string(j, "mediaType", x.media_type);
    detail::put_string(j, "artifactType", x.artifact_type);
    j["manifests"] = nlohmann::json::array();
    for (const Descriptor& d : x.manifests) j["manifests"].push_back(json_value(d));
    if (x.subject) j["subject"] = json_value(*x.subject);
    detail::put_string_map(j, "annotations", x.annotations);
    detail::put_extra(j, x.extra, detail::index_keys);
    return j;
}

inline nlohmann::json json_value(const ImageConfig& c) {
    nlohmann::json j = nlohmann::json::object();
    j["os"] = c.os;
    j["architecture"] = c.architecture;
    detail::put_string(j, "variant", c.variant);
    detail::put_string(j, "os.version", c.os_version);
    detail::put_strings(j, "os.features", c.os_features);
    detail::put_string(j, "created", c.created);
    detail::put_string(j, "author", c.author);
    if (!c.config.empty()) {
        const ImageConfig::Container& cc = c.config;
        nlohmann::json k = nlohmann::json::object();
        detail::put_string(k, "User", cc.user);
        detail::put_strings(k, "Env", cc.env);
        detail::put_strings(k, "Entrypoint", cc.entrypoint);
        detail::put_strings(k, "Cmd", cc.cmd);
        detail::put_string(k, "WorkingDir", cc.working_dir);
        detail::put_string_map(k, "Labels", cc.labels);
        detail::put_key_set(k, "ExposedPorts", cc.exposed_ports);
        detail::put_key_set(k, "Volumes", cc.volumes);
        detail::put_string(k, "StopSignal", cc.stop_signal);
        detail::put_extra(k, cc.extra, detail::container_keys);
        j["config"] = std::move(k);
    }
    nlohmann::json rootfs = nlohmann::json::object();
    rootfs["type"] = c.rootfs.type;
    rootfs["diff_ids"] = nlohmann::json::array();
    for (const Digest& d : c.rootfs.diff_ids) rootfs["diff_ids"].push_back(d.str());
    detail::put_extra(rootfs, c.rootfs.extra, detail::rootfs_keys);
    j["rootfs"] = std::move(rootfs);
    if (!c.history.empty()) {
        nlohmann::json h = nlohmann::json::array();
        for (const ImageConfig::History& step : c.history) {
            nlohmann::json e = nlohmann::json::object();
            detail::put_string(e, "created", step.created);
            detail::put_string(e, "created_by", step.created_by);
            detail::put_string(e, "author", step.author);
            detail::put_string(e, "comment", step.comment);
            if (step.empty_layer) e["empty_layer"] = true;
            detail::put_extra(e, step.extra, detail::history_keys);
            h.push_back(std::move(e));
        }
        j["history"] = std::move(h);
    }
    detail::put_extra(j, c.extra, detail::config_keys);
    return j;
}

inline std::string to_json(const Manifest& m) { return detail::dump(json_value(m)); }
inline std::string to_json(const Index& i) { return detail::dump(json_value(i)); }
inline std::string to_json(const ImageConfig& c) { return detail::dump(json_value(c)); }
inline std::string to_json(const Descriptor& d) { return detail::dump(json_value(d)); }
inline std::string to_json(const Platform& p) { return detail::dump(json_value(p)); }

// --- parsing -------------------------------------------------------------------------------

inline Manifest parse_manifest(std::string_view json) {
    return detail::guarded(json, [](const nlohmann::json& j) { return detail::manifest_from(j); });
}

inline Index parse_index(std::string_view json) {
    return detail::guarded(json, [](const nlohmann::json& j) { return detail::index_from(j); });
}

inline ImageConfig parse_config(std::string_view json) {
    return detail::guarded(json, [](const nlohmann::json& j) { return detail::config_from(j); });
}

inline Descriptor parse_descriptor(std::string_view json) {
    return detail::guarded(json, [](const nlohmann::json& j) { return detail::descriptor_from(j, ""); });
}

inline AnyManifest parse_any_manifest(std::string_view json, std::string_view content_type) {
    const std::string ct = detail::bare_media_type(content_type);
    return detail::guarded(json, [&](const nlohmann::json& j) -> AnyManifest {
        detail::expect_object(j, "");
        // 1. The document's own mediaType.
        if (const nlohmann::json* mt = detail::find(j, "mediaType"); mt && mt->is_string() && !mt->empty()) {
            const std::string& s = mt->get_ref<const std::string&>();
            if (media_type::is_index(s)) return detail::index_from(j);
            if (media_type::is_manifest(s)) return detail::manifest_from(j);
            if (s == media_type::docker_manifest_v1 || s == media_type::docker_manifest_v1_signed)
                detail::refuse_schema1("mediaType");
            detail::fail("mediaType", "must be one of " + detail::valid_manifest_types() + ", " +
                                          detail::valid_index_types() + "; got " + s);
        }
        // 2. The Content-Type the registry answered with.
        if (media_type::is_index(ct)) return detail::index_from(j);
        if (media_type::is_manifest(ct)) return detail::manifest_from(j);
        if (ct == media_type::docker_manifest_v1 || ct == media_type::docker_manifest_v1_signed)
            detail::refuse_schema1("Content-Type");
        // 3. Its shape.
        if (j.contains("manifests")) return detail::index_from(j);
        if (j.contains("config") || j.contains("layers")) return detail::manifest_from(j);
        if (j.contains("fsLayers") || j.contains("signatures")) detail::refuse_schema1("document");
        detail::fail("",
                     "neither a manifest nor an index: no mediaType, no manifest Content-Type, and no "
                     "\"manifests\" or \"config\"/\"layers\" field");
    });
}

inline std::string_view media_type_of(const Manifest& m) {
    return m.media_type.empty() ? media_type::oci_manifest : std::string_view(m.media_type);
}
inline std::string_view media_type_of(const Index& i) {
    return i.media_type.empty() ? media_type::oci_index : std::string_view(i.media_type);
}
inline std::string_view media_type_of(const AnyManifest& any) {
    return std::visit([](const auto& v) { return media_type_of(v); }, any);
}

}  // namespace xbuild::oci
