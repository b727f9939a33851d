// The doctest runner for every unit test file in tests/unit (one file per header).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
