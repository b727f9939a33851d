// xbuild/dockerfile/expand.hpp: Dockerfile words, expanded the way BuildKit's shell lexer does
// (frontend/dockerfile/shell: ProcessWord, ProcessWords, ProcessWordWithMatches) for the
// instructions that expand variables: FROM, ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER,
// VOLUME, WORKDIR, ARG, ONBUILD's and flags such as --platform, --from, --chown.
//
//   auto vars = [](std::string_view n) -> std::optional<std::string> {
//       if (n == "PWD") return "/home"; return std::nullopt; };
//   expand_word("he${XXX:-$PWD}'$x'", vars);            // "he/home$x"
//   expand_words("a \"b  c\" $X", vars);                 // {"a", "b  c"}  (X unset)
//   referenced_variables("--platform=$BUILDPLATFORM");  // {"BUILDPLATFORM"}
//
// What a word may contain:
//   $name ${name}   name is [A-Za-z_][A-Za-z0-9_]*, all digits ($12), or one of @ * # ? - $ ! ;
//                   a $ followed by anything else is a literal $. Unset expands to "".
//   ${name:-word}   word if name is unset or empty     ${name-word}  word if unset
//   ${name:+word}   word if name is set and non-empty  ${name+word}  word if set
//   ${name:?msg}    error "name: msg" if unset or empty; ${name?msg} if unset (empty msg:
//                   "name: is not allowed to be unset" / "... to be empty")
//   ${name#pat} ${name##pat}  remove the shortest / longest prefix matching pat
//   ${name%pat} ${name%%pat}  remove the shortest / longest suffix matching pat
//   ${name/pat/repl} ${name//pat/repl}  replace the first / every (leftmost, longest) match
//   Patterns know * and ? (neither matches a newline) and \* \? \\ escapes; [ is literal, as in
//   BuildKit. Every word, pattern and replacement is itself expanded (${a:-${b:-c}}).
//   'single'        literal: no expansion, no escapes
//   "double"        expansion; the escape char escapes only " $ and itself, else stays
//   \c              outside quotes: c literally (an escape at the very end is dropped);
//                   with escape '`' (the Windows directive) a backslash is an ordinary char
//
// Differences from BuildKit, on purpose or for lack of Unicode tables: names are ASCII only
// (BuildKit also takes non-ASCII letters and digits); invalid UTF-8 passes through unchanged
// (BuildKit turns it into U+FFFD); the replacement in ${name//pat/repl} is inserted literally
// (BuildKit's regexp would expand $1 in it) and has its escapes processed.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xbuild::dockerfile {

// The variables visible at a point of the Dockerfile: name -> value. nullopt means unset, ""
// means set to empty. An empty std::function means nothing is set.
using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;

// A word that cannot be expanded. The message names the bad part, e.g.
//   missing '}' in '${FOO'               bad substitution '${}'
//   unsupported modifier ':=' in '${A:=b}'   X: msg  (from ${X:?msg})
//   unexpected end of statement while looking for matching double-quote in '"abc'
//   invalid pattern 'a\q' in '${v#a\q}': invalid escape '\q'
class ExpandError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

struct ExpandOptions {
    char escape = '\\';           // the Dockerfile's escape directive: '\\' or '`'
    bool skip_unset_env = false;  // keep $x, ${x}, ${x:-w}... as text when x is unset (and
                                  // raise no ${x?} error), to leave unknown build args alone
    // BuildKit's RawQuotes and RawEscapes, which its parser sets to find heredoc markers: keep the
    // quotes, and the escape chars, in the result ("'a'\\ b" stays so, as one word).
    bool raw_quotes = false, raw_escapes = false;
    // Results longer than this are an error: a few nested ${v//?/$v} would grow without bound.
    std::size_t max_length = std::size_t {1} << 20;
};

// One word: quotes removed, escapes processed, variables expanded. Throws ExpandError.
std::string expand_word(std::string_view word, const VarLookup& vars, const ExpandOptions& = {});

// The words of `text` after expansion, split on unquoted white space (no empty words). As in
// BuildKit, an unquoted expansion is split too ("a${X}b" with X="1 2" gives "a1", "2b") and a
// quoted one is not. Throws ExpandError.
std::vector<std::string> expand_words(std::string_view text, const VarLookup& vars, const ExpandOptions& = {});

// The names a word looks up when expanded, in order of appearance, each once (also the special
// ones such as "1" or "@"; none inside single quotes or escaped). Throws ExpandError when the word
// is malformed; succeeds whenever expand_word would.
std::vector<std::string> referenced_variables(std::string_view word, const ExpandOptions& = {});

}  // namespace xbuild::dockerfile

#include "impl/expand.inl"
