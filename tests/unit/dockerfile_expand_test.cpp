// Tests of xbuild/dockerfile/expand.hpp. Most rows come from BuildKit's own tables
// (frontend/dockerfile/shell/envVarTest and wordsTest); the rest cover the pattern forms,
// both escape characters, skip_unset_env, the exact error messages and the limits.
#include "xbuild/dockerfile/expand.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using xbuild::dockerfile::expand_word;
using xbuild::dockerfile::expand_words;
using xbuild::dockerfile::ExpandError;
using xbuild::dockerfile::ExpandOptions;
using xbuild::dockerfile::referenced_variables;
using xbuild::dockerfile::VarLookup;

namespace {

// BuildKit's test environment plus a few values for the pattern forms. NULL is set but empty.
const std::map<std::string, std::string, std::less<>>& test_env() {
    static const std::map<std::string, std::string, std::less<>> env = {
        {"PWD", "/home"},
        {"SHELL", "bash"},
        {"NULL", ""},
        {"9", "nine"},
        {"space", "abc  def"},
        {"leading", "  ab   c"},
        {"trailing", "ab   c   "},
        {"path", "/usr/local/bin/tool.tar.gz"},
        {"v", "banana"},
        {"pre", "ba"},
        {"star", "a*b"},
        {"nl", "ab\ncd"},
        {"u", "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94"},  // 안녕하세요
    };
    return env;
}

const VarLookup env = [](std::string_view name) -> std::optional<std::string> {
    auto it = test_env().find(name);
    if (it == test_env().end()) return std::nullopt;
    return it->second;
};

struct Case {
    const char* in;
    const char* out;
};

std::string result_of(std::string_view word, const ExpandOptions& opt = {}) {
    try {
        return expand_word(word, env, opt);
    } catch (const ExpandError& e) { return std::string("error: ") + e.what(); }
}

std::string words_of(std::string_view text, const ExpandOptions& opt = {}) {
    try {
        std::string joined;
        for (const std::string& w : expand_words(text, env, opt)) joined += "[" + w + "]";
        return joined;
    } catch (const ExpandError& e) { return std::string("error: ") + e.what(); }
}

std::string refs_of(std::string_view word, const ExpandOptions& opt = {}) {
    try {
        std::string joined;
        for (const std::string& n : referenced_variables(word, opt)) joined += (joined.empty() ? "" : ",") + n;
        return joined;
    } catch (const ExpandError& e) { return std::string("error: ") + e.what(); }
}

void check_table(const Case* begin, const Case* end, const ExpandOptions& opt = {}) {
    for (const Case* c = begin; c != end; ++c) {
        CAPTURE(c->in);
        CHECK(result_of(c->in, opt) == c->out);
    }
}

}  // namespace

