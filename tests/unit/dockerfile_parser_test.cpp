// Tests of xbuild/dockerfile/parser.hpp: every instruction, directives, continuations, heredocs,
// the JSON form, positions (splicing) and the exact errors, then the examples' Dockerfiles.
#include "xbuild/dockerfile/parser.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "xbuild/strings.hpp"

namespace df = xbuild::dockerfile;

namespace {

// One instruction on one line: "2-4 RUN --mount=x json [a|b] <<EOF-'{body\n}" ; inner in {}.
std::string render(const df::Instruction& ins) {
    std::string s = std::to_string(ins.first_line) + "-" + std::to_string(ins.last_line) + " " + ins.keyword;
    for (const df::Flag& f : ins.flags) s += " --" + f.name + (f.value ? "=" + *f.value : "");
    if (ins.json_form) s += " json";
    s += " [" + xbuild::join(ins.args, "|") + "]";
    for (const df::Heredoc& h : ins.heredocs) {
        s += " <<" + h.delimiter + (h.strip_tabs ? "-" : "") + (h.quoted ? "'" : "") + "{";
        for (char c : h.content)
            s += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
        s += "}" + std::to_string(h.first_line) + "-" + std::to_string(h.last_line);
    }
    if (ins.inner) s += " {" + render(*ins.inner) + "}";
    return s;
}

// The whole file, one instruction a line, or "error: <what()>".
std::string render(std::string_view text) {
    try {
        std::vector<std::string> lines;
        for (const df::Instruction& ins : df::parse(text).instructions) lines.push_back(render(ins));
        return xbuild::join(lines, "\n");
    } catch (const df::ParseError& e) { return std::string("error: ") + e.what(); }
}

std::string error_of(std::string_view text, std::string_view filename = "Dockerfile") {
    try {
        df::parse(text, filename);
        return "parsed";
    } catch (const df::ParseError& e) { return e.what(); }
}

struct Case {
    const char* name;
    std::string_view in;
    std::string out;
};

void check_cases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CAPTURE(c.in);
        CHECK(render(c.in) == c.out);
    }
}

const std::string known =
    "ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, "
    "RUN, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR";

}  // namespace

