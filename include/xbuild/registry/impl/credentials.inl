// Implementation of xbuild/registry/credentials.hpp (in progress).
#pragma once
