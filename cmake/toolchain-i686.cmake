# SPDX-License-Identifier: MIT
# Static cross build for i686 (preset static-i686; cmake/toolchain-debian-cross.cmake).
set(WA_CROSS_PROCESSOR i686)
set(WA_CROSS_GCC i686-linux-gnu)
set(WA_CROSS_MULTIARCH i386-linux-gnu)
set(WA_CROSS_QEMU qemu-i386)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