TEST_CASE("dockerfile: every instruction") {
    check_cases({
        {"FROM", "FROM alpine:3.19\n", "1-1 FROM [alpine:3.19]"},
        {"FROM AS, flag", "FROM --platform=$BUILDPLATFORM golang:1.22 as build\n",
         "1-1 FROM --platform=$BUILDPLATFORM [golang:1.22|as|build]"},
        {"FROM words are not unquoted", "FROM \"a b\"\n", "1-1 FROM [\"a|b\"]"},
        {"keywords are case-insensitive", "from a\nRuN echo hi\nworkDir /x\n",
         "1-1 FROM [a]\n2-2 RUN [echo hi]\n3-3 WORKDIR [/x]"},
        {"RUN shell", "FROM a\nRUN apt-get update && apt-get install -y  x\n",
         "1-1 FROM [a]\n2-2 RUN [apt-get update && apt-get install -y  x]"},
        {"RUN exec", "FROM a\nRUN [\"sh\", \"-c\", \"echo hi\"]\n", "1-1 FROM [a]\n2-2 RUN json [sh|-c|echo hi]"},
        {"RUN no args", "FROM a\nRUN\n", "1-1 FROM [a]\n2-2 RUN []"},
        {"CMD exec", "FROM a\nCMD [ \"/bin/app\" , \"--port\",\"80\" ]\n",
         "1-1 FROM [a]\n2-2 CMD json [/bin/app|--port|80]"},
        {"CMD empty array", "FROM a\nCMD []\n", "1-1 FROM [a]\n2-2 CMD json []"},
        {"ENTRYPOINT shell", "FROM a\nENTRYPOINT exec /app \"$@\"\n",
         "1-1 FROM [a]\n2-2 ENTRYPOINT [exec /app \"$@\"]"},
        {"SHELL", "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
         "1-1 FROM [a]\n2-2 SHELL json [/bin/bash|-o|pipefail|-c]"},
        {"COPY words and flags", "FROM a\nCOPY --chown=app:app --link src/ \"b c\" /dst/\n",
         "1-1 FROM [a]\n2-2 COPY --chown=app:app --link [src/|\"b|c\"|/dst/]"},
        {"COPY exec keeps blanks", "FROM a\nCOPY [\"a b\", \"/c d/\"]\n", "1-1 FROM [a]\n2-2 COPY json [a b|/c d/]"},
        {"ADD", "FROM a\nADD --checksum=sha256:abc https://x/y.tgz /y/\n",
         "1-1 FROM [a]\n2-2 ADD --checksum=sha256:abc [https://x/y.tgz|/y/]"},
        {"VOLUME", "FROM a\nVOLUME /a /b\nVOLUME [\"/c\"]\n", "1-1 FROM [a]\n2-2 VOLUME [/a|/b]\n3-3 VOLUME json [/c]"},
        {"EXPOSE", "FROM a\nEXPOSE 80/tcp   443\n", "1-1 FROM [a]\n2-2 EXPOSE [80/tcp|443]"},
        {"USER WORKDIR STOPSIGNAL MAINTAINER",
         "FROM a\nUSER app:app\nWORKDIR /my dir\nSTOPSIGNAL SIGTERM\nMAINTAINER Jo Do <j@x.org>\n",
         "1-1 FROM [a]\n2-2 USER [app:app]\n3-3 WORKDIR [/my dir]\n4-4 STOPSIGNAL [SIGTERM]\n5-5 MAINTAINER [Jo Do "
         "<j@x.org>]"},
        {"ENV pairs keep quotes", "FROM a\nENV A=1 B=\"x y\" C='z' D= E=a\\ b\n",
         "1-1 FROM [a]\n2-2 ENV [A=1|B=\"x y\"|C='z'|D=|E=a\\ b]"},
        {"ENV legacy", "FROM a\nENV PATH  /usr/bin:/bin with  spaces\n",
         "1-1 FROM [a]\n2-2 ENV [PATH|/usr/bin:/bin with  spaces]"},
        {"LABEL", "FROM a\nLABEL \"org.x\"=\"v 1\" b=\"say \\\"hi\\\"\" c='it''s'\n",
         "1-1 FROM [a]\n2-2 LABEL [\"org.x\"=\"v 1\"|b=\"say \\\"hi\\\"\"|c='it''s']"},
        {"ARG", "ARG A\nARG B=1 C=\"x y\"\nFROM a\n", "1-1 ARG [A]\n2-2 ARG [B=1|C=\"x y\"]\n3-3 FROM [a]"},
        {"HEALTHCHECK shell", "FROM a\nHEALTHCHECK --interval=5s --retries=3 CMD curl -f http://x/ || exit 1\n",
         "1-1 FROM [a]\n2-2 HEALTHCHECK --interval=5s --retries=3 [CMD|curl -f http://x/ || exit 1]"},
        {"HEALTHCHECK exec", "FROM a\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://x/\"]\n",
         "1-1 FROM [a]\n2-2 HEALTHCHECK json [CMD|curl|-f|http://x/]"},
        {"HEALTHCHECK NONE", "FROM a\nHEALTHCHECK NONE\n", "1-1 FROM [a]\n2-2 HEALTHCHECK [NONE]"},
        {"ONBUILD", "FROM a\nONBUILD ADD . /app\nonbuild RUN [\"make\"]\n",
         "1-1 FROM [a]\n2-2 ONBUILD [] {2-2 ADD [.|/app]}\n3-3 ONBUILD [] {3-3 RUN json [make]}"},
        {"ONBUILD flags go to the trigger", "FROM a\nONBUILD RUN --mount=type=cache,target=/c make\n",
         "1-1 FROM [a]\n2-2 ONBUILD [] {2-2 RUN --mount=type=cache,target=/c [make]}"},
    });
}

TEST_CASE("dockerfile: flags") {
    check_cases({
        {"quoted value", "FROM a\nRUN --mount=type=cache,target=\"/a b\" --network=none echo hi\n",
         "1-1 FROM [a]\n2-2 RUN --mount=type=cache,target=/a b --network=none [echo hi]"},
        {"single quotes and escapes", "FROM a\nRUN --mount='type=secret,id=x y' --a=b\\ c true\n",
         "1-1 FROM [a]\n2-2 RUN --mount=type=secret,id=x y --a=b c [true]"},
        {"no value, empty value", "FROM a\nCOPY --link --chmod= a b\n", "1-1 FROM [a]\n2-2 COPY --link --chmod= [a|b]"},
        {"flags stop at the first other word", "FROM a\nRUN --x=1 -y --z\n", "1-1 FROM [a]\n2-2 RUN --x=1 [-y --z]"},
        {"a lone -- ends the flags and is dropped", "FROM a\nRUN --x -- --y echo\n",
         "1-1 FROM [a]\n2-2 RUN --x [--y echo]"},
        {"flags only", "FROM a\nRUN --network=host\n", "1-1 FROM [a]\n2-2 RUN --network=host []"},
    });
}

