// `xbuild dockerfile ...`: the Dockerfile tools.
//   parse [-f FILE] [--format json|text]   the parsed Dockerfile (the AST with line numbers)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "dockerfile_json.hpp"
#include "xbuild/dockerfile/parser.hpp"

namespace xbuild_cli {

namespace {

struct ParseOptions {
    std::string file = "Dockerfile";
    std::string format = "text";
};

// The file's text; "-" is standard input. Says which file could not be read.
std::string read_text(const std::string& path) {
    if (path == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": no such file (give one with -f FILE)");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// One line per instruction: its lines, keyword, flags and text.
void print_text(const xbuild::dockerfile::Dockerfile& file) {
    for (const auto& d : file.directives) std::printf("%d\t# %s=%s\n", d.line, d.name.c_str(), d.value.c_str());
    for (const auto& in : file.instructions) {
        std::string flags;
        for (const auto& f : in.flags) flags += "--" + f.name + (f.value ? "=" + *f.value : "") + " ";
        std::string lines = std::to_string(in.first_line);
        if (in.last_line != in.first_line) lines += "-" + std::to_string(in.last_line);
        std::printf("%s\t%s %s%s\n", lines.c_str(), in.keyword.c_str(), flags.c_str(), in.text.c_str());
    }
}

void run_parse(const ParseOptions& o) {
    const std::string text = read_text(o.file);
    const auto name = o.file == "-" ? std::string("Dockerfile") : o.file;
    const auto file = xbuild::dockerfile::parse(text, name);
    if (o.format == "json") std::cout << to_json(file).dump(2) << "\n";
    else print_text(file);
}

}  // namespace

void add_dockerfile_commands(CLI::App& app) {
    CLI::App* dockerfile = app.add_subcommand("dockerfile", "Dockerfile tools: parse, explain, rewrite");
    dockerfile->require_subcommand(1);

    auto parse_opts = std::make_shared<ParseOptions>();
    CLI::App* parse = dockerfile->add_subcommand("parse", "print the parsed Dockerfile with its line numbers");
    parse->add_option("-f,--file", parse_opts->file, "the Dockerfile ('-' reads standard input)")
        ->capture_default_str();
    parse->add_option("--format", parse_opts->format, "output: text (a line per instruction) or json (the AST)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    parse->callback([parse_opts] { run_parse(*parse_opts); });
}

}  // namespace xbuild_cli
