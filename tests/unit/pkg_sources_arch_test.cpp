// pkg/sources_arch.hpp: `xx-apt --fix-source-file FILE ARCH`.
#include "xbuild/pkg/sources_arch.hpp"

#include <doctest/doctest.h>

using xbuild::pkg::restrict_sources_to_arch;
using xbuild::pkg::SourceFormat;

TEST_CASE("deb822: Architectures after each Types line, once") {
    const std::string in =
        "Types: deb deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: "
        "main\n\n"
        "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n";
    const std::string once = restrict_sources_to_arch(in, SourceFormat::deb822, "riscv64");
    CHECK(once ==
          "Types: deb deb-src\nArchitectures: riscv64\nURIs: http://deb.debian.org/debian\nSuites: bookworm "
          "bookworm-updates\n"
          "Components: main\n\nTypes: deb\nArchitectures: riscv64\nURIs: http://deb.debian.org/debian-security\n"
          "Suites: bookworm-security\nComponents: main\n");
    CHECK(restrict_sources_to_arch(once, SourceFormat::deb822, "riscv64") == once);
}

TEST_CASE("one-line: [arch=] on every deb and deb-src entry without one, commented ones too") {
    const std::string in =
        "deb http://deb.debian.org/debian bookworm main\n"
        "deb-src http://deb.debian.org/debian bookworm main\n"
        "# deb http://deb.debian.org/debian bookworm-backports main\n"
        "deb [arch=s390x] http://deb.debian.org/debian bookworm main\n"
        "#deb http://example.org/ x main\n"
        "deb [signed-by=/k.gpg] http://example.org/ y main";
    const std::string once = restrict_sources_to_arch(in, SourceFormat::one_line, "arm64");
    CHECK(once ==
          "deb [arch=arm64] http://deb.debian.org/debian bookworm main\n"
          "deb-src [arch=arm64] http://deb.debian.org/debian bookworm main\n"
          "# deb [arch=arm64] http://deb.debian.org/debian bookworm-backports main\n"
          "deb [arch=s390x] http://deb.debian.org/debian bookworm main\n"
          "#deb http://example.org/ x main\n"
          "deb [arch=arm64 signed-by=/k.gpg] http://example.org/ y main");
    CHECK(restrict_sources_to_arch(once, SourceFormat::one_line, "arm64") == once);
}
