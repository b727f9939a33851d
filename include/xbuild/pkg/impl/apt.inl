// Implementation of xbuild/pkg/apt.hpp.
#pragma once

#include <algorithm>
#include <charconv>

#include "../../strings.hpp"

namespace xbuild::pkg {

namespace detail {

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
inline bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <class List>
bool contains(const List& list, std::string_view s) {
    return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

// Whitespace-separated words.
inline std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
        std::size_t start = i;
        while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
        if (i > start) out.emplace_back(s.substr(start, i - start));
    }
    return out;
}

// apt-get options that take the next argument as their value (unless given as --opt=value).
inline bool apt_option_takes_value(std::string_view a) {
    if (a.size() == 2 && a[0] == '-' && a[1] != '-')
        return std::string_view("otcaP").find(a[1]) != std::string_view::npos;
    static constexpr std::string_view long_with_value[] = {
        "--option",         "--target-release", "--default-release", "--config-file", "--host-architecture",
        "--build-profiles", "--solver",         "--planner"};
    return contains(long_with_value, a);
}

inline constexpr std::string_view c_essentials = "xx-c-essentials";
inline constexpr std::string_view cxx_essentials = "xx-cxx-essentials";
// Asked for when cross-compiling: the host's cross toolchain packages, <name>-<triple>.
inline constexpr std::string_view cross_toolchain_packages[] = {"gcc", "g++", "binutils"};

inline bool is_meta(std::string_view p) { return p == c_essentials || p == cxx_essentials; }

// A .deb file rather than a package name.
inline bool is_file_operand(std::string_view p) {
    return starts_with(p, "/") || starts_with(p, "./") || starts_with(p, "../") || ends_with(p, ".deb");
}

// The name part of `name[=version]` / `name[/release]`.
inline std::size_t name_end(std::string_view p) {
    auto end = p.find_first_of("=/");
    return end == std::string_view::npos ? p.size() : end;
}

// Ubuntu's hosts.
enum class UbuntuHost { other, main, ports };
inline UbuntuHost ubuntu_host(std::string_view uri) {
    if (auto plus = uri.find('+'); plus != std::string_view::npos && plus < uri.find("://"))
        uri.remove_prefix(plus + 1);
    auto scheme = uri.find("://");
    if (scheme == std::string_view::npos) return UbuntuHost::other;
    uri.remove_prefix(scheme + 3);
    std::string host = to_lower(uri.substr(0, uri.find_first_of("/:")));
    if (host == "archive.ubuntu.com" || ends_with(host, ".archive.ubuntu.com") || host == "security.ubuntu.com")
        return UbuntuHost::main;
    if (host == "ports.ubuntu.com") return UbuntuHost::ports;
    return UbuntuHost::other;
}

inline constexpr std::string_view ports_uri = "http://ports.ubuntu.com/ubuntu-ports/";

inline bool on_ubuntu_main_archive(std::string_view debian_arch) {
    return contains(ubuntu_main_archive_arches(), debian_arch);
}

inline std::string ports_comment() {
    return "# Ubuntu's architectures other than " + join(ubuntu_main_archive_arches(), ", ") +
           " come from ports.ubuntu.com (added by xx-apt)";
}

// Text as lines, remembering whether it ended with a newline.
struct Lines {
    std::vector<std::string> lines;
    bool final_newline = true;
    explicit Lines(std::string_view text) {
        final_newline = text.empty() || text.back() == '\n';
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        if (!text.empty())
            for (auto l : split(text, '\n')) lines.emplace_back(l);
    }
    std::string str() const {
        std::string out = join(lines, "\n");
        if (!lines.empty() && final_newline) out += '\n';
        return out;
    }
};

// ---- one-line format ------------------------------------------------------------------------

struct OneLineEntry {
    std::string type;                  // deb, deb-src
    std::vector<std::string> options;  // inside [ ], e.g. arch=amd64 signed-by=/x
    std::string uri, suite;
    std::vector<std::string> components;
};

inline std::optional<OneLineEntry> parse_one_line(std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return std::nullopt;
    OneLineEntry e;
    auto sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return std::nullopt;
    e.type = std::string(line.substr(0, sp));
    if (e.type != "deb" && e.type != "deb-src") return std::nullopt;
    line = trim(line.substr(sp));
    if (!line.empty() && line.front() == '[') {
        auto close = line.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        e.options = words(line.substr(1, close - 1));
        line = trim(line.substr(close + 1));
    }
    auto rest = words(line);
    if (rest.size() < 2) return std::nullopt;
    e.uri = rest[0];
    e.suite = rest[1];
    e.components.assign(rest.begin() + 2, rest.end());
    return e;
}

inline std::string format_one_line(const OneLineEntry& e) {
    std::string out = e.type;
    if (!e.options.empty()) out += " [" + join(e.options, " ") + "]";
    out += " " + e.uri + " " + e.suite;
    for (const auto& c : e.components) out += " " + c;
    return out;
}

// Index of the arch option (arch=, arch+=, arch-=) in options, or -1.
inline int arch_option(const std::vector<std::string>& options) {
    for (std::size_t i = 0; i < options.size(); ++i)
        if (starts_with(options[i], "arch=") || starts_with(options[i], "arch+=") || starts_with(options[i], "arch-="))
            return static_cast<int>(i);
    return -1;
}

inline std::vector<std::string_view> arch_option_values(std::string_view option) {
    return split(option.substr(option.find('=') + 1), ',');
}

inline std::string fix_one_line(std::string_view text, std::string_view arch) {
    Lines doc(text);
    struct Needed {
        std::string suite, components;
        std::vector<std::string> options;  // the main entry's other options (signed-by, ...)
    };
    std::vector<Needed> needed;
    struct Ports {
        std::size_t line;
        OneLineEntry entry;
    };
    std::vector<Ports> ports;
    const std::string main_arches = join(ubuntu_main_archive_arches(), ",");

    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        auto e = parse_one_line(doc.lines[i]);
        if (!e || e->type != "deb") continue;
        UbuntuHost host = ubuntu_host(e->uri);
        if (host == UbuntuHost::ports) {
            ports.push_back({i, *e});
            continue;
        }
        if (host != UbuntuHost::main) continue;
        int a = arch_option(e->options);
        if (a < 0) {
            e->options.insert(e->options.begin(), "arch=" + main_arches);
            doc.lines[i] = format_one_line(*e);
        } else if (starts_with(e->options[a], "arch=") && contains(arch_option_values(e->options[a]), arch)) {
            continue;  // the user lists this architecture for the main archive: theirs to keep
        }
        std::vector<std::string> others;
        for (const auto& o : e->options)
            if (!starts_with(o, "arch")) others.push_back(o);
        std::string comps = join(e->components, " ");
        bool seen = std::any_of(needed.begin(), needed.end(),
                                [&](const Needed& n) { return n.suite == e->suite && n.components == comps; });
        if (!seen) needed.push_back({e->suite, comps, others});
    }

