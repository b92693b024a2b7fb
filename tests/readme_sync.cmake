# readme_sync.cmake — ctest readme_example_sync: the C block in README.md that
# follows the line `<!-- example: tests/test_readme_example.c -->` must be
# byte-identical to that file (which is built and run as test_readme_example),
# so the README's example always compiles and passes.
#   cmake -DSRC=<repo root> -P readme_sync.cmake
cmake_minimum_required(VERSION 3.20)
set(marker "<!-- example: tests/test_readme_example.c -->")
file(READ "${SRC}/README.md" readme)
file(READ "${SRC}/tests/test_readme_example.c" example)
string(FIND "${readme}" "${marker}" at)
if(at LESS 0)
  message(FATAL_ERROR "README.md has no line '${marker}'")
endif()
string(SUBSTRING "${readme}" ${at} -1 rest)
string(FIND "${rest}" "```c\n" open)
if(open LESS 0)
  message(FATAL_ERROR "README.md: no ```c block after '${marker}'")
endif()
math(EXPR open "${open} + 5")
string(SUBSTRING "${rest}" ${open} -1 rest)
string(FIND "${rest}" "\n```" close)
if(close LESS 0)
  message(FATAL_ERROR "README.md: the example block is not closed")
endif()
math(EXPR close "${close} + 1")
string(SUBSTRING "${rest}" 0 ${close} block)
if(NOT block STREQUAL example)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/readme_block.c" "${block}")
  message(FATAL_ERROR "README.md's example differs from tests/test_readme_example.c "
    "(README block written to ${CMAKE_CURRENT_BINARY_DIR}/readme_block.c; diff them)")
endif()
message(STATUS "README example == tests/test_readme_example.c")
