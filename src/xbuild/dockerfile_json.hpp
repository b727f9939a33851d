// The parsed Dockerfile as JSON (`xbuild dockerfile parse --format json`): the AST with its
// source positions, for tools and for people checking what the parser saw.
#pragma once

#include <nlohmann/json.hpp>

#include "xbuild/dockerfile/parser.hpp"

namespace xbuild::cli {

nlohmann::ordered_json to_json(const xbuild::dockerfile::Dockerfile& file);

}  // namespace xbuild::cli
