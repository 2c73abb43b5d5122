# SPDX-License-Identifier: MIT
# Static cross build for s390x (preset static-s390x; cmake/toolchain-debian-cross.cmake).
set(WA_CROSS_PROCESSOR s390x)
set(WA_CROSS_GCC s390x-linux-gnu)
set(WA_CROSS_MULTIARCH s390x-linux-gnu)
set(WA_CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