TEST_CASE("expand_word: quotes, escapes and plain substitutions (BuildKit envVarTest)") {
    const Case cases[] = {
        {"hello", "hello"},
        {"he'll'o", "hello"},
        {"he\\'llo", "he'llo"},
        {"abc\\tdef", "abctdef"},
        {"\"abc\\tdef\"", "abc\\tdef"},
        {"\"abc\\\\tdef\"", "abc\\tdef"},
        {"'abc\\tdef'", "abc\\tdef"},
        {"hello\\", "hello"},
        {"hello\\\\", "hello\\"},
        {"\"hel'lo\"", "hel'lo"},
        {"'hello\\'", "hello\\"},
        {"'hello\\there'", "hello\\there"},
        {"'hello\\\\there'", "hello\\\\there"},
        {"\"''\"", "''"},
        {"$.", "$."},
        {"he$1x", "hex"},
        {"he$.x", "he$.x"},
        {"he$pwd.", "he."},
        {"he$PWD", "he/home"},
        {"he\\$PWD", "he$PWD"},
        {"he\\\\$PWD", "he\\/home"},
        {"\"he\\$PWD\"", "he$PWD"},
        {"\"he\\\\$PWD\"", "he\\/home"},
        {"\\${}", "${}"},
        {"\\${}aaa", "${}aaa"},
        {"he\\${}", "he${}"},
        {"he\\${}xx", "he${}xx"},
        {"he${hi}", "he"},
        {"he${hi}xx", "hexx"},
        {"he${PWD}", "he/home"},
        {"'he${XX}'", "he${XX}"},
        {"\"he${PWD}\"", "he/home"},
        {"\"he'$PWD'\"", "he'/home'"},
        {"\"$PWD\"", "/home"},
        {"'$PWD'", "$PWD"},
        {"'\\$PWD'", "\\$PWD"},
        {"'\"hello\"'", "\"hello\""},
        {"'he\\$PWD'", "he\\$PWD"},
        {"\xec\x95\x88'\xeb\x85\x95'\xed\x95\x98", "\xec\x95\x88\xeb\x85\x95\xed\x95\x98"},
        {"\xec\x95\x88\\'\xeb\x85\x95", "\xec\x95\x88'\xeb\x85\x95"},
        {"\"\xec\x95\x88\\t\xeb\x85\x95\"", "\xec\x95\x88\\t\xeb\x85\x95"},
        // Beyond BuildKit's table.
        {"", ""},
        {"$", "$"},
        {"a$ b", "a$ b"},
        {"$\"PWD\"", "$PWD"},
        {"$PWD$PWD", "/home/home"},
        {"$PWD.x", "/home.x"},
        {"$PWDx", ""},
        {"$9x", "ninex"},
        {"$99", ""},  // digits are read as one name
        {"${9}", "nine"},
        {"$$x", "x"},  // special parameters are names too, and unset
        {"a$@b$*c$#d$?e$-f$!g", "abcdefg"},
        {"${#}", ""},
        {"\"a\\b\"", "a\\b"},  // in double quotes other escapes stay
        {"\"a\\\"b\"", "a\"b"},
        {"\\\"a\\\"", "\"a\""},
        {"a\\ b", "a b"},
        {"\"${PWD}'\"'x'", "/home'x"},
        {"\"$\"", "$"},
    };
    check_table(std::begin(cases), std::end(cases));
}

TEST_CASE("expand_word: defaults, alternatives and required values") {
    const Case cases[] = {
        {"he${XXX:-000}xx", "he000xx"},
        {"he${PWD:-000}xx", "he/homexx"},
        {"he${XXX:-$PWD}xx", "he/homexx"},
        {"he${XXX:-${PWD:-yyy}}xx", "he/homexx"},
        {"he${XXX:-${YYY:-yyy}}xx", "heyyyxx"},
        {"he${PWD?}", "he/home"},
        {"he${PWD:?}", "he/home"},
        {"he${NULL?}", "he"},
        {"he${XXX:+${PWD}}xx", "hexx"},
        {"he${PWD:+${XXX}}xx", "hexx"},
        {"he${PWD:+${SHELL}}xx", "hebashxx"},
        {"he${XXX:+000}xx", "hexx"},
        {"he${PWD:+000}xx", "he000xx"},
        {"he${PWD:+${PWD}:}xx", "he/home:xx"},
        {"he${XXX:-\\$PWD:}xx", "he$PWD:xx"},
        {"he${XXX:-\\${PWD}z}xx", "he${PWDz}xx"},
        // Unset versus set-but-empty.
        {"${NULL-d}", ""},
        {"${NULL:-d}", "d"},
        {"${XXX-d}", "d"},
        {"${NULL+s}", "s"},
        {"${NULL:+s}", ""},
        {"${XXX+s}", ""},
        {"${XXX:-}", ""},
        {"${PWD:?oops}", "/home"},
        // The word is a full word of its own: quotes, escapes and a } that does not close.
        {"${XXX:-\"a b\"}", "a b"},
        {"${XXX:-'}'}", "}"},
        {"${XXX:-\\}}", "}"},
        {"${XXX:-\"}\"}", "}"},
        {"\"${XXX:-\"x\"}\"", "x"},
        {"\"${XXX:-a b}\"", "a b"},
        {"${XXX:-${YYY:-${ZZZ:-${PWD}}}}/x", "/home/x"},
        {"${XXX:-'$PWD'}", "$PWD"},
    };
    check_table(std::begin(cases), std::end(cases));
}