TEST_CASE("dockerfile: JSON form") {
    check_cases({
        {"escapes", "FROM a\nCMD [\"a\\\"b\", \"c\\\\d\", \"e\\/f\", \"\\b\\f\\n\\r\\t\"]\n",
         "1-1 FROM [a]\n2-2 CMD json [a\"b|c\\d|e/f|\b\f\n\r\t]"},
        {"\\u escapes and surrogate pairs", "FROM a\nCMD [\"\\u00e9\\u20AC\", \"\\ud83d\\ude00\", \"\\ud800x\"]\n",
         "1-1 FROM [a]\n2-2 CMD json [\xC3\xA9\xE2\x82\xAC|\xF0\x9F\x98\x80|\xEF\xBF\xBDx]"},
        {"invalid UTF-8 becomes U+FFFD", "FROM a\nCMD [\"a\xFF\"]\n", "1-1 FROM [a]\n2-2 CMD json [a\xEF\xBF\xBD]"},
        {"not JSON: shell form", "FROM a\nRUN [ -f /x ] && echo y\n", "1-1 FROM [a]\n2-2 RUN [[ -f /x ] && echo y]"},
        {"trailing comma: shell form", "FROM a\nCMD [\"a\",]\n", "1-1 FROM [a]\n2-2 CMD [[\"a\",]]"},
        {"single quotes: shell form", "FROM a\nCMD ['a']\n", "1-1 FROM [a]\n2-2 CMD [['a']]"},
        {"bad escape: shell form", "FROM a\nCMD [\"\\x\"]\n", "1-1 FROM [a]\n2-2 CMD [[\"\\x\"]]"},
        {"unterminated: shell form", "FROM a\nCMD [\"a\"\n", "1-1 FROM [a]\n2-2 CMD [[\"a\"]"},
        {"after the array is ignored, as Go's decoder does", "FROM a\nCMD [\"a\"] b\n",
         "1-1 FROM [a]\n2-2 CMD json [a]"},
        {"COPY not JSON: words", "FROM a\nCOPY [a] /b\n", "1-1 FROM [a]\n2-2 COPY [[a]|/b]"},
        {"not for other instructions", "FROM a\nWORKDIR [\"/a\"]\n", "1-1 FROM [a]\n2-2 WORKDIR [[\"/a\"]]"},
    });
    CHECK(error_of("FROM a\nCMD [\"a\", 1]\n") ==
          "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only");
    CHECK(error_of("FROM a\nCOPY [{\"a\": [true, null, -1.5e3]}, \"b\"]\n") ==
          "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only");
    // Nested past Go's depth limit is not JSON at all.
    CHECK(render("FROM a\nCMD [" + std::string(20000, '[') + "]\n").find("CMD [[") != std::string::npos);
}

TEST_CASE("dockerfile: comments, blank lines and continuations") {
    check_cases({
        {"comments and blank lines", "# top\n\nFROM a\n   # indented comment\n\n\tRUN x # not a comment\n",
         "3-3 FROM [a]\n6-6 RUN [x # not a comment]"},
        {"continuation keeps indentation", "FROM a\nRUN echo a \\\n    && echo b\n",
         "1-1 FROM [a]\n2-3 RUN [echo a     && echo b]"},
        {"comment and blank lines inside", "FROM a\nRUN a \\\n# comment\n\n  \\\n  # another\nb\nRUN c\n",
         "1-1 FROM [a]\n2-7 RUN [a   b]\n8-8 RUN [c]"},
        {"blanks after the escape", "FROM a\nRUN a \\  \t\nb\n", "1-1 FROM [a]\n2-3 RUN [a b]"},
        {"comment ending in the escape", "# a \\\nFROM a\n", "2-2 FROM [a]"},
        {"continued keyword", "FROM a\nRU\\\nN x\n", "1-1 FROM [a]\n2-3 RUN [x]"},
        {"continuation at end of file", "FROM a\nRUN x \\\n", "1-1 FROM [a]\n2-2 RUN [x]"},
        {"continuation then blank lines then EOF", "FROM a\nRUN x \\\n\n\n", "1-1 FROM [a]\n2-4 RUN [x]"},
        {"escape backtick", "# escape=`\nFROM a\nRUN dir c:\\ `\n  && copy c:\\a c:\\b\nCOPY c:\\src\\ c:\\dst\n",
         "2-2 FROM [a]\n3-4 RUN [dir c:\\   && copy c:\\a c:\\b]\n5-5 COPY [c:\\src\\|c:\\dst]"},
        {"escape backtick in words", "# escape=`\nFROM a\nENV A=x`\"y B=\"c:\\\"\n",
         "2-2 FROM [a]\n3-3 ENV [A=x`\"y|B=\"c:\\\"]"},
        {"no final newline", "FROM a\nRUN x", "1-1 FROM [a]\n2-2 RUN [x]"},
        {"CRLF", "FROM a\r\nRUN x \\\r\n  y\r\nCMD [\"z\"]\r\n", "1-1 FROM [a]\n2-3 RUN [x   y]\n4-4 CMD json [z]"},
        {"BOM", "\xEF\xBB\xBF# syntax=x\nFROM a\n", "2-2 FROM [a]"},
        {"tabs", "FROM\ta\nRUN\t--x=1\techo\thi\n", "1-1 FROM [a]\n2-2 RUN --x=1 [echo\thi]"},
    });
}

