// Implementation of xbuild/oci/image.hpp (in progress).
#pragma once
