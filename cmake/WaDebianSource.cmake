# SPDX-License-Identifier: MIT
# Libraries that Debian ships no static archive of, built during the static
# build from Debian's own source packages: `apt-get source` (deb-src entries
# enabled; .ci/deps does it) fetches the package with its Debian patches
# applied (cmake/debian-source.cmake), then ExternalProject builds it with
# this build's compiler (the cross compiler in a cross build) and installs a
# static archive and its headers under <build>/_deps/prefix.  Nothing of it
# is committed to this repository.
#
# wa_debian_source_library(<name> <source package>) makes IMPORTED target
# wa::<name>; the package must have a WA_DEBSRC_<package>_* entry below.
include(ExternalProject)

set(WA_DEPS_DIR ${PROJECT_BINARY_DIR}/_deps)
set(WA_DEPS_PREFIX ${WA_DEPS_DIR}/prefix)

# libzip: only zlib and bzip2, as Debian's own libzip4 (its shared library
# links libbz2 too, and wheelaudit accepts exactly the compression methods
# libzip supports: stored, deflate and bzip2).  No crypto backend: libzip
# needs one only to decrypt (or write) AES-encrypted entries, and wheelaudit
# refuses encrypted members before reading them (src/wheel.c).
set(WA_DEBSRC_libzip_LIB zip)
set(WA_DEBSRC_libzip_ARGS
  -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF
  -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF
  -DENABLE_BZIP2=ON -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF
  -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF
  -DZLIB_INCLUDE_DIR=${CMAKE_SYSROOT}/usr/include -DZLIB_LIBRARY=${WA_MULTIARCH_LIBDIR}/libz.a
  -DBZIP2_INCLUDE_DIR=${CMAKE_SYSROOT}/usr/include
  -DBZIP2_LIBRARY_RELEASE=${WA_MULTIARCH_LIBDIR}/libbz2.a)
# cJSON: as Debian builds it (locale-aware number printing kept), without
# its tests and its own warning flags.
set(WA_DEBSRC_cjson_LIB cjson)
set(WA_DEBSRC_cjson_ARGS
  -DENABLE_CJSON_TEST=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF
  -DENABLE_TARGET_EXPORT=OFF -DBUILD_SHARED_AND_STATIC_LIBS=OFF)

set(WA_DEBSRC_COMMON_ARGS
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_INSTALL_PREFIX=${WA_DEPS_PREFIX}
  -DCMAKE_INSTALL_LIBDIR=lib
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER})
if(CMAKE_TOOLCHAIN_FILE)
  list(APPEND WA_DEBSRC_COMMON_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE})
endif()

file(MAKE_DIRECTORY ${WA_DEPS_PREFIX}/include ${WA_DEPS_PREFIX}/lib)

function(wa_debian_source_library name package)
  if(NOT DEFINED WA_DEBSRC_${package}_LIB)
    message(FATAL_ERROR "cmake/WaDebianSource.cmake does not know how to build ${package}")
  endif()
  set(lib ${WA_DEPS_PREFIX}/lib/lib${WA_DEBSRC_${package}_LIB}.a)
  ExternalProject_Add(wa_debsrc_${package}
    PREFIX ${WA_DEPS_DIR}/${package}
    SOURCE_DIR ${WA_DEPS_DIR}/${package}/source
    BINARY_DIR ${WA_DEPS_DIR}/${package}/build
    DOWNLOAD_COMMAND ${CMAKE_COMMAND} -DPACKAGE=${package}
      -DDEST=${WA_DEPS_DIR}/${package}/source
      -P ${PROJECT_SOURCE_DIR}/cmake/debian-source.cmake
    CMAKE_ARGS ${WA_DEBSRC_COMMON_ARGS} ${WA_DEBSRC_${package}_ARGS}
    BUILD_BYPRODUCTS ${lib}
    LOG_DOWNLOAD ON LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON
    LOG_OUTPUT_ON_FAILURE ON)
  add_library(wa::${name} STATIC IMPORTED GLOBAL)
  set_target_properties(wa::${name} PROPERTIES
    IMPORTED_LOCATION ${lib}
    INTERFACE_INCLUDE_DIRECTORIES ${WA_DEPS_PREFIX}/include)
  add_dependencies(wa::${name} wa_debsrc_${package})
endfunction()