TEST_CASE("dockerfile: directives") {
    struct DCase {
        std::string_view in;
        const char* directives;
        char escape;
    };
    const DCase cases[] = {
        {"# syntax=docker/dockerfile:1\nFROM a\n", "syntax=docker/dockerfile:1@1", '\\'},
        {"#syntax=x\n# escape=`\n#   check = skip=JSONArgsRecommended;error=true  \nFROM a\n",
         "syntax=x@1 escape=`@2 check=skip=JSONArgsRecommended;error=true@3", '`'},
        {"# SYNTAX = x \n#Escape=\\\nFROM a\n", "syntax=x@1 escape=\\@2", '\\'},
        {"\n# syntax=x\nFROM a\n", "", '\\'},           // after a blank line: a comment
        {"# hello\n# syntax=x\nFROM a\n", "", '\\'},    // after a comment
        {"FROM a\n# syntax=x\n", "", '\\'},             // after an instruction
        {"# foo=bar\n# escape=`\nFROM a\n", "", '\\'},  // an unknown name ends them
        {"# syntax=x\n# foo=bar\n# escape=`\nFROM a\n", "syntax=x@1", '\\'},
        {"  # escape=`\nFROM a\n", "escape=`@1", '`'},
        {"# escape=\nFROM a\n", "", '\\'},  // no value: a comment
    };
    for (const DCase& c : cases) {
        CAPTURE(c.in);
        const df::Dockerfile d = df::parse(c.in);
        std::vector<std::string> got;
        for (const df::Directive& dir : d.directives)
            got.push_back(dir.name + "=" + dir.value + "@" + std::to_string(dir.line));
        CHECK(xbuild::join(got, " ") == c.directives);
        CHECK(d.escape == c.escape);
    }
}

