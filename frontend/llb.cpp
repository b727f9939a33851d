#include "llb.hpp"

#include <openssl/evp.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <stdexcept>

namespace xbuild::frontend {

std::string marshal(const google::protobuf::MessageLite& message) {
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        if (!message.SerializeToCodedStream(&coded))
            throw std::runtime_error("cannot serialize " + message.GetTypeName());
    }
    return out;
}

std::string digest(const std::string& bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr))
        throw std::runtime_error("sha256 failed");
    static const char hex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string add_op(pb::Definition& def, const pb::Op& op, const pb::OpMetadata& meta) {
    auto bytes = marshal(op);
    auto d = digest(bytes);
    def.add_def(bytes);
    (*def.mutable_metadata())[d] = meta;
    return d;
}

namespace {

// The terminal op: no operation, only the definition's result as its one input.
void add_terminal(pb::Definition& def, const std::string& result_digest) {
    pb::Op op;
    auto* in = op.add_inputs();
    in->set_digest(result_digest);
    in->set_index(0);
    add_op(def, op);
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else out += c;
    }
    return out + "\"";
}

}  // namespace

pb::Definition dockerfile_source(const std::string& session_id, const std::string& filename) {
    pb::Op op;
    auto* src = op.mutable_source();
    src->set_identifier("local://dockerfile");
    auto& attrs = *src->mutable_attrs();
    attrs["local.session"] = session_id;
    attrs["local.followpaths"] = "[" + json_string(filename) + "," + json_string(filename + ".dockerignore") + "]";
    attrs["local.sharedkeyhint"] = filename;
    pb::Definition def;
    pb::OpMetadata meta;
    (*meta.mutable_description())["llb.customname"] = "[internal] load build definition from " + filename;
    add_terminal(def, add_op(def, op, meta));
    return def;
}

namespace {

// A filesystem with one file, /<filename>, shown in the build's progress as `name`.
pb::Definition named_file(const std::string& filename, const std::string& data, const std::string& name) {
    std::string path = "/" + filename;
    pb::Op op;
    auto* file = op.mutable_file();
    // Actions chain: an input index past the op's inputs (none here) names an earlier action.
    auto slash = path.rfind('/');
    if (slash != 0) {
        auto* mkdir = file->add_actions();
        mkdir->set_input(-1);
        mkdir->set_secondaryinput(-1);
        mkdir->set_output(-1);
        auto* a = mkdir->mutable_mkdir();
        a->set_path(path.substr(0, slash));
        a->set_mode(0755);
        a->set_makeparents(true);
        a->set_timestamp(-1);
    }
    auto* mkfile = file->add_actions();
    mkfile->set_input(file->actions_size() == 1 ? -1 : 0);
    mkfile->set_secondaryinput(-1);
    mkfile->set_output(0);
    auto* f = mkfile->mutable_mkfile();
    f->set_path(path);
    f->set_mode(0644);
    f->set_data(data);
    f->set_timestamp(-1);
    pb::Definition def;
    pb::OpMetadata meta;
    (*meta.mutable_caps())["file.base"] = true;
    (*meta.mutable_description())["llb.customname"] = name;
    add_terminal(def, add_op(def, op, meta));
    return def;
}

}  // namespace

pb::Definition single_file(const std::string& filename, const std::string& data) {
    return named_file(filename, data, "[xbuild] rewritten " + filename);
}

pb::Definition warning_vertex(const std::string& line) { return named_file("xbuild-warning", line + "\n", line); }

}  // namespace xbuild::frontend
