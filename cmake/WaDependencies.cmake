# SPDX-License-Identifier: MIT
# The third-party libraries wacore links, found in one of two ways:
#
#   shared (default)  the pkg-config modules of the system's -dev packages;
#   static (WA_STATIC) Debian's static archives (lib*.a) for the target's
#                      multiarch triplet, or, for the libraries Debian ships
#                      no archive of (libzip, cJSON), the library built from
#                      its Debian source package during the build
#                      (cmake/WaDebianSource.cmake).
#
# Each wa_dependency() call gives one link target and appends it to
# WA_DEPENDENCIES, which wacore links:
#
#   wa_dependency(<name> PKGCONFIG <module> PREFIX <pkg-config prefix>
#                 [ARCHIVE <lib> | DEBIAN_SOURCE <source package>]
#                 [DEPS <name>...] [STATIC_ONLY])
#
# PREFIX keeps the PkgConfig::<PREFIX> target names of the shared build.
# ARCHIVE names /usr/lib/<triplet>/lib<lib>.a; DEBIAN_SOURCE a source package
# that cmake/WaDebianSource.cmake knows how to build.  DEPS are the static
# archive's own needs (wa::<name>); STATIC_ONLY marks a library that only a
# static link names (the shared libraries carry it themselves).
#
# The SHA-256 provider is wa_sha256_provider(): WA_SHA256=openssl (libcrypto)
# or nettle; the static build takes nettle (docs/building.md says why).

option(WA_STATIC "Link wheelaudit fully statically (glibc, static-pie)" OFF)
set(WA_DEPENDENCIES "")

if(WA_STATIC)
  if(WA_SANITIZE)
    message(FATAL_ERROR "WA_STATIC and WA_SANITIZE exclude each other (the "
      "sanitizer runtimes are shared libraries)")
  endif()
  if(NOT CMAKE_LIBRARY_ARCHITECTURE)
    message(FATAL_ERROR "WA_STATIC needs the target's Debian multiarch triplet "
      "(CMAKE_LIBRARY_ARCHITECTURE); set it in the toolchain file")
  endif()
  # (under CMAKE_SYSROOT when the toolchain uses one)
  set(WA_MULTIARCH_LIBDIR ${CMAKE_SYSROOT}/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
  include(${CMAKE_CURRENT_LIST_DIR}/WaDebianSource.cmake)
endif()

# A static archive from a Debian -dev package, as IMPORTED target wa::<name>.
function(wa_debian_archive name lib)
  set(path ${WA_MULTIARCH_LIBDIR}/lib${lib}.a)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "static build: ${path} is missing (install the -dev "
      "package of lib${lib} for ${CMAKE_LIBRARY_ARCHITECTURE}; .ci/deps does)")
  endif()
  add_library(wa::${name} STATIC IMPORTED GLOBAL)
  set_target_properties(wa::${name} PROPERTIES IMPORTED_LOCATION ${path})
endfunction()

function(wa_dependency name)
  cmake_parse_arguments(A "STATIC_ONLY" "PKGCONFIG;PREFIX;ARCHIVE;DEBIAN_SOURCE" "DEPS" ${ARGN})
  if(NOT WA_STATIC)
    if(A_STATIC_ONLY)
      return()
    endif()
    pkg_check_modules(${A_PREFIX} REQUIRED IMPORTED_TARGET GLOBAL ${A_PKGCONFIG})
    # One name in both builds, for the few tests that use a library directly.
    add_library(wa::${name} ALIAS PkgConfig::${A_PREFIX})
    set(WA_DEPENDENCIES ${WA_DEPENDENCIES} PkgConfig::${A_PREFIX} PARENT_SCOPE)
    return()
  endif()
  if(A_ARCHIVE)
    wa_debian_archive(${name} ${A_ARCHIVE})
  elseif(A_DEBIAN_SOURCE)
    wa_debian_source_library(${name} ${A_DEBIAN_SOURCE})
  else()
    message(FATAL_ERROR "wa_dependency(${name}): no ARCHIVE or DEBIAN_SOURCE for the static build")
  endif()
  foreach(d IN LISTS A_DEPS)
    set_property(TARGET wa::${name} APPEND PROPERTY INTERFACE_LINK_LIBRARIES wa::${d})
  endforeach()
  if(NOT A_STATIC_ONLY)
    set(WA_DEPENDENCIES ${WA_DEPENDENCIES} wa::${name} PARENT_SCOPE)
  endif()
endfunction()

# wa::sha256 and the compile-time choice in src/hash.c.
function(wa_sha256_provider)
  if(WA_STATIC)
    set(default nettle)
  else()
    set(default openssl)
  endif()
  set(WA_SHA256 ${default} CACHE STRING "SHA-256 provider of src/hash.c: openssl or nettle")
  set_property(CACHE WA_SHA256 PROPERTY STRINGS openssl nettle)
  if(WA_SHA256 STREQUAL "nettle")
    if(WA_STATIC)
      wa_debian_archive(sha256 nettle)
    else()
      pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET GLOBAL nettle)
      add_library(wa::sha256 INTERFACE IMPORTED GLOBAL)
      target_link_libraries(wa::sha256 INTERFACE PkgConfig::NETTLE)
    endif()
    set_source_files_properties(${PROJECT_SOURCE_DIR}/src/hash.c PROPERTIES
      COMPILE_DEFINITIONS WA_SHA256_NETTLE)
  elseif(WA_SHA256 STREQUAL "openssl")
    if(WA_STATIC)
      # Debian's libcrypto.a pulls in dlopen(), getaddrinfo() and
      # gethostbyname() for a bare EVP_Digest: NSS and shared objects at run
      # time, which a static binary must never load.
      message(FATAL_ERROR "WA_SHA256=openssl cannot be linked statically "
        "(Debian's libcrypto.a needs dlopen and NSS); use nettle")
    endif()
    find_package(OpenSSL REQUIRED COMPONENTS Crypto)
    add_library(wa::sha256 INTERFACE IMPORTED GLOBAL)
    target_link_libraries(wa::sha256 INTERFACE OpenSSL::Crypto)
  else()
    message(FATAL_ERROR "WA_SHA256 must be openssl or nettle, not '${WA_SHA256}'")
  endif()
  set(WA_DEPENDENCIES ${WA_DEPENDENCIES} wa::sha256 PARENT_SCOPE)
endfunction()