TEST_CASE("dockerfile: heredocs") {
    check_cases({
        {"RUN <<EOF", "FROM a\nRUN <<EOF\necho hi\necho $HOME\nEOF\nRUN x\n",
         "1-1 FROM [a]\n2-5 RUN [<<EOF] <<EOF{echo hi\\necho $HOME\\n}3-5\n6-6 RUN [x]"},
        {"RUN <<EOF bash", "FROM a\nRUN <<EOF bash\nset -e\nEOF\n",
         "1-1 FROM [a]\n2-4 RUN [<<EOF bash] <<EOF{set -e\\n}3-4"},
        {"quoted '", "FROM a\nRUN python3 <<'EOF'\nprint(\"$x\")\nEOF\n",
         "1-1 FROM [a]\n2-4 RUN [python3 <<'EOF'] <<EOF'{print(\"$x\")\\n}3-4"},
        {"quoted \"", "FROM a\nRUN cat <<\"END\" > /f\nx\nEND\n",
         "1-1 FROM [a]\n2-4 RUN [cat <<\"END\" > /f] <<END'{x\\n}3-4"},
        {"<<- strips tabs", "FROM a\nRUN cat <<-EOT\n\tone\n\t\ttwo\n  three\n\tEOT\n",
         "1-1 FROM [a]\n2-6 RUN [cat <<-EOT] <<EOT-{one\\ntwo\\n  three\\n}3-6"},
        {"<< keeps tabs; the end line must match exactly", "FROM a\nRUN cat <<EOT\n\tx\n\tEOT\nEOT \nEOT\n",
         "1-1 FROM [a]\n2-6 RUN [cat <<EOT] <<EOT{\tx\\n\tEOT\\nEOT \\n}3-6"},
        {"COPY <<EOF /dest", "FROM a\nCOPY <<EOF /etc/app.conf\nkey=1\nEOF\n",
         "1-1 FROM [a]\n2-4 COPY [<<EOF|/etc/app.conf] <<EOF{key=1\\n}3-4"},
        {"ADD with flags", "FROM a\nADD --chmod=755 <<EOF /run.sh\n#!/bin/sh\nEOF\n",
         "1-1 FROM [a]\n2-4 ADD --chmod=755 [<<EOF|/run.sh] <<EOF{#!/bin/sh\\n}3-4"},
        {"two, in order", "FROM a\nRUN <<A <<B\na\nA\nb\nB\n",
         "1-1 FROM [a]\n2-6 RUN [<<A <<B] <<A{a\\n}3-4 <<B{b\\n}5-6"},
        {"COPY two files", "FROM a\nCOPY <<f1 <<f2 /d/\n1\nf1\n2\nf2\n",
         "1-1 FROM [a]\n2-6 COPY [<<f1|<<f2|/d/] <<f1{1\\n}3-4 <<f2{2\\n}5-6"},
        {"in the middle of a command", "FROM a\nRUN a <<EOF && b\nin\nEOF\n",
         "1-1 FROM [a]\n2-4 RUN [a <<EOF && b] <<EOF{in\\n}3-4"},
        {"body keeps comments and blank lines", "FROM a\nRUN <<EOF\n# not dropped\n\n  \\\nEOF\n",
         "1-1 FROM [a]\n2-6 RUN [<<EOF] <<EOF{# not dropped\\n\\n  \\\\n}3-6"},
        {"empty body", "FROM a\nRUN <<EOF\nEOF\n", "1-1 FROM [a]\n2-3 RUN [<<EOF] <<EOF{}3-3"},
        {"after a continuation", "FROM a\nRUN --mount=type=cache,target=/c \\\n  sh <<EOF\nx\nEOF\n",
         "1-1 FROM [a]\n2-5 RUN --mount=type=cache,target=/c [sh <<EOF] <<EOF{x\\n}4-5"},
        {"CRLF", "FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\nRUN y\r\n",
         "1-1 FROM [a]\n2-4 RUN [<<EOF] <<EOF{x\\r\\n}3-4\n5-5 RUN [y]"},
        {"file descriptor", "FROM a\nRUN cat 3<<EOF\nx\nEOF\n", "1-1 FROM [a]\n2-4 RUN [cat 3<<EOF] <<EOF{x\\n}3-4"},
        {"ONBUILD RUN", "FROM a\nONBUILD RUN <<EOF\nx\nEOF\n",
         "1-1 FROM [a]\n2-4 ONBUILD [] <<EOF{x\\n}3-4 {2-4 RUN [<<EOF] <<EOF{x\\n}3-4}"},
        {"arithmetic shift is not one", "FROM a\nRUN echo $((1<<2)) $(( 1 << 2 )) $(( 1<<2 ))\n",
         "1-1 FROM [a]\n2-2 RUN [echo $((1<<2)) $(( 1 << 2 )) $(( 1<<2 ))]"},
        {"quoted << is not one", "FROM a\nRUN echo \"<<EOF\" '<<EOF' x<<EOF\n",
         "1-1 FROM [a]\n2-2 RUN [echo \"<<EOF\" '<<EOF' x<<EOF]"},
        {"here-string is not one", "FROM a\nRUN cat <<<hi\n", "1-1 FROM [a]\n2-2 RUN [cat <<<hi]"},
        {"not in the exec form", "FROM a\nRUN [\"cat\", \"<<EOF\"]\nEOF\n",
         "error: Dockerfile:3: unknown instruction: EOF; known: " + known},
        {"not for other instructions", "FROM a\nENV A=<<EOF\nCMD cat <<EOF\n",
         "1-1 FROM [a]\n2-2 ENV [A=<<EOF]\n3-3 CMD [cat <<EOF]"},
        {"a line the shell lexer rejects has none", "FROM a\nRUN echo don't <<EOF\n",
         "1-1 FROM [a]\n2-2 RUN [echo don't <<EOF]"},
        // With every variable unset: <<$X is a bare <<, ${Y:-E F} splits into two words.
        {"variables are unset", "FROM a\nRUN cat <<$X <<${Y:-E F} <<G${Z}\nE\nG\n",
         "1-1 FROM [a]\n2-4 RUN [cat <<$X <<${Y:-E F} <<G${Z}] <<E{}3-3 <<G{}4-4"},
    });
}

