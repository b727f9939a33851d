// Tests of xbuild/objfile.hpp's shared API: what is not an object file, and read_object on files
// (the per-format parsers are in objfile_{elf,pe,macho}_test.cpp).
#include "xbuild/objfile.hpp"

#include <doctest/doctest.h>

#include "objfile_samples.hpp"

using namespace objfile_test;

TEST_CASE("not an object file") {
    CHECK(error_of({}) == "not an ELF, PE or Mach-O binary (empty file)");
    CHECK(error_of(text("#!/bin/sh\necho hi\n")) == "not an ELF, PE or Mach-O binary (starts with \"#!/bin/sh\")");
    CHECK(error_of(text("just some notes that go on and on")) ==
          "not an ELF, PE or Mach-O binary (starts with \"just some notes \"...)");
    CHECK(error_of(text("\x7f"
                        "EL")) == "not an ELF, PE or Mach-O binary (starts with \"\\x7fEL\")");
    CHECK(error_of(text("\x7f"
                        "ELF")) == "truncated ELF header (4 bytes, need 52)");
    try {
        (void)parse(text("hello"));
        FAIL("no error");
    } catch (const ObjectFileError& e) { CHECK(e.reason() == Reason::not_an_object); }
}

TEST_CASE("read_object: files") {
    char dir_template[] = "/tmp/objfile_test.XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string dir = dir_template;
    auto write = [&](const std::string& name, const Bytes& b) {
        std::ofstream(dir + "/" + name, std::ios::binary)
            .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        return dir + "/" + name;
    };
    auto reason_of = [](const std::string& path) -> std::pair<Reason, std::string> {
        try {
            (void)xbuild::read_object(path);
        } catch (const ObjectFileError& e) { return {e.reason(), e.what()}; }
        return {Reason::malformed, "(no error)"};
    };

    ElfSpec s;
    s.machine = row("linux/riscv64").elf_machine;
    s.interp = "/lib/ld-linux-riscv64-lp64d.so.1";
    s.needed = {"libc.so.6"};
    ObjectInfo info = xbuild::read_object(write("hello", make_elf(s)));
    CHECK(xbuild::platforms_of(info) == "linux/riscv64");
    CHECK(info.interpreter == "/lib/ld-linux-riscv64-lp64d.so.1");

    CHECK(reason_of(dir + "/missing") == std::pair {Reason::not_found, std::string("no such file")});
    CHECK(reason_of(dir + "/hello/below") == std::pair {Reason::not_found, std::string("no such file")});
    CHECK(reason_of(dir) == std::pair {Reason::not_a_file, std::string("is a directory")});
    CHECK(reason_of(write("empty", {})) ==
          std::pair {Reason::not_an_object, std::string("not an ELF, PE or Mach-O binary (empty file)")});
    REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
    CHECK(reason_of(dir + "/fifo") == std::pair {Reason::not_a_file, std::string("not a regular file")});
    REQUIRE(::symlink("hello", (dir + "/link").c_str()) == 0);
    CHECK(xbuild::platforms_of(xbuild::read_object(dir + "/link")) == "linux/riscv64");

    for (const char* name : {"hello", "empty", "fifo", "link"}) ::unlink((dir + "/" + name).c_str());
    ::rmdir(dir.c_str());
}