    std::vector<std::string> added;
    for (const Needed& n : needed) {
        Ports* match = nullptr;
        for (Ports& p : ports)
            if (p.entry.suite == n.suite && join(p.entry.components, " ") == n.components) match = &p;
        if (match) {
            int a = arch_option(match->entry.options);
            if (a < 0 || !starts_with(match->entry.options[a], "arch=")) continue;  // all architectures
            if (contains(arch_option_values(match->entry.options[a]), arch)) continue;
            match->entry.options[a] += "," + std::string(arch);
            doc.lines[match->line] = format_one_line(match->entry);
            continue;
        }
        OneLineEntry e {"deb", {"arch=" + std::string(arch)}, std::string(ports_uri), n.suite, words(n.components)};
        e.options.insert(e.options.end(), n.options.begin(), n.options.end());
        added.push_back(format_one_line(e));
    }
    if (!added.empty()) {
        doc.lines.push_back(ports_comment());
        doc.lines.insert(doc.lines.end(), added.begin(), added.end());
        doc.final_newline = true;
    }
    return doc.str();
}

// ---- deb822 format --------------------------------------------------------------------------

struct Field {
    std::string key;                  // as written
    std::size_t first = 0, last = 0;  // line range, inclusive (continuation lines included)
    std::string value;                // continuation lines joined with '\n'
};
struct Stanza {
    std::size_t first = 0, last = 0;  // line range, inclusive
    std::vector<Field> fields;
    const Field* field(std::string_view key) const {
        for (const Field& f : fields)
            if (to_lower(f.key) == to_lower(key)) return &f;
        return nullptr;
    }
    std::vector<std::string> list(std::string_view key) const {
        const Field* f = field(key);
        return f ? words(f->value) : std::vector<std::string> {};
    }
};

