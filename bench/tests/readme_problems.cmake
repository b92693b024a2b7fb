# readme_problems.cmake — ctest readme_problem_examples: every problem
# descriptor README.md shows in "Your own layer: problem descriptors" (lines of
# its code blocks that start with an operator, and each --problem "...") parses
# and is accepted by the library, checked with upsimd-check --dry-run.
#   cmake -DSRC=<repo root> -DCHECK=<upsimd-check> -DOUT=<scratch file> -P readme_problems.cmake
cmake_minimum_required(VERSION 3.20)
file(READ "${SRC}/README.md" readme)
string(FIND "${readme}" "### Your own layer" begin)
string(FIND "${readme}" "**Errors**" end)
if(begin LESS 0 OR end LESS begin)
  message(FATAL_ERROR "README.md: no section '### Your own layer' ending at '**Errors**'")
endif()
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${readme}" ${begin} ${length} section)
string(REGEX MATCHALL "\n(deconv|nearest|bilinear|upconv) [^\n#]*" lines "${section}")
string(REGEX MATCHALL "--problem \"[^\"]*\"" options "${section}")
set(batch "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  string(APPEND batch "${line}\n")
endforeach()
foreach(option IN LISTS options)
  string(REGEX REPLACE "^--problem \"([^\"]*)\"$" "\\1" desc "${option}")
  string(APPEND batch "${desc}\n")
endforeach()
list(LENGTH lines n_lines)
list(LENGTH options n_options)
if(n_lines LESS 5 OR n_options LESS 3)
  message(FATAL_ERROR "README.md: found only ${n_lines} example lines and ${n_options} --problem "
    "options in 'Your own layer' (the extraction is broken or the examples are gone)")
endif()
file(WRITE "${OUT}" "${batch}")
# EMULATOR: a command prefix (a cross build's qemu), empty natively.
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
execute_process(COMMAND ${emulator} "${CHECK}" --dry-run --batch "${OUT}" RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a README.md problem example is refused (exit ${rc}): ${err}")
endif()
