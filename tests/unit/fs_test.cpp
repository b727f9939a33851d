// Tests of xbuild/fs.hpp: atomic files and links, and the lock.
#include "xbuild/fs.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

using namespace xbuild;

TEST_CASE("write_file_atomically keeps the mode; read_file; ExclusiveLock") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("xbuild-fs-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "sources.list").string();
    write_file_atomically(file, "one\n");
    CHECK(read_file(file) == std::optional<std::string>("one\n"));
    ::chmod(file.c_str(), 0600);
    write_file_atomically(file, "two\n");
    CHECK(read_file(file) == std::optional<std::string>("two\n"));
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(read_file((dir / "missing").string()).has_value());
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary left
    CHECK_THROWS_AS(write_file_atomically((dir / "no" / "dir").string(), "x"), std::runtime_error);
    {
        ExclusiveLock lock((dir / "lock").string());
        CHECK(fs::exists(dir / "lock"));
    }
    ExclusiveLock again((dir / "lock").string());  // released by the first one's destruction
    fs::remove_all(dir);
}

TEST_CASE("write_file_if_changed writes only a different text; replace_symlink replaces; path_taken") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("xbuild-fs-test2-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "a.cfg").string();
    CHECK(write_file_if_changed(file, "x\n"));
    struct stat before {};
    REQUIRE(::stat(file.c_str(), &before) == 0);
    CHECK_FALSE(write_file_if_changed(file, "x\n"));
    struct stat after {};
    REQUIRE(::stat(file.c_str(), &after) == 0);
    CHECK(before.st_ino == after.st_ino);  // not replaced
    CHECK(write_file_if_changed(file, "y\n"));
    CHECK(read_file(file) == std::optional<std::string>("y\n"));

    const std::string link = (dir / "tool").string();
    CHECK_FALSE(path_taken(link));
    CHECK(replace_symlink("nowhere", link));
    CHECK(path_taken(link));  // dangling, but there
    CHECK(replace_symlink("a.cfg", link));
    CHECK(fs::read_symlink(link) == "a.cfg");
    CHECK_FALSE(replace_symlink("a.cfg", (dir / "no" / "tool").string()));
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 2);  // no temporary left
    fs::remove_all(dir);
}

TEST_CASE("temporary names are hidden, beside the file, marked, and fresh on every call") {
    const std::string a = temporary_name_for("/var/lib/x/index.json");
    const std::string b = temporary_name_for("/var/lib/x/index.json");
    CHECK(a.rfind("/var/lib/x/.index.json.xbuild-tmp." + std::to_string(::getpid()) + ".", 0) == 0);
    CHECK(a != b);
    CHECK(temporary_name_for("plain").rfind(".plain.xbuild-tmp.", 0) == 0);
}

TEST_CASE("write_file_atomically from several threads: one whole text wins, no temporary is left") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("xbuild-fs-test3-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string file = (dir / "index.json").string();
    std::vector<std::thread> writers;
    for (int i = 0; i < 8; i++)
        writers.emplace_back([&, i] {
            for (int n = 0; n < 50; n++) write_file_atomically(file, std::string(1000, char('a' + i)));
        });
    for (auto& t : writers) t.join();
    const auto text = read_file(file);
    REQUIRE(text.has_value());
    CHECK(text->size() == 1000);
    CHECK(text->find_first_not_of(text->front()) == std::string::npos);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}
