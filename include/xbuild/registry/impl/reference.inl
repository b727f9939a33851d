// Implementation of xbuild/registry/reference.hpp (in progress).
#pragma once
