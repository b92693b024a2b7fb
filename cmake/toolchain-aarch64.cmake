# toolchain-aarch64.cmake — cross build for AArch64 Linux with the Debian
# cross toolchain (gcc-aarch64-linux-gnu); tests run under qemu-user.
#   cmake --preset aarch64        (or -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(UPSIMD_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER ${UPSIMD_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${UPSIMD_CROSS_PREFIX}g++)

set(UPSIMD_CROSS_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "Target libraries for qemu -L")
set(CMAKE_FIND_ROOT_PATH ${UPSIMD_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and try_run) start target programs through user-mode qemu.
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64;-L;${UPSIMD_CROSS_SYSROOT}")
