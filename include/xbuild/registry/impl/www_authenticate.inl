// Implementation of xbuild/registry/www_authenticate.hpp (in progress).
#pragma once
