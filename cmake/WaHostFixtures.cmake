# SPDX-License-Identifier: MIT
# The test fixtures of a cross build.  tests/fixtures compiles x86-64 modules
# with the host's compilers and runs its own tools (mkelf, mkwheel) during
# the build, so they must be host programs: this builds tests/fixtures as a
# separate host project (cmake/host-fixtures, the host's default compiler,
# no toolchain file) writing into the cross build's ${WA_FIXTURE_DIR}.  The
# target keeps the name wa_fixtures.
include(ExternalProject)
find_program(WA_HOST_CC NAMES cc gcc REQUIRED)
ExternalProject_Add(wa_fixtures
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/cmake/host-fixtures
  BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/host-fixtures
  CMAKE_ARGS -DCMAKE_C_COMPILER=${WA_HOST_CC}
             -DCMAKE_BUILD_TYPE=RelWithDebInfo
             -DWA_SOURCE_DIR=${PROJECT_SOURCE_DIR}
             -DWA_FIXTURE_DIR=${WA_FIXTURE_DIR}
  INSTALL_COMMAND ""
  # the host project tracks the fixture sources itself
  BUILD_ALWAYS ON)
