// See dockerfile_json.hpp.
#include "dockerfile_json.hpp"

namespace xbuild::cli {

namespace {

using nlohmann::ordered_json;
namespace df = xbuild::dockerfile;

ordered_json instruction_json(const df::Instruction& in) {
    ordered_json flags = ordered_json::array();
    for (const auto& f : in.flags) {
        ordered_json flag {{"name", f.name}};
        flag["value"] = f.value ? ordered_json(*f.value) : ordered_json(nullptr);
        flags.push_back(std::move(flag));
    }
    ordered_json heredocs = ordered_json::array();
    for (const auto& h : in.heredocs)
        heredocs.push_back({{"delimiter", h.delimiter},
                            {"strip_tabs", h.strip_tabs},
                            {"quoted", h.quoted},
                            {"content", h.content},
                            {"lines", {h.first_line, h.last_line}}});
    ordered_json j {{"keyword", in.keyword},
                    {"flags", std::move(flags)},
                    {"json_form", in.json_form},
                    {"args", in.args},
                    {"text", in.text},
                    {"heredocs", std::move(heredocs)},
                    {"lines", {in.first_line, in.last_line}},
                    {"bytes", {in.begin, in.end}}};
    if (in.inner) j["inner"] = instruction_json(*in.inner);
    return j;
}

}  // namespace

ordered_json to_json(const df::Dockerfile& file) {
    ordered_json directives = ordered_json::array();
    for (const auto& d : file.directives)
        directives.push_back({{"name", d.name}, {"value", d.value}, {"line", d.line}});
    ordered_json instructions = ordered_json::array();
    for (const auto& in : file.instructions) instructions.push_back(instruction_json(in));
    return {{"escape", std::string(1, file.escape)},
            {"directives", std::move(directives)},
            {"instructions", std::move(instructions)}};
}

}  // namespace xbuild::cli