inline std::vector<Stanza> parse_deb822(const std::vector<std::string>& lines) {
    std::vector<Stanza> out;
    Stanza* cur = nullptr;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = lines[i];
        if (trim(l).empty()) {
            cur = nullptr;
            continue;
        }
        if (!cur) {
            out.emplace_back();
            cur = &out.back();
            cur->first = i;
        }
        cur->last = i;
        if (l.front() == '#') continue;
        if ((l.front() == ' ' || l.front() == '\t') && !cur->fields.empty()) {
            cur->fields.back().last = i;
            cur->fields.back().value += "\n" + std::string(trim(l));
            continue;
        }
        auto colon = l.find(':');
        if (colon == std::string_view::npos) continue;
        cur->fields.push_back({std::string(trim(l.substr(0, colon))), i, i, std::string(trim(l.substr(colon + 1)))});
    }
    // A stanza of comments only is no stanza.
    std::erase_if(out, [](const Stanza& s) { return s.fields.empty(); });
    return out;
}

inline bool enabled(const Stanza& s) {
    const Field* f = s.field("Enabled");
    return !f || to_lower(trim(f->value)) != "no";
}

inline std::string fix_deb822(std::string_view text, std::string_view arch) {
    Lines doc(text);
    const auto stanzas = parse_deb822(doc.lines);
    // Edits: replace lines [first, last] by `with` (applied from the bottom up).
    struct Edit {
        std::size_t first, last;
        std::vector<std::string> with;
    };
    std::vector<Edit> edits;
    struct Needed {
        std::string suites, components;
        const Stanza* from;
    };
    std::vector<Needed> needed;
    std::vector<const Stanza*> ports;
    const std::string main_arches = join(ubuntu_main_archive_arches(), " ");

    for (const Stanza& s : stanzas) {
        if (!enabled(s) || !contains(s.list("Types"), "deb")) continue;
        auto uris = s.list("URIs");
        bool main = std::any_of(uris.begin(), uris.end(),
                                [](const std::string& u) { return ubuntu_host(u) == UbuntuHost::main; });
        bool port = std::any_of(uris.begin(), uris.end(),
                                [](const std::string& u) { return ubuntu_host(u) == UbuntuHost::ports; });
        if (port && !main) {
            ports.push_back(&s);
            continue;
        }
        if (!main) continue;
        if (const Field* a = s.field("Architectures")) {
            if (contains(words(a->value), arch)) continue;  // the user's choice
        } else {
            // After the stanza's last field line, so comments after it stay put.
            const Field& last = s.fields.back();
            std::vector<std::string> with(doc.lines.begin() + last.first, doc.lines.begin() + last.last + 1);
            with.push_back("Architectures: " + main_arches);
            edits.push_back({last.first, last.last, with});
        }
        std::string suites = join(s.list("Suites"), " "), comps = join(s.list("Components"), " ");
        bool seen = std::any_of(needed.begin(), needed.end(),
                                [&](const Needed& n) { return n.suites == suites && n.components == comps; });
        if (!seen) needed.push_back({suites, comps, &s});
    }

    std::vector<std::string> added;
    for (const Needed& n : needed) {
        const Stanza* match = nullptr;
        for (const Stanza* p : ports)
            if (join(p->list("Suites"), " ") == n.suites && join(p->list("Components"), " ") == n.components) match = p;
        if (match) {
            const Field* a = match->field("Architectures");
            if (!a || contains(words(a->value), arch)) continue;
            bool already = std::any_of(edits.begin(), edits.end(), [&](const Edit& e) { return e.first == a->first; });
            if (already) continue;
            edits.push_back(
                {a->first, a->last, {a->key + ": " + join(words(a->value), " ") + " " + std::string(arch)}});
            continue;
        }
        added.push_back("");
        added.push_back(ports_comment());
        added.push_back("Types: deb");
        added.push_back("URIs: " + std::string(ports_uri));
        added.push_back("Suites: " + n.suites);
        added.push_back("Components: " + n.components);
        for (const Field& f : n.from->fields) {
            std::string key = to_lower(f.key);
            if (key == "types" || key == "uris" || key == "suites" || key == "components" || key == "architectures")
                continue;
            added.insert(added.end(), doc.lines.begin() + f.first, doc.lines.begin() + f.last + 1);
        }
        added.push_back("Architectures: " + std::string(arch));
    }

    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.first > b.first; });
    for (const Edit& e : edits) {
        doc.lines.erase(doc.lines.begin() + e.first, doc.lines.begin() + e.last + 1);
        doc.lines.insert(doc.lines.begin() + e.first, e.with.begin(), e.with.end());
    }
    if (!added.empty()) {
        if (doc.lines.empty() || trim(doc.lines.back()).empty()) added.erase(added.begin());
        doc.lines.insert(doc.lines.end(), added.begin(), added.end());
        doc.final_newline = true;
    }
    return doc.str();
}

}  // namespace detail