TEST_CASE("dockerfile: errors name the file and line") {
    struct ECase {
        std::string_view in;
        std::string out;
    };
    const ECase cases[] = {
        {"FROM a\n\nFOO bar\n", "Dockerfile:3: unknown instruction: FOO; known: " + known},
        {"FROM a\nrunn \\\n x\n", "Dockerfile:2: unknown instruction: RUNN; known: " + known},
        {"# syntax=a\n# syntax=b\nFROM a\n", "Dockerfile:2: only one syntax parser directive can be used"},
        {"# escape=`\n# ESCAPE=`\nFROM a\n", "Dockerfile:2: only one escape parser directive can be used"},
        {"# escape=x\nFROM a\n", "Dockerfile:1: invalid escape token 'x' does not match ` or \\"},
        {"# escape=\\\\\nFROM a\n", "Dockerfile:1: invalid escape token '\\\\' does not match ` or \\"},
        {"FROM a\nRUN <<EOF\nnever closed\n", "Dockerfile:2: unterminated heredoc <<EOF"},
        {"FROM a\nRUN x \\\n && cat <<A <<-'B'\na\nA\nb\n", "Dockerfile:2: unterminated heredoc <<-'B'"},
        {"FROM a\nRUN <<EOF\nx\nEOF \n", "Dockerfile:2: unterminated heredoc <<EOF"},
        {"FROM a\nCMD [1]\n", "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only"},
        {"FROM a\nENV A\n", "Dockerfile:2: ENV must have two arguments"},
        {"FROM a\nLABEL a\n", "Dockerfile:2: LABEL must have two arguments"},
        {"FROM a\nENV A=1 B\n", "Dockerfile:2: Syntax error - can't find = in \"B\". Must be of the form: name=value"},
        {"FROM a\nONBUILD ONBUILD RUN x\n", "Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"},
        {"FROM a\nONBUILD from b\n", "Dockerfile:2: FROM isn't allowed as an ONBUILD trigger"},
        {"FROM a\nONBUILD MAINTAINER me\n", "Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger"},
        {"FROM a\nONBUILD\n", "Dockerfile:2: ONBUILD requires at least one argument"},
        {"FROM a\nONBUILD NOPE x\n", "Dockerfile:2: unknown instruction: NOPE; known: " + known},
        {"", "Dockerfile:1: file with no instructions"},
        {"# only\n\n# comments\n", "Dockerfile:3: file with no instructions"},
        {"\\\n\n", "Dockerfile:1: empty instruction (a line continuation with nothing after it)"},
    };
    for (const ECase& c : cases) {
        CAPTURE(c.in);
        CHECK(error_of(c.in) == c.out);
    }
    CHECK(error_of("FROM a\nBAD\n", "build/Dockerfile.cross") ==
          "build/Dockerfile.cross:2: unknown instruction: BAD; known: " + known);
    try {
        df::parse("FROM a\nRUN x\nRUN <<EOF\n");
        FAIL("no error");
    } catch (const df::ParseError& e) {
        CHECK(e.line == 3);
        CHECK(e.message == "unterminated heredoc <<EOF");
    }
}

TEST_CASE("dockerfile: positions let a caller splice one instruction") {
    const std::vector<std::string> texts = {
        "# syntax=docker/dockerfile:1\nFROM a AS b\n\n# comment\nRUN x \\\n  # inner\n  y\nCOPY <<EOF "
        "/f\nbody\nEOF\nCMD [\"z\"]",
        "\xEF\xBB\xBF"
        "FROM a\r\nRUN <<EOF\r\nx\r\nEOF\r\n\r\n  ENV A=1 \\\r\n    B=2\r\n",
        "FROM a\n\tRUN\tx\n\n\nLABEL a=b\n",
    };
    for (const std::string& text : texts) {
        CAPTURE(text);
        const df::Dockerfile d = df::parse(text);
        std::size_t prev_end = 0;
        int prev_line = 0;
        for (const df::Instruction& ins : d.instructions) {
            CAPTURE(render(ins));
            REQUIRE(ins.begin <= ins.end);
            REQUIRE(ins.end <= text.size());
            CHECK(ins.begin >= prev_end);
            CHECK(ins.first_line > prev_line);
            CHECK(ins.first_line <= ins.last_line);
            // The range is whole lines: it starts a line and ends after "\n" or at the end.
            CHECK((ins.begin == 0 || text[ins.begin - 1] == '\n' || ins.begin == 3));
            CHECK((ins.end == text.size() || text[ins.end - 1] == '\n'));
            // Between instructions: only blank lines and comments.
            for (std::string_view gap_line :
                 xbuild::split(std::string_view(text).substr(prev_end, ins.begin - prev_end), '\n')) {
                const std::string_view t = xbuild::trim(gap_line);
                CHECK((t.empty() || t.front() == '#' || t == "\xEF\xBB\xBF"));
            }
            // The keyword is at the start of the range (after blanks).
            CHECK(xbuild::trim(text.substr(ins.begin, ins.end - ins.begin)).substr(0, ins.keyword.size()) ==
                  ins.keyword);
            // Splice: everything else byte-for-byte.
            const std::string spliced = text.substr(0, ins.begin) + "USER nobody\n" + text.substr(ins.end);
            CHECK(spliced.substr(0, ins.begin) == text.substr(0, ins.begin));
            CHECK(spliced.substr(ins.begin + 12) == text.substr(ins.end));
            const df::Dockerfile again = df::parse(spliced);
            REQUIRE(again.instructions.size() == d.instructions.size());
            prev_end = ins.end;
            prev_line = ins.last_line;
        }
    }
    // Exact offsets and lines.
    const std::string text = "FROM a\nRUN x \\\n  y\n\n# c\nCOPY <<EOF /f\nb\nEOF\nUSER u";
    const df::Dockerfile d = df::parse(text);
    REQUIRE(d.instructions.size() == 4);
    CHECK(d.instructions[0].begin == 0);
    CHECK(d.instructions[0].end == 7);
    CHECK(d.instructions[1].begin == 7);
    CHECK(d.instructions[1].end == 19);
    CHECK(d.instructions[1].first_line == 2);
    CHECK(d.instructions[1].last_line == 3);
    CHECK(d.instructions[2].first_line == 6);
    CHECK(d.instructions[2].last_line == 8);
    CHECK(text.substr(d.instructions[2].begin, d.instructions[2].end - d.instructions[2].begin) ==
          "COPY <<EOF /f\nb\nEOF\n");
    CHECK(d.instructions[3].end == text.size());
    CHECK(d.instructions[3].text == "u");
    // The BOM stays outside the first range.
    const df::Dockerfile b = df::parse(
        "\xEF\xBB\xBF"
        "FROM a\n");
    CHECK(b.instructions[0].begin == 3);
    CHECK(b.instructions[0].end == 10);
}

