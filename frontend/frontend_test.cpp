// Unit tests of the frontend's pure parts: the rewrite stub and the LLB it builds.
#include <doctest/doctest.h>

#include "llb.hpp"
#include "rewrite_hook.hpp"

using xbuild::frontend::rewrite_dockerfile;

TEST_CASE("the syntax directive goes, line numbers stay") {
  std::map<std::string, std::string> opts;
  CHECK(rewrite_dockerfile("# syntax=r/fe:dev\nFROM a\nRUN b\n", opts) == "\nFROM a\nRUN b\n");
  CHECK(rewrite_dockerfile("#syntax = r/fe:dev\nFROM a\n", opts) == "\nFROM a\n");
  // Other directives stay directives (still at the top), instructions keep their lines.
  CHECK(rewrite_dockerfile("# syntax=r/fe\n# escape=`\nFROM a\n", opts) == "# escape=`\n\nFROM a\n");
  CHECK(rewrite_dockerfile("# escape=`\n# SYNTAX=r/fe\nFROM a\n", opts) == "# escape=`\n\nFROM a\n");
  // No directive: unchanged; a syntax line after the directives is a comment: unchanged.
  CHECK(rewrite_dockerfile("FROM a\n# syntax=r/fe\n", opts) == "FROM a\n# syntax=r/fe\n");
  CHECK(rewrite_dockerfile("# a comment\n# syntax=r/fe\nFROM a", opts) == "# a comment\n# syntax=r/fe\nFROM a");
  CHECK(rewrite_dockerfile("", opts).empty());
  CHECK(rewrite_dockerfile("# syntax=r/fe", opts) == "\n");
}

TEST_CASE("digests are sha256 of the deterministic bytes") {
  CHECK(xbuild::frontend::digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto a = xbuild::frontend::dockerfile_source("session", "Dockerfile");
  auto b = xbuild::frontend::dockerfile_source("session", "Dockerfile");
  CHECK(xbuild::frontend::marshal(a) == xbuild::frontend::marshal(b));
  REQUIRE(a.def_size() == 2);
  pb::Op src, terminal;
  REQUIRE(src.ParseFromString(a.def(0)));
  REQUIRE(terminal.ParseFromString(a.def(1)));
  CHECK(src.source().identifier() == "local://dockerfile");
  CHECK(src.source().attrs().at("local.followpaths") == R"(["Dockerfile","Dockerfile.dockerignore"])");
  REQUIRE(terminal.inputs_size() == 1);
  CHECK(terminal.inputs(0).digest() == xbuild::frontend::digest(a.def(0)));
  CHECK(a.metadata().size() == 2);  // every op has an entry
  CHECK(a.metadata().count(xbuild::frontend::digest(a.def(1))) == 1);
}

TEST_CASE("one file, folders first") {
  auto d = xbuild::frontend::single_file("sub/dir/Dockerfile", "FROM a\n");
  REQUIRE(d.def_size() == 2);
  pb::Op op;
  REQUIRE(op.ParseFromString(d.def(0)));
  REQUIRE(op.file().actions_size() == 2);
  const auto& mkdir = op.file().actions(0);
  CHECK(mkdir.mkdir().path() == "/sub/dir");
  CHECK(mkdir.mkdir().makeparents());
  CHECK(mkdir.input() == -1);
  CHECK(mkdir.output() == -1);
  const auto& mkfile = op.file().actions(1);
  CHECK(mkfile.input() == 0);  // the mkdir's result
  CHECK(mkfile.output() == 0);
  CHECK(mkfile.mkfile().path() == "/sub/dir/Dockerfile");
  CHECK(mkfile.mkfile().data() == "FROM a\n");
  CHECK(mkfile.mkfile().mode() == 0644);
  CHECK(mkfile.mkfile().timestamp() == -1);

  auto plain = xbuild::frontend::single_file("Dockerfile", "x");
  REQUIRE(op.ParseFromString(plain.def(0)));
  REQUIRE(op.file().actions_size() == 1);
  CHECK(op.file().actions(0).input() == -1);
  CHECK(op.file().actions(0).secondaryinput() == -1);
}
