// Part of the implementation of xbuild/project/config.hpp: typed reads of toml++ nodes that turn
// every mismatch into a ConfigError at the node's line and column, named by its dotted path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// toml++ header-only (its default; stated so that no -DTOML_HEADER_ONLY=0 from a .pc file sneaks in
// unnoticed): nothing to link, and the fuzz build instruments the parser too.
#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 1
#endif
#include <toml++/toml.h>

#include "../../strings.hpp"

namespace xbuild::project::detail {

// "integer", "array", ... as the messages say them.
inline std::string_view toml_type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table: return "table";
        case toml::node_type::array: return "array";
        case toml::node_type::string: return "string";
        case toml::node_type::integer: return "integer";
        case toml::node_type::floating_point: return "float";
        case toml::node_type::boolean: return "boolean";
        case toml::node_type::date: return "date";
        case toml::node_type::time: return "time";
        case toml::node_type::date_time: return "date-time";
        default: return "nothing";
    }
}

// "go" + "tags" -> "go.tags"; "" + "jobs" -> "jobs".
inline std::string dotted(std::string_view table_path, std::string_view key) {
    return table_path.empty() ? std::string(key) : std::string(table_path) + "." + std::string(key);
}

// One key of a table with its value, in file order.
struct Entry {
    const toml::key* key;
    const toml::node* node;
    std::string_view name() const { return key->str(); }
};

// Reads nodes for one source (the name messages start with).
class Reader {
   public:
    explicit Reader(std::string_view source) : source_(source) {}

    [[noreturn]] void fail(const toml::source_region& at, std::string message) const {
        throw ConfigError(source_, at.begin.line, at.begin.column, std::move(message));
    }
    [[noreturn]] void fail(const toml::node& at, std::string message) const { fail(at.source(), std::move(message)); }

    // "go.tags: expected an array of strings, got integer"
    [[noreturn]] void wrong_type(const toml::node& node, std::string_view path, std::string_view expected) const {
        fail(node,
             std::string(path) + ": expected " + std::string(expected) + ", got " + std::string(toml_type_name(node)));
    }

    // A table's entries sorted by where their keys stand, so that the first error reported is the
    // first in the file (toml++ keeps keys in name order).
    static std::vector<Entry> entries(const toml::table& table) {
        std::vector<Entry> out;
        for (auto&& [key, node] : table) out.push_back({&key, &node});
        std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
            const auto& x = a.key->source().begin;
            const auto& y = b.key->source().begin;
            return std::pair(x.line, x.column) < std::pair(y.line, y.column);
        });
        return out;
    }

    // An unknown key or table: its dotted path and the valid keys of `table_path` ("" = the top).
    [[noreturn]] void unknown(const Entry& e, std::string_view table_path, std::span<const std::string_view> keys,
                              std::span<const std::string_view> tables = {}) const {
        std::string name(e.name());
        std::string msg =
            std::string(e.node->is_table() ? "unknown table '" : "unknown key '") + dotted(table_path, name) + "'";
        std::string kebab = name;
        std::replace(kebab.begin(), kebab.end(), '_', '-');
        if (kebab != name && (std::find(keys.begin(), keys.end(), kebab) != keys.end() ||
                              std::find(tables.begin(), tables.end(), kebab) != tables.end()))
            msg += " (keys are kebab-case: did you mean '" + kebab + "'?)";
        msg += "; valid keys " +
               (table_path.empty() ? std::string("at the top") : "in [" + std::string(table_path) + "]") + ": " +
               join(keys, ", ");
        if (!tables.empty()) msg += "; tables: " + join(tables, ", ");
        fail(e.key->source(), std::move(msg));
    }

    std::string string(const toml::node& node, std::string_view path) const {
        if (auto* s = node.as_string()) return s->get();
        wrong_type(node, path, "a string");
    }

    bool boolean(const toml::node& node, std::string_view path) const {
        if (auto* b = node.as_boolean()) return b->get();
        wrong_type(node, path, "a boolean (true or false)");
    }

    std::int64_t integer(const toml::node& node, std::string_view path) const {
        if (auto* i = node.as_integer()) return i->get();
        wrong_type(node, path, "an integer");
    }

    const toml::table& table(const toml::node& node, std::string_view path) const {
        if (auto* t = node.as_table()) return *t;
        wrong_type(node, path, "a table");
    }

    // An array of strings; with `single_ok`, a lone string is a one-element list.
    std::vector<std::string> strings(const toml::node& node, std::string_view path, bool single_ok = false) const {
        if (single_ok)
            if (auto* s = node.as_string()) return {s->get()};
        auto* array = node.as_array();
        if (!array) wrong_type(node, path, single_ok ? "a string or an array of strings" : "an array of strings");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::node& item = *array->get(i);
            if (auto* s = item.as_string()) out.push_back(s->get());
            else wrong_type(item, std::string(path) + "[" + std::to_string(i) + "]", "a string");
        }
        return out;
    }

    // A table whose values are all strings, in file order.
    std::vector<std::pair<std::string, std::string>> string_table(const toml::node& node, std::string_view path) const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const Entry& e : entries(table(node, path))) {
            std::string item_path = dotted(path, e.name());
            if (e.node->is_table())
                fail(*e.node, item_path +
                                  ": expected a string, got table (quote a key that holds dots: "
                                  "\"org.opencontainers.image.title\" = \"...\")");
            out.emplace_back(e.name(), string(*e.node, item_path));
        }
        return out;
    }

   private:
    std::string source_;
};

}  // namespace xbuild::project::detail
