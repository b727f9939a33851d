// Tests of xbuild/oci/digest.hpp: parsing digests (and every refusal's message), streaming
// hashes against known values, sha512 for verifying, and digests of files.
#include "xbuild/oci/digest.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace xbuild::oci;

namespace {

// sha256("") and sha256("abc") (FIPS 180-2), sha512("abc").
const std::string empty256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string abc256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string abc512 =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a"
    "9ac94fa54ca49f";

}  // namespace

TEST_CASE("Digest::parse: sha256 and sha512, str() round-trips") {
    const Digest d = Digest::parse("sha256:" + abc256);
    CHECK(d.algorithm == "sha256");
    CHECK(d.encoded == abc256);
    CHECK(d.str() == "sha256:" + abc256);
    CHECK_FALSE(d.empty());
    CHECK(Digest::parse("sha512:" + abc512).algorithm == "sha512");
    CHECK(Digest {}.empty());
    CHECK(Digest::parse(d.str()) == d);
    CHECK_FALSE(Digest::parse("sha256:" + empty256) == d);
}

TEST_CASE("Digest::parse: each malformed digest says what is wrong and what is valid") {
    CHECK_THROWS_WITH_AS(Digest::parse(abc256), doctest::Contains("expected ALGORITHM:HEX"), DigestError);
    CHECK_THROWS_WITH_AS(Digest::parse(":" + abc256), doctest::Contains("expected ALGORITHM:HEX"), DigestError);
    CHECK_THROWS_WITH_AS(Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e"),
                         doctest::Contains("unsupported digest algorithm 'md5'"), DigestError);
    CHECK_THROWS_WITH(Digest::parse("sha256:abc"), doctest::Contains("sha256 takes 64 hex digits, not 3"));
    CHECK_THROWS_WITH(Digest::parse("sha512:" + abc256), doctest::Contains("sha512 takes 128 hex digits, not 64"));
    std::string upper = abc256;
    upper[0] = 'B';
    CHECK_THROWS_WITH(Digest::parse("sha256:" + upper), doctest::Contains("must be lower-case hex"));
    CHECK_THROWS_WITH(Digest::parse("sha256:" + std::string(63, 'a') + "g"), doctest::Contains("lower-case hex"));
    // A long input is cut in the message.
    const std::string huge = "sha256:" + std::string(200, 'a');
    CHECK_THROWS_WITH(Digest::parse(huge), doctest::Contains("..."));
}

TEST_CASE("Hasher: known values, any split of the input, size, spent after finish") {
    CHECK(sha256_of("").encoded == empty256);
    CHECK(sha256_of("abc") == Digest::parse("sha256:" + abc256));
    Hasher h;
    h.update("a");
    h.update("");
    h.update(std::string_view("bc"));
    CHECK(h.size() == 3);
    CHECK(h.finish().encoded == abc256);
    CHECK_THROWS_AS(h.finish(), std::logic_error);
    CHECK_THROWS_AS(h.update("x"), std::logic_error);

    Hasher h512("sha512");
    h512.update("abc");
    CHECK(h512.finish() == Digest {"sha512", abc512});
    CHECK_THROWS_AS(Hasher("md5"), DigestError);

    Hasher moved;
    moved.update("ab");
    Hasher to = std::move(moved);
    to.update("c");
    CHECK(to.finish().encoded == abc256);
}

TEST_CASE("digest_like hashes in the descriptor's algorithm; digest_file reads a file in chunks") {
    CHECK(digest_like(Digest::parse("sha512:" + abc512), "abc").encoded == abc512);
    CHECK(digest_like(sha256_of("x"), "abc").encoded == abc256);

    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("xbuild-digest-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string big(300000, 'z');  // several of digest_file's 64 KiB chunks
    std::ofstream(dir / "big", std::ios::binary) << big;
    std::ofstream(dir / "empty", std::ios::binary).flush();
    CHECK(digest_file(dir / "big") == sha256_of(big));
    CHECK(digest_file(dir / "big", "sha512") == digest_like(Digest {"sha512", abc512}, big));
    CHECK(digest_file(dir / "empty").encoded == empty256);
    CHECK_THROWS_WITH_AS(digest_file(dir / "missing"), doctest::Contains("cannot read"), std::runtime_error);
    fs::remove_all(dir);
}
