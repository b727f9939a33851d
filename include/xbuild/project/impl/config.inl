// Implementation of xbuild/project/config.hpp.
#pragma once

#include <cerrno>
#include <cstring>
#include <limits>
#include <system_error>

#include "../../fs.hpp"
#include "../../platform.hpp"
#include "config_reader.inl"
#include "config_toml_shield.inl"

namespace xbuild::project {

inline ConfigError::ConfigError(std::string source, unsigned line, unsigned column, std::string message)
    : std::runtime_error(line == 0 ? source + ": " + message
                         : column == 0
                             ? source + ":" + std::to_string(line) + ": " + message
                             : source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      source_(std::move(source)),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

inline unsigned ConfigError::line() const { return line_; }
inline unsigned ConfigError::column() const { return column_; }
inline const std::string& ConfigError::source() const { return source_; }
inline const std::string& ConfigError::message() const { return message_; }

inline const std::vector<std::string_view>& config_kinds() {
    static const std::vector<std::string_view> kinds = {"go",        "cargo", "cmake",  "meson",
                                                        "configure", "make",  "command"};
    return kinds;
}

namespace detail {

// The node of item i of a string-or-array value (the string itself when it is one).
inline const toml::node& item_at(const toml::node& node, std::size_t i) {
    return node.is_array() ? *node.as_array()->get(i) : node;
}

inline void read_go(const Reader& r, const toml::node& node, GoSettings& go) {
    static constexpr std::string_view keys[] = {"packages", "ldflags", "tags", "cgo", "flags"};
    for (const Entry& e : Reader::entries(r.table(node, "go"))) {
        std::string path = dotted("go", e.name());
        if (e.name() == "packages") go.packages = r.strings(*e.node, path);
        else if (e.name() == "ldflags") go.ldflags = r.string(*e.node, path);
        else if (e.name() == "tags") go.tags = r.strings(*e.node, path);
        else if (e.name() == "cgo") go.cgo = r.boolean(*e.node, path);
        else if (e.name() == "flags") go.flags = r.strings(*e.node, path);
        else r.unknown(e, "go", keys);
    }
}

inline void read_rust(const Reader& r, const toml::node& node, RustSettings& rust) {
    static constexpr std::string_view keys[] = {"profile", "features", "all-features", "no-default-features",
                                                "bins",    "flags"};
    for (const Entry& e : Reader::entries(r.table(node, "rust"))) {
        std::string path = dotted("rust", e.name());
        if (e.name() == "profile") {
            rust.profile = r.string(*e.node, path);
            if (rust.profile.empty()) r.fail(*e.node, path + ": empty; leave it out for release");
        } else if (e.name() == "features") rust.features = r.strings(*e.node, path);
        else if (e.name() == "all-features") rust.all_features = r.boolean(*e.node, path);
        else if (e.name() == "no-default-features") rust.no_default_features = r.boolean(*e.node, path);
        else if (e.name() == "bins") rust.bins = r.strings(*e.node, path);
        else if (e.name() == "flags") rust.flags = r.strings(*e.node, path);
        else r.unknown(e, "rust", keys);
    }
}

// [cmake] (with build-type), [meson], [configure], [make].
inline void read_tool(const Reader& r, const toml::node& node, std::string_view tool, ToolSettings& settings,
                      std::string* build_type = nullptr) {
    static constexpr std::string_view cmake_keys[] = {"args", "build-type"};
    static constexpr std::string_view keys[] = {"args"};
    for (const Entry& e : Reader::entries(r.table(node, tool))) {
        std::string path = dotted(tool, e.name());
        if (e.name() == "args") settings.args = r.strings(*e.node, path);
        else if (build_type && e.name() == "build-type") {
            *build_type = r.string(*e.node, path);
            if (build_type->empty()) r.fail(*e.node, path + ": empty; leave it out for Release");
        } else if (build_type) r.unknown(e, tool, cmake_keys);
        else r.unknown(e, tool, keys);
    }
}

inline void read_artifacts(const Reader& r, const toml::node& node, ArtifactSettings& artifacts) {
    static constexpr std::string_view keys[] = {"include", "exclude"};
    for (const Entry& e : Reader::entries(r.table(node, "artifacts"))) {
        std::string path = dotted("artifacts", e.name());
        if (e.name() == "include") artifacts.include = r.strings(*e.node, path);
        else if (e.name() == "exclude") artifacts.exclude = r.strings(*e.node, path);
        else r.unknown(e, "artifacts", keys);
    }
}

// image.ports: strings as written, integers (1-65535) as "N/tcp".
inline std::vector<std::string> read_ports(const Reader& r, const toml::node& node) {
    auto* array = node.as_array();
    if (!array) r.wrong_type(node, "image.ports", "an array of strings or integers");
    std::vector<std::string> ports;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        std::string path = "image.ports[" + std::to_string(i) + "]";
        if (auto* s = item.as_string()) {
            if (s->get().empty()) r.fail(item, path + ": empty");
            ports.push_back(s->get());
        } else if (auto* n = item.as_integer()) {
            if (n->get() < 1 || n->get() > 65535)
                r.fail(item, path + ": port " + std::to_string(n->get()) + " is not in 1-65535");
            ports.push_back(std::to_string(n->get()) + "/tcp");
        } else r.wrong_type(item, path, "a string or an integer");
    }
    return ports;
}

inline void read_image(const Reader& r, const toml::node& node, ImageSettings& image) {
    static constexpr std::string_view keys[] = {"base",   "path", "entrypoint", "cmd",  "env",
                                                "labels", "user", "workdir",    "ports"};
    for (const Entry& e : Reader::entries(r.table(node, "image"))) {
        std::string path = dotted("image", e.name());
        if (e.name() == "base") image.base = r.string(*e.node, path);
        else if (e.name() == "path") image.path = r.string(*e.node, path);
        else if (e.name() == "entrypoint") image.entrypoint = r.strings(*e.node, path, true);
        else if (e.name() == "cmd") image.cmd = r.strings(*e.node, path, true);
        else if (e.name() == "env") image.env = r.string_table(*e.node, path);
        else if (e.name() == "labels") {
            image.labels.clear();
            for (auto& [k, v] : r.string_table(*e.node, path)) image.labels[k] = std::move(v);
        } else if (e.name() == "user") image.user = r.string(*e.node, path);
        else if (e.name() == "workdir") image.workdir = r.string(*e.node, path);
        else if (e.name() == "ports") image.ports = read_ports(r, *e.node);
        else r.unknown(e, "image", keys);
    }
}

inline std::vector<std::string> read_platforms(const Reader& r, const toml::node& node) {
    std::vector<std::string> platforms = r.strings(node, "platforms", true);
    if (platforms.empty()) r.fail(node, "platforms: empty; list at least one platform, or leave the key out");
    for (std::size_t i = 0; i < platforms.size(); ++i) {
        try {
            (void)parse_platform(platforms[i]);
        } catch (const PlatformError& err) {
            r.fail(item_at(node, i), "platforms[" + std::to_string(i) + "]: " + err.what());
        }
    }
    return platforms;
}

inline unsigned read_jobs(const Reader& r, const toml::node& node) {
    std::int64_t jobs = r.integer(node, "jobs");
    if (jobs < 1) r.fail(node, "jobs: must be at least 1, got " + std::to_string(jobs));
    if (jobs > std::numeric_limits<unsigned>::max()) r.fail(node, "jobs: " + std::to_string(jobs) + " is too large");
    return static_cast<unsigned>(jobs);
}

inline std::string read_kind(const Reader& r, const toml::node& node) {
    std::string kind = r.string(node, "kind");
    const auto& kinds = config_kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
        r.fail(node, "kind: unknown kind '" + kind + "'; valid kinds: " + join(kinds, ", ") +
                         " (leave it out to detect the kind)");
    return kind;
}

inline Config read_config(const Reader& r, const toml::table& root) {
    static constexpr std::string_view keys[] = {"platforms", "jobs", "fail-fast", "kind", "command", "output"};
    static constexpr std::string_view tables[] = {"go",        "rust", "cmake",     "meson",
                                                  "configure", "make", "artifacts", "image"};
    Config cfg;
    const toml::node* kind_node = nullptr;
    const toml::node* command_node = nullptr;
    for (const Entry& e : Reader::entries(root)) {
        std::string_view name = e.name();
        const toml::node& node = *e.node;
        if (name == "platforms") cfg.platforms = read_platforms(r, node);
        else if (name == "jobs") cfg.jobs = read_jobs(r, node);
        else if (name == "fail-fast") cfg.fail_fast = r.boolean(node, "fail-fast");
        else if (name == "kind") {
            cfg.kind = read_kind(r, node);
            kind_node = &node;
        } else if (name == "command") {
            cfg.command = r.strings(node, "command");
            command_node = &node;
        } else if (name == "output") {
            cfg.outputs = r.strings(node, "output", true);
            for (std::size_t i = 0; i < cfg.outputs.size(); ++i)
                if (cfg.outputs[i].empty())
                    r.fail(detail::item_at(node, i), "output[" + std::to_string(i) + "]: empty");
        } else if (name == "go") read_go(r, node, cfg.go);
        else if (name == "rust") read_rust(r, node, cfg.rust);
        else if (name == "cmake") read_tool(r, node, "cmake", cfg.cmake, &cfg.cmake_build_type);
        else if (name == "meson") read_tool(r, node, "meson", cfg.meson);
        else if (name == "configure") read_tool(r, node, "configure", cfg.configure);
        else if (name == "make") read_tool(r, node, "make", cfg.make);
        else if (name == "artifacts") read_artifacts(r, node, cfg.artifacts);
        else if (name == "image") read_image(r, node, cfg.image);
        else r.unknown(e, "", keys, tables);
    }
    // `command` alone means kind = "command"; with another kind it is a mistake.
    if (command_node) {
        if (cfg.command.empty() || cfg.command[0].empty())
            r.fail(*command_node, "command: needs a program to run (an array: [\"make\", \"dist\"])");
        if (cfg.kind.empty()) cfg.kind = "command";
        else if (cfg.kind != "command")
            r.fail(*command_node, "command: only for kind = \"command\", but kind is \"" + cfg.kind + "\"");
    } else if (cfg.kind == "command")
        r.fail(*kind_node, "kind: \"command\" needs command = [\"program\", \"arg\", ...]");
    return cfg;
}

}  // namespace detail

inline Config parse_config(std::string_view text, std::string_view source_name) {
    detail::Reader reader(source_name);
    const std::string shielded = detail::shield_toml(reader, text);
    try {
        toml::table root;
        try {
            root = toml::parse(shielded, source_name);
        } catch (const toml::parse_error& err) { reader.fail(err.source(), std::string(err.description())); }
        Config cfg = detail::read_config(reader, root);
        detail::unshield_config(cfg);
        return cfg;
    } catch (const ConfigError& e) {  // its message may quote the text: the characters back
        throw ConfigError(e.source(), e.line(), e.column(), detail::unshield(e.message()));
    }
}

inline std::optional<Config> load_config(const std::filesystem::path& project_dir) {
    std::filesystem::path file = project_dir / "xbuild.toml";
    std::error_code ec;
    auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
    if (ec) throw ConfigError(file.string(), 0, 0, "cannot read: " + ec.message());
    if (status.type() == std::filesystem::file_type::directory)
        throw ConfigError(file.string(), 0, 0, "cannot read: is a directory");
    errno = 0;
    auto text = read_file(file.string());
    if (!text)
        throw ConfigError(file.string(), 0, 0,
                          std::string("cannot read: ") + (errno ? std::strerror(errno) : "cannot open the file"));
    return parse_config(*text, file.string());
}

}  // namespace xbuild::project
