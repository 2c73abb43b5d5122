# SPDX-License-Identifier: MIT
# Checks the public headers in INCLUDE_DIR/wheelaudit (cmake -P; see
# tests/headers/CMakeLists.txt).  MODE=compile: each header compiles alone
# with CC and FLAGS (a .c made from TEMPLATE).  MODE=third_party: no header
# includes a third-party library's header.  Every failure is listed, then
# the script fails.
foreach(v MODE INCLUDE_DIR WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_headers.cmake: ${v} is not set")
  endif()
endforeach()
file(GLOB headers ${INCLUDE_DIR}/wheelaudit/*.h)
if(NOT headers)
  message(FATAL_ERROR "no headers in ${INCLUDE_DIR}/wheelaudit")
endif()
set(failures 0)

if(MODE STREQUAL "third_party")
  # The libraries wacore links PRIVATE (and the test framework): their
  # headers may appear in src/*.c adapters only.
  set(forbidden [[^[ 	]*#[ 	]*include[ 	]*[<"](zip\.h|zipconf\.h|libelf\.h|gelf\.h|cjson/|cJSON\.h|openssl/|zlib\.h|cmocka\.h)]])
  foreach(h IN LISTS headers)
    file(STRINGS ${h} lines)
    set(n 0)
    foreach(line IN LISTS lines)
      math(EXPR n "${n} + 1")
      if(line MATCHES "${forbidden}")
        file(RELATIVE_PATH rel ${INCLUDE_DIR} ${h})
        message("${rel}:${n} includes a third-party header: ${line}")
        math(EXPR failures "${failures} + 1")
      endif()
    endforeach()
  endforeach()
elseif(MODE STREQUAL "compile")
  if(NOT CC OR NOT TEMPLATE)
    message(FATAL_ERROR "MODE=compile needs CC and TEMPLATE")
  endif()
  file(MAKE_DIRECTORY ${WORK})
  foreach(h IN LISTS headers)
    get_filename_component(stem ${h} NAME_WE)
    set(WA_HEADER wheelaudit/${stem}.h)
    string(MAKE_C_IDENTIFIER ${stem} WA_HEADER_ID)
    configure_file(${TEMPLATE} ${WORK}/header_${stem}.c @ONLY)
    execute_process(
      COMMAND ${CC} ${FLAGS} -D_POSIX_C_SOURCE=200809L -I${INCLUDE_DIR} -fsyntax-only
              ${WORK}/header_${stem}.c
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message("wheelaudit/${stem}.h is not self-contained:\n${out}")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()

list(LENGTH headers total)
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} problem(s) in ${total} headers")
endif()
message("${total} headers checked (${MODE})")