TEST_CASE("dockerfile: text is after keyword and flags, lines joined") {
    const df::Dockerfile d = df::parse(
        "FROM --platform=$BUILDPLATFORM  golang  AS  build  \nRUN --mount=type=cache,target=/c \\\n  go build \\\n  # "
        "c\n  ./...\n"
        "CMD   [\"a\"]  \n");
    REQUIRE(d.instructions.size() == 3);
    CHECK(d.instructions[0].text == "golang  AS  build");
    CHECK(d.instructions[1].text == "go build   ./...");
    CHECK(d.instructions[2].text == "[\"a\"]");
    // Instructions copy (ONBUILD's trigger is shared, read-only).
    const df::Dockerfile o = df::parse("FROM a\nONBUILD RUN x\n");
    df::Dockerfile copy = o;
    REQUIRE(copy.instructions[1].inner);
    CHECK(copy.instructions[1].inner->keyword == "RUN");
    CHECK(copy.instructions[1].inner->args == std::vector<std::string> {"x"});
}

TEST_CASE("dockerfile: the source map says where keyword, flags, text and comments are") {
    auto at = [](std::string_view text, std::size_t begin, std::size_t end) {
        return std::string(text.substr(begin, end - begin));
    };
    // Keyword and flags split by continuations, a comment line inside, quotes in a flag.
    const std::string text =
        "# syntax=docker/dockerfile:1\n# note\n# xbuild:cross\nFR\\\nOM --platform=$BUILDPLATFORM \\\n"
        "  # inside\n  --x=\"a b\"\\\n  golang AS build\n\n# far\n\nCOPY --from=0 -- a b\n";
    const df::Dockerfile d = df::parse(text);
    REQUIRE(d.instructions.size() == 2);
    const df::Instruction& from = d.instructions[0];
    CHECK(at(text, from.keyword_begin, from.keyword_end) == "FR\\\nOM");
    REQUIRE(from.flags.size() == 2);
    CHECK(at(text, from.flags[0].begin, from.flags[0].end) == "--platform=$BUILDPLATFORM");
    CHECK(at(text, from.flags[1].begin, from.flags[1].end) == "--x=\"a b\"");
    CHECK(from.flags[1].value == "a b");
    CHECK(text.substr(from.text_begin, 6) == "golang");
    // The comment lines right above, not the directive.
    CHECK(at(text, from.comments_begin, from.begin) == "# note\n# xbuild:cross\n");
    // The joined line maps back byte for byte.
    const std::string joined = "FROM --platform=$BUILDPLATFORM   --x=\"a b\"  golang AS build";
    for (std::size_t k = 0; k < joined.size(); ++k) {
        CAPTURE(k);
        CHECK(text[from.source.raw(k)] == joined[k]);
    }
    CHECK(from.source.raw_end(joined.size()) == text.find("build\n\n") + 5);
    // A blank line ends the comment lines above; a lone `--` is not a flag.
    const df::Instruction& copy = d.instructions[1];
    CHECK(copy.comments_begin == copy.begin);
    REQUIRE(copy.flags.size() == 1);
    CHECK(at(text, copy.flags[0].begin, copy.flags[0].end) == "--from=0");
    CHECK(text.substr(copy.text_begin, 3) == "a b");
    CHECK(copy.text == "a b");

    // Heredoc bodies, ONBUILD's trigger, a keyword with no text.
    const std::string h = "FROM a\n# c\nONBUILD RUN --network=none <<EOF\nx\nEOF\nRUN <<-A cat <<B\n\tone\nA\ntwo\nB\n";
    const df::Dockerfile e = df::parse(h);
    REQUIRE(e.instructions.size() == 3);
    const df::Instruction& on = e.instructions[1];
    CHECK(at(h, on.keyword_begin, on.keyword_end) == "ONBUILD");
    CHECK(at(h, on.comments_begin, on.begin) == "# c\n");
    REQUIRE(on.inner);
    CHECK(at(h, on.inner->keyword_begin, on.inner->keyword_end) == "RUN");
    REQUIRE(on.inner->flags.size() == 1);
    CHECK(at(h, on.inner->flags[0].begin, on.inner->flags[0].end) == "--network=none");
    CHECK(h.substr(on.inner->text_begin, 5) == "<<EOF");
    CHECK(at(h, on.heredocs[0].begin, on.heredocs[0].end) == "x\n");
    const df::Instruction& run = e.instructions[2];
    REQUIRE(run.heredocs.size() == 2);
    CHECK(at(h, run.heredocs[0].begin, run.heredocs[0].end) == "\tone\n");
    CHECK(at(h, run.heredocs[1].begin, run.heredocs[1].end) == "two\n");
    const df::Instruction& a = e.instructions[0];
    CHECK(a.text_begin == 5);
    const df::Dockerfile f = df::parse("FROM a\nUSER\n");
    CHECK(f.instructions[1].keyword_end == 11);
    CHECK(f.instructions[1].text_begin == 11);
}

