# SPDX-License-Identifier: MIT
# Static cross build for armv7l (preset static-armv7l; cmake/toolchain-debian-cross.cmake).
set(WA_CROSS_PROCESSOR armv7l)
set(WA_CROSS_GCC arm-linux-gnueabihf)
set(WA_CROSS_MULTIARCH arm-linux-gnueabihf)
set(WA_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