TEST_CASE("expand_word: prefix and suffix patterns") {
    const Case cases[] = {
        {"${path#*/}", "usr/local/bin/tool.tar.gz"},
        {"${path##*/}", "tool.tar.gz"},
        {"${path%/*}", "/usr/local/bin"},
        {"${path%%/*}", ""},
        {"${path%.*}", "/usr/local/bin/tool.tar"},
        {"${path%%.*}", "/usr/local/bin/tool"},
        {"${path#/usr}", "/local/bin/tool.tar.gz"},
        {"${path#nomatch}", "/usr/local/bin/tool.tar.gz"},
        {"${PWD#*/}", "home"},
        {"${PWD##*/}", "home"},
        {"${PWD%/*}", ""},
        {"${v#b?n}", "ana"},
        {"${v#*n}", "ana"},
        {"${v##*n}", "a"},
        {"${v%n*}", "bana"},
        {"${v%%n*}", "ba"},
        {"${v%a}", "banan"},
        {"${v%%a}", "banan"},
        {"${v#}", "banana"},
        {"${v##}", "banana"},
        {"${v#*}", "banana"},  // a lazy * matches nothing
        {"${v##*}", ""},
        {"${v%?}", "banan"},
        {"${v#b*a*n}", "ana"},
        {"${v##b*a*n}", "a"},
        {"${v#[b]}", "banana"},  // no bracket expressions, [ is literal
        {"${star#a\\*}", "b"},
        {"${star#a*}", "*b"},
        {"${star##a*}", ""},
        {"${star%\\*?}", "a"},
        {"${v#\"b\"}", "anana"},
        {"${v#'*'n}", "ana"},  // quotes do not make * literal (BuildKit)
        {"${v#$pre}", "nana"},
        {"${v%${pre#b}}", "banan"},
        {"${XXX#a}", ""},
        {"${nl##*}", "\ncd"},  // neither * nor ? matches a newline
        {"${nl%%*}", "ab\n"},
        {"${nl#ab?}", "ab\ncd"},
        {"${u#?}", "\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94"},  // ? is one character
        {"${u%??}", "\xec\x95\x88\xeb\x85\x95\xed\x95\x98"},
        {"${u##*\xed\x95\x98}", "\xec\x84\xb8\xec\x9a\x94"},
    };
    check_table(std::begin(cases), std::end(cases));
}

TEST_CASE("expand_word: replacements") {
    const Case cases[] = {
        {"${v/a/o}", "bonana"},
        {"${v//a/o}", "bonono"},
        {"${v//an/}", "ba"},
        {"${v/n*/X}", "baX"},  // leftmost, then longest
        {"${v//a*/X}", "bX"},
        {"${v//?/x}", "xxxxxx"},
        {"${v///-}", "-b-a-n-a-n-a-"},  // the empty pattern matches between characters
        {"${v//*/x}", "x"},
        {"${v/x/y}", "banana"},
        {"${v//[/x}", "banana"},
        {"${v//a/${pre}}", "bbanbanba"},
        {"${v/a/\\}}", "b}nana"},
        {"${v/#b/X}", "banana"},  // no # or % anchors: # is literal
        {"${path//\\//:}", ":usr:local:bin:tool.tar.gz"},
        {"${path/\\/usr/}", "/local/bin/tool.tar.gz"},
        {"${XXX//a/b}", ""},
        {"${nl//?/.}", "..\n.."},
        {"${u/?/x}", "x\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94"},
    };
    check_table(std::begin(cases), std::end(cases));
}

