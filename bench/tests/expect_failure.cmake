# expect_failure.cmake — a CTest helper: runs PROGRAM with up to four
# arguments (ARG1..ARG4, each may hold spaces, e.g. a problem descriptor) and
# passes only when the exit status is non-zero AND stdout+stderr match the
# regular expression EXPECT (PASS_REGULAR_EXPRESSION alone ignores the status).
#   cmake -DPROGRAM=<exe> -DARG1=--problem "-DARG2=deconv ic4 q3" -DEXPECT=<regex> -P expect_failure.cmake
cmake_minimum_required(VERSION 3.20)
set(args)
foreach(i 1 2 3 4)
  if(DEFINED ARG${i})
    list(APPEND args "${ARG${i}}")
  endif()
endforeach()
# EMULATOR: a command prefix (a cross build's qemu), empty natively.
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
execute_process(COMMAND ${emulator} "${PROGRAM}" ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
message(STATUS "exit status ${rc}; output:\n${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "expected a non-zero exit status, got 0")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "the output does not match '${EXPECT}'")
endif()
