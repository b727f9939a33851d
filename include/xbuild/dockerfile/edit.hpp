// xbuild/dockerfile/edit.hpp: one in-place change to a Dockerfile's text. The planner's routes
// make them, the rewrite applies them; every byte outside them stays as written.
#pragma once

#include <cstddef>
#include <string>

namespace xbuild::dockerfile {

// Replace [begin, end) of the original text by `text`.
struct Edit {
    std::size_t begin = 0, end = 0;
    std::string text;
    std::string why;  // "go build -> xx-go build"
    int line = 0;     // the original line that lines inserted by `text` stand for (0: where they go)
};

}  // namespace xbuild::dockerfile
