# SPDX-License-Identifier: MIT
# Cross-compiling with Debian's cross toolchains (gcc-<triplet>) against the
# multiarch packages of the target architecture (dpkg --add-architecture;
# .ci/deps and .ci/static-all-arches install them).  Included by
# cmake/toolchain-<arch>.cmake, which first sets:
#   WA_CROSS_PROCESSOR  CMAKE_SYSTEM_PROCESSOR (the platform-tag arch)
#   WA_CROSS_GCC        the gcc triplet (i686-linux-gnu, arm-linux-gnueabihf...)
#   WA_CROSS_MULTIARCH  Debian's multiarch triplet (/usr/lib/<triplet>)
#   WA_CROSS_QEMU       the qemu-user emulator that runs the target's binaries
# Debian's cross gcc already searches /usr/include/<triplet> and
# /usr/lib/<triplet>, so no sysroot is needed.  The tests run the target's
# binaries through CMAKE_CROSSCOMPILING_EMULATOR (tests/CMakeLists.txt).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${WA_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${WA_CROSS_GCC}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${WA_CROSS_MULTIARCH})
# Where the target's packages cannot be installed through multiarch (their
# versions differ from the host's: Multi-Arch: same packages must match),
# WA_CROSS_SYSROOT in the environment names a directory holding them
# unpacked (dpkg-deb -x), which .ci/static-all-arches prepares; the preset
# sets the variable, so every step (and ExternalProject) sees the same.
if(NOT "$ENV{WA_CROSS_SYSROOT}" STREQUAL "")
  set(CMAKE_SYSROOT $ENV{WA_CROSS_SYSROOT})
endif()
find_program(WA_CROSS_EMULATOR ${WA_CROSS_QEMU})
if(WA_CROSS_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WA_CROSS_EMULATOR})
endif()
# Programs (python3, readelf, qemu) are the host's; libraries and headers
# are looked up by explicit multiarch paths (cmake/WaDependencies.cmake).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
