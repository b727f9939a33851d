# xbuild's CMake toolchain file: cross-compile for a target with the xx helpers.
#
#   TARGETPLATFORM=linux/arm64 cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=<xbuild>/toolchains/xbuild.cmake
#   cmake -S . -B build-armv7 -DCMAKE_TOOLCHAIN_FILE=<xbuild>/toolchains/xbuild.cmake -DXBUILD_PLATFORM=linux/arm/v7
#
# It finds xx-clang (on PATH, or in -DXBUILD_XX_BIN=<folder>, or $XX_BIN), asks it for the target's
# toolchain (`xx-clang --print-cmake-toolchain`: system name and processor, the target-prefixed
# compilers and tools, pkg-config limited to the target's .pc files, the sysroot where one is
# needed, and CMAKE_CROSSCOMPILING_EMULATOR set to xx-run so try_run and ctest run target code),
# and includes it.

if(NOT XBUILD_PLATFORM)
  if(NOT "$ENV{XBUILD_PLATFORM}" STREQUAL "")
    set(XBUILD_PLATFORM "$ENV{XBUILD_PLATFORM}")
  else()
    set(XBUILD_PLATFORM "$ENV{TARGETPLATFORM}")
  endif()
endif()
if(NOT XBUILD_PLATFORM)
  message(FATAL_ERROR "xbuild.cmake: no target platform: set TARGETPLATFORM in the environment "
                      "or pass -DXBUILD_PLATFORM=linux/arm64")
endif()
if(NOT XBUILD_XX_BIN AND NOT "$ENV{XX_BIN}" STREQUAL "")
  set(XBUILD_XX_BIN "$ENV{XX_BIN}")
endif()
# try_compile projects read this file again without our cache: hand the settings on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES XBUILD_PLATFORM XBUILD_XX_BIN)

find_program(XBUILD_XX_CLANG NAMES xx-clang HINTS ${XBUILD_XX_BIN} NO_CACHE)
if(NOT XBUILD_XX_CLANG)
  message(FATAL_ERROR "xbuild.cmake: xx-clang not found on PATH or in XBUILD_XX_BIN/XX_BIN "
                      "(build xbuild with ./x build; the helpers are in build/bin)")
endif()

execute_process(
  COMMAND ${CMAKE_COMMAND} -E env TARGETPLATFORM=${XBUILD_PLATFORM} ${XBUILD_XX_CLANG} --print-cmake-toolchain
  OUTPUT_VARIABLE _xbuild_toolchain ERROR_VARIABLE _xbuild_error RESULT_VARIABLE _xbuild_status)
if(NOT _xbuild_status EQUAL 0)
  message(FATAL_ERROR "xbuild.cmake: target '${XBUILD_PLATFORM}': ${_xbuild_error}")
endif()
string(MD5 _xbuild_hash "${_xbuild_toolchain}")
set(_xbuild_file "${CMAKE_BINARY_DIR}/CMakeFiles/xbuild-toolchain-${_xbuild_hash}.cmake")
if(NOT EXISTS "${_xbuild_file}")
  file(WRITE "${_xbuild_file}.tmp" "${_xbuild_toolchain}")
  file(RENAME "${_xbuild_file}.tmp" "${_xbuild_file}")
endif()
include("${_xbuild_file}")
