# bench/peers.cmake — optional peer libraries for the benchmark (oneDNN,
# XNNPACK, OpenCV). Included by bench/CMakeLists.txt. Defines the static
# library `upsimd_peers` (the adapters that were found + the registry of
# bench/peers.h) and the test `peers_agree`. No peer is ever required: with
# none found, upsimd_peers still builds and reports zero peers.
#
# Debian packages: libdnnl-dev, libxnnpack-dev + libpthreadpool-dev (xnnpack.h
# includes pthreadpool.h), libopencv-core-dev + libopencv-imgproc-dev.
# Each peer can be switched off: -DUPSIMD_PEER_ONEDNN=OFF etc.

option(UPSIMD_PEER_ONEDNN "Build the oneDNN peer adapter when oneDNN is found" ON)
option(UPSIMD_PEER_XNNPACK "Build the XNNPACK peer adapter when XNNPACK is found" ON)
option(UPSIMD_PEER_OPENCV "Build the OpenCV peer adapter when OpenCV is found" ON)

set(_ups_peer_dir ${CMAKE_CURRENT_LIST_DIR})
set(_ups_peer_sources ${_ups_peer_dir}/peer_registry.c)
set(_ups_peer_defs)
set(_ups_peer_libs)
set(_ups_peer_incs)
set(_ups_peer_found)
set(_ups_peer_missing)
set(_ups_peer_cxx OFF)