TEST_CASE("expand_word: errors name the bad part") {
    const Case cases[] = {
        {"he'llo", "error: unexpected end of statement while looking for matching single-quote in ''llo'"},
        {"he\\\\'llo", "error: unexpected end of statement while looking for matching single-quote in ''llo'"},
        {"'hello", "error: unexpected end of statement while looking for matching single-quote in ''hello'"},
        {"\"hello", "error: unexpected end of statement while looking for matching double-quote in '\"hello'"},
        {"\"hello\\\"", "error: unexpected end of statement while looking for matching double-quote in '\"hello\\\"'"},
        {"${}", "error: bad substitution '${}'"},
        {"${}aaa", "error: bad substitution '${}'"},
        {"he${}xx", "error: bad substitution '${}'"},
        {"${{x}}", "error: bad substitution '${{x}'"},
        {"${:-x}", "error: bad substitution '${:-x}'"},
        {"he${.}", "error: unsupported modifier '.' in '${.}'"},
        {"${1abc}", "error: unsupported modifier 'a' in '${1abc}'"},
        {"he${XXX:YYY}", "error: unsupported modifier ':Y' in '${XXX:YYY}'"},
        {"he${PWD:=000}xx", "error: unsupported modifier ':=' in '${PWD:=000}'"},
        {"${PWD:#x}", "error: unsupported modifier ':#' in '${PWD:#x}'"},
        {"${PWD:%x}y", "error: unsupported modifier ':%' in '${PWD:%x}'"},
        {"${a:}b}", "error: unsupported modifier ':}' in '${a:}b}'"},
        {"he${XXX?}", "error: XXX: is not allowed to be unset"},
        {"he${XXX:?}", "error: XXX: is not allowed to be unset"},
        {"he${NULL:?}", "error: NULL: is not allowed to be empty"},
        {"${XXX?go away}", "error: XXX: go away"},
        {"${NULL:?must not be empty}", "error: NULL: must not be empty"},
        {"${XXX:?need $PWD}", "error: XXX: need /home"},
        {"${XXX:-${YYY?}}", "error: YYY: is not allowed to be unset"},
        {"${", "error: missing '}' in '${'"},
        {"${FOO", "error: missing '}' in '${FOO'"},
        {"he${PWD", "error: missing '}' in '${PWD'"},
        {"${a:", "error: missing '}' in '${a:'"},
        {"${a:}", "error: missing '}' in '${a:}'"},
        {"${a:-x", "error: missing '}' in '${a:-x'"},
        {"${a:-${b}", "error: missing '}' in '${a:-${b}'"},
        {"${a:-\"x}", "error: missing '}' in '${a:-\"x}'"},
        {"${a:-${XXX?}", "error: missing '}' in '${a:-${XXX?}'"},  // as BuildKit: the end wins
        {"\"${a\"", "error: unsupported modifier '\"' in '${a\"'"},
        {"${PWD/x}", "error: missing '/' in '${PWD/x}'"},
        {"${PWD/x/y", "error: missing '}' in '${PWD/x/y'"},
        {"${PWD#a\\q}", "error: invalid pattern 'a\\q' in '${PWD#a\\q}': invalid escape '\\q'"},
        {"${PWD//\\a/b}", "error: invalid pattern '\\a' in '${PWD//\\a/b}': invalid escape '\\a'"},
        {"${0123456789012345678901234567890123456789012345678901234567890123456789",
         "error: missing '}' in '${0123456789012345678901234567890123456789012345678901234...'"},
    };
    check_table(std::begin(cases), std::end(cases));
}

TEST_CASE("expand_word: the Windows escape character `") {
    ExpandOptions opt;
    opt.escape = '`';
    const Case cases[] = {
        {"C:\\path\\x", "C:\\path\\x"},
        {"a`$PWD", "a$PWD"},
        {"a\\$PWD", "a\\/home"},
        {"a`b", "ab"},
        {"a``", "a`"},
        {"trailing`", "trailing"},
        {"a` b", "a b"},
        {"\"a`\"b\"", "a\"b"},
        {"\"a`$PWD\"", "a$PWD"},
        {"\"a\\$PWD\"", "a\\/home"},
        {"\"a``b\"", "a`b"},
        {"\"a`b\"", "a`b"},
        {"\"a\\\"", "a\\"},
        {"${XXX:-`}}", "}"},
        {"${star#a\\*}", "b"},   // patterns always escape with a backslash
        {"${star#a`*}", "a*b"},  // the ` stays in the pattern, a literal
        {"'a`b'", "a`b"},
    };
    check_table(std::begin(cases), std::end(cases), opt);
}