TEST_CASE("dockerfile: the examples' Dockerfiles") {
    // Instructions per file, as counted by hand; other files must just parse.
    const std::map<std::string, std::size_t> expected = {
        {"go/Dockerfile", 10},         {"go/Dockerfile.cgo", 10}, {"go/Dockerfile.cgo.cross", 15},
        {"go/Dockerfile.cross", 14},   {"rust/Dockerfile", 8},    {"rust/Dockerfile.case", 10},
        {"rust/Dockerfile.cross", 13}, {"c/Dockerfile", 8},
    };
    const std::filesystem::path examples = std::filesystem::path(XBUILD_SOURCE_DIR) / "examples";
    REQUIRE(std::filesystem::is_directory(examples));
    std::size_t seen = 0;
    for (const auto& dir : std::filesystem::directory_iterator(examples)) {
        if (!dir.is_directory()) continue;
        for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
            const std::string name = file.path().filename().string();
            if (name.rfind("Dockerfile", 0) != 0) continue;
            const std::string rel = dir.path().filename().string() + "/" + name;
            CAPTURE(rel);
            std::ifstream in(file.path(), std::ios::binary);
            std::stringstream buf;
            buf << in.rdbuf();
            const std::string text = buf.str();
            const df::Dockerfile d = df::parse(text, rel);
            REQUIRE_FALSE(d.instructions.empty());
            // A final stage, and every stage starts with FROM (ARGs may come first).
            bool from = false;
            for (const df::Instruction& ins : d.instructions) {
                if (ins.keyword == "FROM") from = true;
                else if (ins.keyword != "ARG") CHECK(from);
            }
            if (auto it = expected.find(rel); it != expected.end()) {
                CHECK(d.instructions.size() == it->second);
                ++seen;
            }
            // The cross Dockerfiles pin the frontend.
            if (name.find("cross") != std::string::npos) {
                REQUIRE(d.directives.size() == 1);
                CHECK(d.directives[0].name == "syntax");
                CHECK(d.directives[0].value == "docker/dockerfile:1");
            }
        }
    }
    CHECK(seen == expected.size());
}

TEST_CASE("dockerfile: directives keep their lines' bytes (a BOM stays out)") {
    const std::string text = "\xEF\xBB\xBF# syntax=r/fe\r\n# escape=`\nFROM a\n";
    const auto df = xbuild::dockerfile::parse(text);
    REQUIRE(df.directives.size() == 2);
    CHECK(text.substr(df.directives[0].begin, df.directives[0].end - df.directives[0].begin) == "# syntax=r/fe\r\n");
    CHECK(text.substr(df.directives[1].begin, df.directives[1].end - df.directives[1].begin) == "# escape=`\n");
    CHECK(df.directives[1].line == 2);
}
