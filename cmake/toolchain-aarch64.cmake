# SPDX-License-Identifier: MIT
# Static cross build for aarch64 (preset static-aarch64; cmake/toolchain-debian-cross.cmake).
set(WA_CROSS_PROCESSOR aarch64)
set(WA_CROSS_GCC aarch64-linux-gnu)
set(WA_CROSS_MULTIARCH aarch64-linux-gnu)
set(WA_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