TEST_CASE("expand_word: skip_unset_env keeps unknown variables as text") {
    ExpandOptions opt;
    opt.skip_unset_env = true;
    const Case cases[] = {
        {"$XXX", "$XXX"},
        {"${XXX}", "${XXX}"},
        {"a${XXX}b$PWD", "a${XXX}b/home"},
        {"$1", "$1"},
        {"$", "$"},
        {"${XXX:-d}", "${XXX:-d}"},
        {"${XXX:-\"a b\"}", "${XXX:-a b}"},  // the word is already processed, as in BuildKit
        {"${XXX?}", "${XXX?}"},
        {"${XXX:?m}", "${XXX:?m}"},
        {"${XXX##*/}", "${XXX##*/}"},
        {"${XXX%\\*}", "${XXX%\\*}"},
        {"${XXX/a/b}", "${XXX/a/b}"},
        {"${XXX//a/b}", "${XXX//a/b}"},
        {"${XXX:=x}", "${XXX:=x}"},  // unset: no modifier check either
        {"${NULL:-d}", "d"},
        {"${PWD:-$XXX}", "/home"},
        {"${YYY:-$XXX}", "${YYY:-$XXX}"},
        {"'$XXX'", "$XXX"},
        {"${PWD:=x}", "error: unsupported modifier ':=' in '${PWD:=x}'"},
        {"${XXX", "error: missing '}' in '${XXX'"},
    };
    check_table(std::begin(cases), std::end(cases), opt);
}

