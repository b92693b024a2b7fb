# run.cmake — the install-consumer test (ctest: install_consumer).
#   cmake -DBUILD=<upsimd build tree> -DWORK=<scratch dir> [options] -P run.cmake
# 1. installs the build tree into WORK/prefix (`cmake --install`),
# 2. checks the installed files (header, static + shared library, CMake
#    package files, pkg-config file),
# 3. configures and builds tests/consumer with find_package(upsimd) against
#    that prefix only, and runs the shared- and the static-linked program,
# 4. compiles main.c with `cc main.c $(pkg-config --cflags --libs upsimd)`
#    (PKG_CONFIG_PATH into the prefix) and runs it with LD_LIBRARY_PATH.
# Any failure is FATAL_ERROR (non-zero exit).
# Options (passed by tests/CMakeLists.txt so the consumer is built like the
# library): GENERATOR, CC, C_FLAGS, LINKER_FLAGS, BUILD_TYPE, TOOLCHAIN
# (a CMAKE_TOOLCHAIN_FILE), EMULATOR (a "|"-separated command that runs
# target programs, e.g. qemu-aarch64|-L|/usr/aarch64-linux-gnu), LIBDIR
# (the install's CMAKE_INSTALL_LIBDIR, default lib).
cmake_minimum_required(VERSION 3.20)

foreach(v BUILD WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run.cmake: -D${v}=... is required")
  endif()
endforeach()
get_filename_component(HERE "${CMAKE_CURRENT_LIST_FILE}" DIRECTORY)
if(NOT LIBDIR)
  set(LIBDIR lib)
endif()
if(NOT CC)
  set(CC cc)
endif()
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
set(PREFIX "${WORK}/prefix")

# Runs a command; on failure prints its output and stops the test.
function(step name)
  message(STATUS "[install_consumer] ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[install_consumer] ${name} FAILED (${rc}):\n${ARGN}\n${out}")
  endif()
  set(STEP_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# ------------------------------------------------------------ 1. install
step("install into ${PREFIX}" "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}")

# ------------------------------------------------------------ 2. installed files
set(expected
  include/upsimd.h
  ${LIBDIR}/libupsimd.a
  ${LIBDIR}/libupsimd.so
  ${LIBDIR}/cmake/upsimd/upsimdConfig.cmake
  ${LIBDIR}/cmake/upsimd/upsimdConfigVersion.cmake
  ${LIBDIR}/cmake/upsimd/upsimdTargets.cmake
  ${LIBDIR}/pkgconfig/upsimd.pc)
foreach(f ${expected})
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "[install_consumer] not installed: ${f}")
  endif()
endforeach()
file(GLOB sonames "${PREFIX}/${LIBDIR}/libupsimd.so.*")
file(GLOB per_config "${PREFIX}/${LIBDIR}/cmake/upsimd/upsimdTargets-*.cmake")
if(NOT sonames OR NOT per_config)
  message(FATAL_ERROR "[install_consumer] missing libupsimd.so.<version> or upsimdTargets-<config>.cmake")
endif()
message(STATUS "[install_consumer] installed files ok")

# ------------------------------------------------------------ 3. find_package
set(cfg_args -S "${HERE}" -B "${WORK}/cmake-build"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
  "-DCMAKE_C_COMPILER=${CC}"
  "-DCMAKE_C_FLAGS=${C_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
if(GENERATOR)
  list(APPEND cfg_args -G "${GENERATOR}")
endif()
if(BUILD_TYPE)
  list(APPEND cfg_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()
if(TOOLCHAIN)
  # A cross toolchain re-roots package searches into its sysroot
  # (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY): point at the package directly.
  list(APPEND cfg_args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}"
    "-Dupsimd_DIR=${PREFIX}/${LIBDIR}/cmake/upsimd")
endif()
step("configure consumer (find_package)" "${CMAKE_COMMAND}" ${cfg_args})
step("build consumer" "${CMAKE_COMMAND}" --build "${WORK}/cmake-build")
foreach(exe consumer_shared consumer_static)
  step("run ${exe}" ${EMULATOR} "${WORK}/cmake-build/${exe}")
  message("${STEP_OUTPUT}")
endforeach()

# ------------------------------------------------------------ 4. pkg-config
find_program(PKG_CONFIG NAMES pkg-config pkgconf)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "[install_consumer] pkg-config not found (scripts/deps installs it)")
endif()
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
set(ENV{PKG_CONFIG_LIBDIR} "${PREFIX}/${LIBDIR}/pkgconfig")
unset(ENV{PKG_CONFIG_SYSROOT_DIR})
step("pkg-config --cflags --libs upsimd" "${PKG_CONFIG}" --cflags --libs upsimd)
string(STRIP "${STEP_OUTPUT}" pc_flags)
message(STATUS "[install_consumer] pkg-config: ${pc_flags}")
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(c_flags UNIX_COMMAND "${C_FLAGS} ${LINKER_FLAGS}")
step("cc main.c $(pkg-config ...)" "${CC}" ${c_flags} -std=c11 -Wall -Wextra -Werror
  "${HERE}/main.c" ${pc_flags} -o "${WORK}/consumer_pkgconfig")
set(ENV{LD_LIBRARY_PATH} "${PREFIX}/${LIBDIR}")
step("run consumer_pkgconfig" ${EMULATOR} "${WORK}/consumer_pkgconfig")
message("${STEP_OUTPUT}")

message(STATUS "[install_consumer] all ok: find_package (shared, static) and pkg-config")