# ------------------------------------------------------------------ oneDNN
# find_path/find_library rather than find_package(dnnl): Debian's
# dnnl-config.cmake does find_package(OpenCL REQUIRED), which would make a
# configure without OpenCL headers fail hard.
if(UPSIMD_PEER_ONEDNN)
  find_path(UPSIMD_DNNL_INCLUDE_DIR NAMES oneapi/dnnl/dnnl.hpp)
  find_library(UPSIMD_DNNL_LIBRARY NAMES dnnl)
  if(UPSIMD_DNNL_INCLUDE_DIR AND UPSIMD_DNNL_LIBRARY)
    set(_ups_ver "?")
    if(EXISTS ${UPSIMD_DNNL_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h)
      file(STRINGS ${UPSIMD_DNNL_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h _ups_vl
        REGEX "#define DNNL_VERSION_(MAJOR|MINOR|PATCH) ")
      string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
        _ups_ver "${_ups_vl}")
    endif()
    if(_ups_ver VERSION_LESS 2.0 OR NOT _ups_ver VERSION_LESS 3.0)
      list(APPEND _ups_peer_missing "oneDNN (${_ups_ver} found; the adapter uses the 2.x API)")
    else()
      list(APPEND _ups_peer_sources ${_ups_peer_dir}/peer_onednn.cc)
      list(APPEND _ups_peer_defs UPSIMD_PEER_ONEDNN=1)
      list(APPEND _ups_peer_libs ${UPSIMD_DNNL_LIBRARY} ${CMAKE_DL_LIBS})
      list(APPEND _ups_peer_incs ${UPSIMD_DNNL_INCLUDE_DIR})
      list(APPEND _ups_peer_found "oneDNN ${_ups_ver}")
      set(_ups_peer_cxx ON)
    endif()
  else()
    list(APPEND _ups_peer_missing "oneDNN (libdnnl-dev)")
  endif()
endif()

# ----------------------------------------------------------------- XNNPACK
if(UPSIMD_PEER_XNNPACK)
  find_path(UPSIMD_XNNPACK_INCLUDE_DIR NAMES xnnpack.h)
  find_path(UPSIMD_PTHREADPOOL_INCLUDE_DIR NAMES pthreadpool.h)
  find_library(UPSIMD_XNNPACK_LIBRARY NAMES XNNPACK xnnpack)
  if(UPSIMD_XNNPACK_INCLUDE_DIR AND UPSIMD_XNNPACK_LIBRARY AND UPSIMD_PTHREADPOOL_INCLUDE_DIR)
    set(_ups_ver "unknown")
    find_program(UPSIMD_DPKG_QUERY dpkg-query)
    mark_as_advanced(UPSIMD_DPKG_QUERY)
    if(UPSIMD_DPKG_QUERY)
      execute_process(COMMAND ${UPSIMD_DPKG_QUERY} -W -f=\${Version} libxnnpack-dev
        OUTPUT_VARIABLE _ups_dpkg_ver RESULT_VARIABLE _ups_rc ERROR_QUIET
        OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(_ups_rc EQUAL 0 AND _ups_dpkg_ver)
        set(_ups_ver "${_ups_dpkg_ver}")
      endif()
    endif()
    list(APPEND _ups_peer_sources ${_ups_peer_dir}/peer_xnnpack.c)
    list(APPEND _ups_peer_defs UPSIMD_PEER_XNNPACK=1 "UPSIMD_XNNPACK_VERSION=\"${_ups_ver}\"")
    list(APPEND _ups_peer_libs ${UPSIMD_XNNPACK_LIBRARY})
    # The adapter makes its own pthreadpool for --threads=N.
    find_library(UPSIMD_PTHREADPOOL_PEER_LIBRARY NAMES pthreadpool)
    mark_as_advanced(UPSIMD_PTHREADPOOL_PEER_LIBRARY)
    if(UPSIMD_PTHREADPOOL_PEER_LIBRARY)
      list(APPEND _ups_peer_libs ${UPSIMD_PTHREADPOOL_PEER_LIBRARY})
    endif()
    list(APPEND _ups_peer_incs ${UPSIMD_XNNPACK_INCLUDE_DIR} ${UPSIMD_PTHREADPOOL_INCLUDE_DIR})
    list(APPEND _ups_peer_found "XNNPACK ${_ups_ver}")
  elseif(UPSIMD_XNNPACK_INCLUDE_DIR AND UPSIMD_XNNPACK_LIBRARY)
    list(APPEND _ups_peer_missing "XNNPACK (pthreadpool.h missing: libpthreadpool-dev)")
  else()
    list(APPEND _ups_peer_missing "XNNPACK (libxnnpack-dev)")
  endif()
endif()

# ------------------------------------------------------------------ OpenCV
# Debian's libopencv-{core,imgproc}-dev ship no CMake package (that is in the
# big libopencv-dev), so fall back to the headers and libraries.
if(UPSIMD_PEER_OPENCV)
  find_package(OpenCV QUIET COMPONENTS core imgproc)
  if(OpenCV_FOUND)
    list(APPEND _ups_peer_sources ${_ups_peer_dir}/peer_opencv.cc)
    list(APPEND _ups_peer_defs UPSIMD_PEER_OPENCV=1)
    list(APPEND _ups_peer_libs ${OpenCV_LIBS})
    list(APPEND _ups_peer_incs ${OpenCV_INCLUDE_DIRS})
    list(APPEND _ups_peer_found "OpenCV ${OpenCV_VERSION}")
    set(_ups_peer_cxx ON)
  else()
    find_path(UPSIMD_OPENCV_INCLUDE_DIR NAMES opencv2/imgproc.hpp PATH_SUFFIXES opencv4)
    find_library(UPSIMD_OPENCV_CORE_LIBRARY NAMES opencv_core)
    find_library(UPSIMD_OPENCV_IMGPROC_LIBRARY NAMES opencv_imgproc)
    if(UPSIMD_OPENCV_INCLUDE_DIR AND UPSIMD_OPENCV_CORE_LIBRARY AND UPSIMD_OPENCV_IMGPROC_LIBRARY)
      set(_ups_ver "4")
      if(EXISTS ${UPSIMD_OPENCV_INCLUDE_DIR}/opencv2/core/version.hpp)
        file(STRINGS ${UPSIMD_OPENCV_INCLUDE_DIR}/opencv2/core/version.hpp _ups_vl
          REGEX "#define CV_VERSION_(MAJOR|MINOR|REVISION) ")
        string(REGEX REPLACE ".*MAJOR +([0-9]+).*MINOR +([0-9]+).*REVISION +([0-9]+).*"
          "\\1.\\2.\\3" _ups_ver "${_ups_vl}")
      endif()
      list(APPEND _ups_peer_sources ${_ups_peer_dir}/peer_opencv.cc)
      list(APPEND _ups_peer_defs UPSIMD_PEER_OPENCV=1)
      list(APPEND _ups_peer_libs ${UPSIMD_OPENCV_IMGPROC_LIBRARY} ${UPSIMD_OPENCV_CORE_LIBRARY})
      list(APPEND _ups_peer_incs ${UPSIMD_OPENCV_INCLUDE_DIR})
      list(APPEND _ups_peer_found "OpenCV ${_ups_ver}")
      set(_ups_peer_cxx ON)
    else()
      list(APPEND _ups_peer_missing "OpenCV (libopencv-core-dev libopencv-imgproc-dev)")
    endif()
  endif()
endif()

if(_ups_peer_cxx)
  enable_language(CXX)
endif()

# ------------------------------------------------------------------ target
add_library(upsimd_peers STATIC ${_ups_peer_sources})
target_include_directories(upsimd_peers PUBLIC ${_ups_peer_dir})
target_include_directories(upsimd_peers SYSTEM PRIVATE ${_ups_peer_incs})
target_compile_definitions(upsimd_peers PRIVATE ${_ups_peer_defs})
target_link_libraries(upsimd_peers PUBLIC upsimd_static PRIVATE ${_ups_peer_libs})
# The peers' headers are included as SYSTEM headers, so the project's warning
# flags (and -Werror under UPSIMD_WERROR) apply to the adapters themselves only.
target_compile_options(upsimd_peers PRIVATE ${UPSIMD_WARNINGS})
if(_ups_peer_cxx)
  set_target_properties(upsimd_peers PROPERTIES CXX_STANDARD 14 CXX_STANDARD_REQUIRED ON)
endif()

if(_ups_peer_found)
  string(REPLACE ";" ", " _ups_msg "${_ups_peer_found}")
else()
  set(_ups_msg "none")
endif()
message(STATUS "upsimd peers: ${_ups_msg}")
if(_ups_peer_missing)
  string(REPLACE ";" ", " _ups_msg "${_ups_peer_missing}")
  message(STATUS "upsimd peers not built: ${_ups_msg}")
  if(CMAKE_CROSSCOMPILING)
    # Debian multiarch cannot hold them beside the host's: libdnnl-dev's
    # dnnl_config.h differs between amd64 and arm64, and libxnnpack0 and
    # libpthreadpool0 are not Multi-Arch: same.
    message(STATUS "upsimd peers: this cross build (${CMAKE_SYSTEM_PROCESSOR}) looks for the "
      "target's builds of the peers only; Debian's arm64 oneDNN and XNNPACK cannot be installed "
      "beside the amd64 ones, so the harness runs without them here. On a native "
      "${CMAKE_SYSTEM_PROCESSOR} machine scripts/bench installs and builds them.")
  endif()
endif()

# ------------------------------------------------------------------ test
# peers_agree: every mapping a peer accepts, checked against the scalar
# reference with the contract of kernels/check.h (run with --time for a quick
# single-thread timing of the reference workloads).
add_executable(peers_agree ${_ups_peer_dir}/peers_agree.c)
target_link_libraries(peers_agree PRIVATE upsimd_peers upsimd_static m)
target_compile_options(peers_agree PRIVATE ${UPSIMD_WARNINGS})
if(_ups_peer_cxx)
  set_target_properties(peers_agree PROPERTIES LINKER_LANGUAGE CXX)
endif()
add_test(NAME peers_agree COMMAND peers_agree)

unset(_ups_peer_dir)
unset(_ups_peer_sources)
unset(_ups_peer_defs)
unset(_ups_peer_libs)
unset(_ups_peer_incs)
unset(_ups_peer_missing)
unset(_ups_peer_found)
unset(_ups_peer_cxx)
unset(_ups_ver)
unset(_ups_vl)
unset(_ups_msg)