TEST_CASE("expand_words: split on unquoted blanks (BuildKit wordsTest)") {
    const Case cases[] = {
        {"hello", "[hello]"},
        {"hello${hi}bye", "[hellobye]"},
        {"hello${space}bye", "[helloabc][defbye]"},
        {"hello\"${space}\"bye", "[helloabc  defbye]"},
        {"hello \"${space}\"bye", "[hello][abc  defbye]"},
        {"hello${leading}def", "[hello][ab][cdef]"},
        {"hello\"${leading}\" def", "[hello  ab   c][def]"},
        {"hello\"${leading}\"", "[hello  ab   c]"},
        {"hello${leading}", "[hello][ab][c]"},
        {"hello${trailing}", "[helloab][c]"},
        {"hello${trailing}d", "[helloab][c][d]"},
        {"hello\"${trailing}\"d", "[helloab   c   d]"},
        {"hel\"lo${trailing}\"", "[helloab   c   ]"},
        {"hello\" there  \"", "[hello there  ]"},
        {"hello there     ", "[hello][there]"},
        {"hello\\ there", "[hello there]"},
        {"hello\" there", "error: unexpected end of statement while looking for matching double-quote in '\" there'"},
        {"hello\\\" there", "[hello\"][there]"},
        {"hello\"\\\\there\"", "[hello\\there]"},
        {"hello\"\\there\"", "[hello\\there]"},
        {"hello'\\\\there'", "[hello\\\\there]"},
        {"hello'\\there'", "[hello\\there]"},
        {"hello'$there'", "[hello$there]"},
        // Beyond BuildKit's table.
        {"", ""},
        {" \t\r\n\v\f ", ""},
        {"\"\"", ""},  // an empty quoted word is no word
        {"a \"\" b", "[a][b]"},
        {"${space}", "[abc][def]"},
        {"\"${space}\"", "[abc  def]"},
        {"${XXX:-x  y}", "[x][y]"},
        {"'a  b'c", "[a  bc]"},
        {"a\xc2\xa0"
         "b",
         "[a][b]"},  // a no-break space splits (Go's unicode.IsSpace)
        {"a\\\xc2\xa0"
         "b",
         "[a\xc2\xa0"
         "b]"},  // unless escaped
        {"a\xe3\x80\x80"
         "b\xe2\x80\x83"
         "c",
         "[a][b][c]"},
        {"  lead trail  ", "[lead][trail]"},
        {"a\\", "[a]"},
        {"--platform=$BUILDPLATFORM --from=${stage:-build}", "[--platform=][--from=build]"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(words_of(c.in) == c.out);
    }
}

TEST_CASE("expand_words: raw_quotes and raw_escapes keep quotes and escapes (the parser's heredoc lexer)") {
    ExpandOptions both;
    both.raw_quotes = both.raw_escapes = true;
    CHECK(expand_words("a 'b c' \"d e\" f\\ g <<\"EOF\"", {}, both) ==
          std::vector<std::string> {"a", "'b c'", "\"d e\"", "f\\ g", "<<\"EOF\""});
    CHECK(expand_words("x$Y 'z'", {}, both) == std::vector<std::string> {"x", "'z'"});
    ExpandOptions quotes;
    quotes.raw_quotes = true;
    CHECK(expand_word("'a'\"b\\\"c\"\\d", {}, quotes) == "'a'\"b\"c\"d");
    ExpandOptions escapes;
    escapes.raw_escapes = true;
    CHECK(expand_word("'a'\"b\\\"c\"\\d", {}, escapes) == "ab\\\"c\\d");
    // BuildKit writes an escape that escapes nothing inside double quotes twice.
    CHECK(expand_word("\"a\\qb\"", {}, escapes) == "a\\\\qb");
    ExpandOptions skip = both;
    skip.skip_unset_env = true;
    CHECK(expand_words("$X '${Y}'", {}, skip) == std::vector<std::string> {"$X", "'${Y}'"});
    CHECK_THROWS_AS(expand_words("'open", {}, both), ExpandError);
}

TEST_CASE("referenced_variables: names in order, once") {
    const Case cases[] = {
        {"--platform=$BUILDPLATFORM", "BUILDPLATFORM"},
        {"${a:-${b}}$a", "a,b"},
        {"'$x'", ""},
        {"\\$x $y", "y"},
        {"\"$x\"", "x"},
        {"${x#$y}", "x,y"},
        {"${x//$y/$z}", "x,y,z"},
        {"$1$@", "1,@"},
        {"${a?${b}}", "a,b"},
        {"plain", ""},
        {"${XXX:?}", "XXX"},
        {"$a.b", "a"},
        {"${PWD}", "PWD"},
        {"$ ${}x", "error: bad substitution '${}'"},
        {"${a", "error: missing '}' in '${a'"},
        {"${a:#x}", "error: unsupported modifier ':#' in '${a:#x}'"},
        {"${a#\\q}", "a"},  // a pattern is only checked when it is applied
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(refs_of(c.in) == c.out);
    }
    ExpandOptions windows;
    windows.escape = '`';
    CHECK(refs_of("`$x $y \\$z", windows) == "y,z");
}

TEST_CASE("expand: limits and odd lookups") {
    SUBCASE("nesting is bounded") {
        const auto nested = [](int depth) {
            std::string s;
            for (int i = 0; i < depth; ++i) s += "${XXX:-";
            s += "x";
            for (int i = 0; i < depth; ++i) s += "}";
            return s;
        };
        CHECK(result_of(nested(64)) == "x");
        CHECK(result_of(nested(65)).starts_with("error: substitutions nested more than 64 deep in '${XXX:-x}"));
        CHECK(result_of(nested(100000)).starts_with("error: substitutions nested more than 64 deep"));
    }
    SUBCASE("results are bounded") {
        ExpandOptions opt;
        opt.max_length = 100;
        CHECK(result_of("${v//?/$v}", opt) ==
              "banana"
              "banana"
              "banana"
              "banana"
              "banana"
              "banana");
        CHECK(result_of("${v//?/${v//?/$v}}", opt) == "error: expansion longer than 100 bytes");
        CHECK(result_of(std::string(101, 'x'), opt) == "error: expansion longer than 100 bytes");
        CHECK(result_of(std::string(100, 'x'), opt) == std::string(100, 'x'));
    }
    SUBCASE("no variables at all") {
        CHECK(expand_word("a${X:-b}$Y", VarLookup {}) == "ab");
        CHECK(expand_words("a $X b", VarLookup {}) == std::vector<std::string> {"a", "b"});
    }
    SUBCASE("the lookup sees names only, never an empty one") {
        std::vector<std::string> asked;
        const VarLookup spy = [&](std::string_view name) -> std::optional<std::string> {
            asked.emplace_back(name);
            return std::nullopt;
        };
        CHECK(expand_word("${+x}${a:-$b}'$c'", spy) == "$c");
        CHECK(asked == std::vector<std::string> {"b", "a"});
    }
    SUBCASE("long input stays fast") {
        std::string many;
        for (int i = 0; i < 20000; ++i) many += "$v ${path##*/} ";
        CHECK(expand_words(many, env).size() == 40000);
        const std::string stars(2000, '*');
        CHECK(result_of("${path%%" + stars + "x}") == "/usr/local/bin/tool.tar.gz");
        CHECK(result_of("${path//" + std::string(3000, '?') + "/x}") == "/usr/local/bin/tool.tar.gz");
    }
}