inline std::string_view program_name(AptTool tool) { return tool == AptTool::apt ? "apt" : "apt-get"; }

inline const std::string& AptArgs::command_name() const {
    static const std::string none;
    return command >= 0 ? args[command] : none;
}

inline AptArgs parse_apt_args(std::vector<std::string> args) {
    AptArgs out;
    out.operand.assign(args.size(), false);
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!options_done && a == "--") {
            options_done = true;
            continue;
        }
        if (!options_done && a.size() > 1 && a[0] == '-') {
            if (detail::apt_option_takes_value(a)) {
                if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
                ++i;
            }
            continue;
        }
        if (out.command < 0) out.command = static_cast<int>(i);
        else out.operand[i] = true;
    }
    out.args = std::move(args);
    return out;
}

inline bool apt_command_takes_packages(std::string_view command) {
    static constexpr std::string_view commands[] = {"install",    "reinstall", "remove",   "purge",
                                                    "autoremove", "autopurge", "download", "show",
                                                    "policy",     "depends",   "rdepends", "changelog"};
    return detail::contains(commands, command);
}

inline bool apt_command_needs_setup(std::string_view command) {
    // The queries too, as the shell helper: `xx-apt show zlib1g-dev` for a new architecture first
    // adds it and fetches its lists, so the answer is about the target's package.
    static constexpr std::string_view commands[] = {
        "update",  "upgrade", "dist-upgrade", "full-upgrade", "install", "reinstall", "download", "source", "build-dep",
        "satisfy", "remove",  "purge",        "show",         "search",  "list",      "info",     "policy"};
    return detail::contains(commands, command);
}

inline std::string newest_gcc_major(const AptPackages& packages) {
    int best = -1;
    for (auto it = packages.names.lower_bound("libgcc-"); it != packages.names.end(); ++it) {
        std::string_view n = *it;
        if (!detail::starts_with(n, "libgcc-")) break;
        if (!detail::ends_with(n, "-dev")) continue;
        std::string_view digits = n.substr(7, n.size() - 7 - 4);
        int v = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) best = std::max(best, v);
    }
    if (best >= 0) return std::to_string(best);
    return packages.gcc_major;
}

inline bool needs_package_names(const AptArgs& args, const TargetEnv& env, bool prefer_cross) {
    if (!apt_command_takes_packages(args.command_name())) return false;
    for (std::size_t i = 0; i < args.args.size(); ++i) {
        if (!args.operand[i]) continue;
        if (detail::is_meta(args.args[i])) return true;
        if (prefer_cross && env.is_cross()) return true;
    }
    return false;
}

inline std::vector<std::string> plan_apt_command(AptTool tool, const AptArgs& args, const TargetEnv& env,
                                                 const AptPackages& packages, bool prefer_cross) {
    std::vector<std::string> out {std::string(program_name(tool))};
    const std::string& cmd = args.command_name();
    const bool cross = env.is_cross();
    const bool packages_cmd = apt_command_takes_packages(cmd);
    std::string arch, triple;
    if (cross && (packages_cmd || cmd == "build-dep")) {
        arch = env.debian_arch();
        triple = env.triple();
    }

    // One name for the target: `:<arch>`, or the -<arch>-cross package when preferred and known.
    auto qualify = [&](std::string_view p) -> std::string {
        if (!cross) return std::string(p);
        const std::size_t end = detail::name_end(p);
        if (p.substr(0, end).find(':') != std::string_view::npos) return std::string(p);
        if (prefer_cross && end == p.size()) {
            std::string alt = std::string(p) + "-" + arch + "-cross";
            if (packages.names.contains(alt)) return alt;
        }
        return std::string(p.substr(0, end)) + ":" + arch + std::string(p.substr(end));
    };
    std::vector<std::string> expanded;  // names a meta name produced, to add each only once
    auto add_expanded = [&](const std::string& name) {
        std::string q = qualify(name);
        if (detail::contains(expanded, q)) return;
        expanded.push_back(q);
        out.push_back(q);
    };

    for (std::size_t i = 0; i < args.args.size(); ++i) {
        const std::string& a = args.args[i];
        if (static_cast<int>(i) == args.command && cross && cmd == "build-dep") {
            out.push_back(a);
            bool has_host_arch = std::any_of(args.args.begin(), args.args.end(), [](const std::string& s) {
                return s == "-a" || detail::starts_with(s, "--host-architecture");
            });
            if (!has_host_arch) out.insert(out.end(), {"-a", arch});
            continue;
        }
        if (!args.operand[i] || !packages_cmd || detail::is_file_operand(a)) {
            out.push_back(a);
            continue;
        }
        if (detail::is_meta(a)) {
            const std::string gcc = newest_gcc_major(packages);
            add_expanded("libc6-dev");
            if (!gcc.empty()) {
                add_expanded("libgcc-" + gcc + "-dev");
                if (a == detail::cxx_essentials) add_expanded("libstdc++-" + gcc + "-dev");
            }
            continue;
        }
        if (cross && detail::contains(detail::cross_toolchain_packages, a)) {
            out.push_back(a + "-" + triple);
            continue;
        }
        out.push_back(qualify(a));
    }
    return out;
}

