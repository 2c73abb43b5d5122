# SPDX-License-Identifier: MIT
# Static cross build for ppc64le (preset static-ppc64le; cmake/toolchain-debian-cross.cmake).
set(WA_CROSS_PROCESSOR ppc64le)
set(WA_CROSS_GCC powerpc64le-linux-gnu)
set(WA_CROSS_MULTIARCH powerpc64le-linux-gnu)
set(WA_CROSS_QEMU qemu-ppc64le)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
