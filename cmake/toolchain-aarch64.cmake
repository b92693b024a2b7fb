# toolchain-aarch64.cmake — cross build for AArch64 Linux with the Debian
# cross toolchain (gcc-/g++-aarch64-linux-gnu); tests run under qemu-user.
#   cmake --preset aarch64        (or -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake)
# Target libraries are looked up in the cross sysroot (/usr/aarch64-linux-gnu:
# libc6-dev-arm64-cross) and in Debian's multiarch directories
# (/usr/lib/aarch64-linux-gnu: the benchmark's libbenchmark-dev:arm64 and
# libhwloc-dev:arm64, installed by scripts/deps). When the C++ cross compiler
# or those libraries are missing, the benchmark harness is left out with a
# message (bench/CMakeLists.txt) and the library and tests still build.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(UPSIMD_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER ${UPSIMD_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${UPSIMD_CROSS_PREFIX}g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(UPSIMD_CROSS_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "Target libraries for qemu -L")
# "/" re-rooted with CMAKE_LIBRARY_ARCHITECTURE finds the multiarch arm64
# packages (/usr/lib/aarch64-linux-gnu, its cmake/ and pkgconfig/), never the
# host's x86-64 libraries.
set(CMAKE_FIND_ROOT_PATH ${UPSIMD_CROSS_SYSROOT} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (hwloc) reads the arm64 .pc files only, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest (and try_run) start target programs through user-mode qemu, by way
# of cmake/qemu-aarch64-run: the sysroot's loader with the sysroot's C
# library (see there why), the multiarch arm64 libraries beside them.
set(CMAKE_CROSSCOMPILING_EMULATOR
  "sh;${CMAKE_CURRENT_LIST_DIR}/qemu-aarch64-run;--sysroot=${UPSIMD_CROSS_SYSROOT}")
