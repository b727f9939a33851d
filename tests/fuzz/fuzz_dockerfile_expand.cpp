// libFuzzer target: Dockerfile words and variable expansion, the text a Dockerfile author (or
// a build arg) controls. The first line is the word; each further line sets a variable
// (NAME=value, or NAME alone for set-but-empty), or is `#escape=`` (the Windows escape) or
// `#skip` (skip_unset_env). The whole input is expanded as well, newlines and all.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "xbuild/dockerfile/expand.hpp"

namespace xd = xbuild::dockerfile;

namespace {

bool has_any_of(std::string_view s, std::string_view chars) { return s.find_first_of(chars) != std::string_view::npos; }

bool is_ascii_blank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t eol = text.find('\n');
    const std::string_view word = text.substr(0, eol);

    std::map<std::string, std::string, std::less<>> vars;
    xd::ExpandOptions opt;
    opt.max_length = 1 << 16;
    for (std::string_view rest = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
         !rest.empty();) {
        const std::size_t end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (line == "#escape=`") {
            opt.escape = '`';
        } else if (line == "#skip") {
            opt.skip_unset_env = true;
        } else {
            const std::size_t eq = line.find('=');
            vars[std::string(line.substr(0, eq))] =
                eq == std::string_view::npos ? "" : std::string(line.substr(eq + 1));
        }
    }
    std::vector<std::string> asked;
    const xd::VarLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
        if (name.empty()) __builtin_trap();  // never asked for a nameless variable
        asked.emplace_back(name);
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };

    bool word_ok = true;
    std::string expanded;
    try {
        expanded = xd::expand_word(word, lookup, opt);
        if (expanded.size() > opt.max_length) __builtin_trap();
    } catch (const xd::ExpandError&) { word_ok = false; }

    // The same lexer run: expand_words fails exactly when expand_word does.
    bool words_ok = true;
    std::vector<std::string> words;
    try {
        words = xd::expand_words(word, lookup, opt);
    } catch (const xd::ExpandError&) { words_ok = false; }
    if (words_ok != word_ok) __builtin_trap();
    for (const std::string& w : words)
        if (w.empty()) __builtin_trap();
    bool blank = true;
    for (char c : word) blank = blank && is_ascii_blank(c);
    if (blank && !words.empty()) __builtin_trap();

    // Text without anything to process comes back unchanged, and its words are the blank-separated
    // parts (ASCII only: other white space splits too).
    const std::string special = std::string("$'\"\\") + opt.escape;
    bool ascii = true;
    for (char c : word) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (!has_any_of(word, special) && word.size() <= opt.max_length) {
        if (!word_ok || expanded != word) __builtin_trap();
        if (ascii) {
            std::string joined, squeezed;
            for (const std::string& w : words) joined += w;
            for (char c : word)
                if (!is_ascii_blank(c)) squeezed += c;
            if (joined != squeezed) __builtin_trap();
        }
    }

    // Whatever expands names only variables referenced_variables reports.
    try {
        const std::vector<std::string> refs = xd::referenced_variables(word, opt);
        for (const std::string& name : asked) {
            bool found = false;
            for (const std::string& r : refs) found = found || r == name;
            if (!found) __builtin_trap();
        }
    } catch (const xd::ExpandError&) {
        if (word_ok) __builtin_trap();
    }

    // The whole input, newlines included, with and without the variables.
    try {
        (void)xd::expand_words(text, lookup, opt);
    } catch (const xd::ExpandError&) {}
    try {
        xd::ExpandOptions skip = opt;
        skip.skip_unset_env = !opt.skip_unset_env;
        (void)xd::expand_word(text, xd::VarLookup {}, skip);
    } catch (const xd::ExpandError&) {}
    return 0;
}
