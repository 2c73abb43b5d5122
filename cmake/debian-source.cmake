# SPDX-License-Identifier: MIT
# cmake -DPACKAGE=<source package> -DDEST=<dir> -P debian-source.cmake
#
# Fetches Debian's source package PACKAGE with `apt-get source` (the
# version the configured archive offers, Debian patches applied) and leaves
# the unpacked tree in DEST.  Needs deb-src entries in apt's sources (.ci/deps
# enables them) and dpkg-dev.  Kept when DEST already holds a complete tree.
if(NOT PACKAGE OR NOT DEST)
  message(FATAL_ERROR "usage: cmake -DPACKAGE=pkg -DDEST=dir -P debian-source.cmake")
endif()
if(EXISTS ${DEST}/.wa-debian-source)
  return()
endif()
find_program(APT_GET apt-get REQUIRED)
find_program(DPKG_SOURCE dpkg-source)
if(NOT DPKG_SOURCE)
  message(FATAL_ERROR "dpkg-source (package dpkg-dev) is needed to unpack ${PACKAGE}")
endif()

set(work ${DEST}.download)
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work})
execute_process(COMMAND ${APT_GET} source -qq --only-source ${PACKAGE}
  WORKING_DIRECTORY ${work}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "apt-get source ${PACKAGE} failed (exit ${rc}); are deb-src "
    "entries enabled (.ci/deps enables them) and the package lists current "
    "(apt-get update)?\n${out}\n${err}")
endif()

file(GLOB dsc ${work}/*.dsc)
file(GLOB entries LIST_DIRECTORIES true ${work}/*)
set(tree "")
foreach(e IN LISTS entries)
  if(IS_DIRECTORY ${e})
    list(APPEND tree ${e})
  endif()
endforeach()
list(LENGTH tree n)
if(NOT n EQUAL 1 OR NOT dsc)
  message(FATAL_ERROR "apt-get source ${PACKAGE} left no single unpacked tree in ${work}")
endif()
file(REMOVE_RECURSE ${DEST})
file(RENAME ${tree} ${DEST})
get_filename_component(dsc_name ${dsc} NAME)
file(WRITE ${DEST}/.wa-debian-source "${dsc_name}\n")
file(REMOVE_RECURSE ${work})
message(STATUS "Debian source ${dsc_name} unpacked in ${DEST}")