// ---- sources ---------------------------------------------------------------------------------

inline SourceFormat source_format(std::string_view path) {
    return detail::ends_with(path, ".sources") ? SourceFormat::deb822 : SourceFormat::one_line;
}

inline bool has_entries(std::string_view text) {
    for (auto line : split(text, '\n')) {
        line = trim(line);
        if (!line.empty() && line.front() != '#') return true;
    }
    return false;
}

inline std::string fix_ubuntu_sources(std::string_view text, SourceFormat format, std::string_view debian_arch) {
    if (debian_arch.empty() || detail::on_ubuntu_main_archive(debian_arch)) return std::string(text);
    return format == SourceFormat::deb822 ? detail::fix_deb822(text, debian_arch)
                                          : detail::fix_one_line(text, debian_arch);
}

inline std::string main_source_file(const std::vector<SourceFile>& existing, std::string_view root,
                                    std::string_view distro) {
    const std::string etc = std::string(root) + "/etc/apt/";
    auto find = [&](const std::string& path) -> const SourceFile* {
        for (const SourceFile& f : existing)
            if (f.path == path) return &f;
        return nullptr;
    };
    const std::string list = etc + "sources.list";
    if (const SourceFile* f = find(list); f && has_entries(f->text)) return list;
    std::vector<std::string> candidates;
    if (!distro.empty()) candidates.push_back(etc + "sources.list.d/" + std::string(distro) + ".sources");
    candidates.push_back(etc + "sources.list.d/debian.sources");
    candidates.push_back(etc + "sources.list.d/ubuntu.sources");
    for (const auto& c : candidates)
        if (find(c)) return c;
    return find(list) ? list : std::string();
}

// ---- set-up ----------------------------------------------------------------------------------

inline bool has_package_lists(const std::vector<std::string>& list_files, std::string_view debian_arch) {
    const std::string needle = "binary-" + std::string(debian_arch) + "_Packages";
    return std::any_of(list_files.begin(), list_files.end(), [&](const std::string& f) {
        auto pos = f.find(needle);
        return pos != std::string::npos && (pos + needle.size() == f.size() || f[pos + needle.size()] == '.');
    });
}

inline AptSetup plan_apt_setup(const AptArgs& args, const TargetEnv& env, const AptSystem& system) {
    AptSetup setup;
    const std::string& cmd = args.command_name();
    if (!apt_command_needs_setup(cmd)) return setup;
    const bool cross = env.is_cross();
    std::string arch = cross || system.native_arch.empty() ? std::string(env.debian_arch()) : system.native_arch;

    if (cross && arch != system.native_arch && !detail::contains(system.foreign_archs, arch)) setup.add_arch = arch;
    if (cross && system.distro == "ubuntu" && !detail::on_ubuntu_main_archive(arch)) {
        for (const SourceFile& f : system.sources) {
            std::string fixed = fix_ubuntu_sources(f.text, source_format(f.path), arch);
            if (fixed != f.text) setup.new_sources.push_back({f.path, fixed});
        }
    }
    if (cmd != "update") {
        if (!setup.add_arch.empty()) setup.update_reason = "the " + arch + " architecture is new";
        else if (!setup.new_sources.empty()) setup.update_reason = "the sources are new for " + arch;
        else if (!has_package_lists(system.list_files, arch))
            setup.update_reason = "there are no package lists for " + arch + " yet";
        setup.update = !setup.update_reason.empty();
    }
    return setup;
}

inline std::vector<std::string> apt_update_errors(std::string_view update_output) {
    std::vector<std::string> out;
    for (auto line : split(update_output, '\n')) {
        line = trim(line);
        if (detail::starts_with(line, "Err:")) out.emplace_back(line);
    }
    return out;
}

}  // namespace xbuild::pkg
