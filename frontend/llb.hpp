// The few LLB definitions the gateway frontend builds (the wire format is in proto/ops.proto).
#pragma once

#include <string>

#include "ops.pb.h"

namespace xbuild::frontend {

// Deterministic serialization: an op's digest is the sha256 of these bytes, and the engine's
// cache keys on it, so the same op must give the same bytes every time (map order included).
std::string marshal(const google::protobuf::MessageLite& message);

// "sha256:<hex>" of the bytes.
std::string digest(const std::string& bytes);

// Appends an op to a definition with a metadata entry (every op needs one); returns its digest.
std::string add_op(pb::Definition& def, const pb::Op& op, const pb::OpMetadata& meta = {});

// The Dockerfile (and its .dockerignore) from the client's session: the local source
// `local://dockerfile` that the engine serves from the folder of `docker build -f`.
pb::Definition dockerfile_source(const std::string& session_id, const std::string& filename);

// A filesystem with one file, /<filename> (folders made as needed), holding data: what the
// built-in Dockerfile frontend reads as its `dockerfile` input.
pb::Definition single_file(const std::string& filename, const std::string& data);

// A step that only shows `line` in the build's progress ("#7 [xbuild] warning: ..." with
// --progress=plain): BuildKit 0.8 (dockerd 20.10) has no gateway call for warnings, but it shows
// every vertex's custom name. The op writes /xbuild-warning holding the line on scratch: it
// cannot fail and takes no time; its result is thrown away.
pb::Definition warning_vertex(const std::string& line);

}  // namespace xbuild::frontend
