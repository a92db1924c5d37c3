# Event-loop libraries for loop_test (tests/loop_test.cpp). The adapters in
# include/aio/loop/ are header-only; only the test program needs the
# libraries. Included by tests/CMakeLists.txt after the test targets exist:
#     include(${CMAKE_CURRENT_SOURCE_DIR}/loop_deps.cmake)
# Each library found enables its tests (AIOPP_HAVE_LIBEV / _LIBUV / _ASIO);
# a missing one is reported as a skipped test, not a build failure.
if(NOT TARGET loop_test)
  return()
endif()

find_path(AIOPP_LIBEV_INCLUDE_DIR ev.h)
find_library(AIOPP_LIBEV_LIBRARY ev)
if(AIOPP_LIBEV_INCLUDE_DIR AND AIOPP_LIBEV_LIBRARY)
  target_include_directories(loop_test SYSTEM PRIVATE ${AIOPP_LIBEV_INCLUDE_DIR})
  target_link_libraries(loop_test PRIVATE ${AIOPP_LIBEV_LIBRARY})
  target_compile_definitions(loop_test PRIVATE AIOPP_HAVE_LIBEV=1)
endif()

pkg_check_modules(AIOPP_LIBUV IMPORTED_TARGET libuv)
if(AIOPP_LIBUV_FOUND)
  target_link_libraries(loop_test PRIVATE PkgConfig::AIOPP_LIBUV)
  target_compile_definitions(loop_test PRIVATE AIOPP_HAVE_LIBUV=1)
endif()

find_path(AIOPP_ASIO_INCLUDE_DIR asio.hpp)
if(AIOPP_ASIO_INCLUDE_DIR)
  target_include_directories(loop_test SYSTEM PRIVATE ${AIOPP_ASIO_INCLUDE_DIR})
  target_compile_definitions(loop_test PRIVATE AIOPP_HAVE_ASIO=1 ASIO_NO_DEPRECATED=1)
  # Asio's own inlined code trips GCC's -Wnull-dereference at -O1 and, under
  # TSan, -Wtsan (atomic_thread_fence).
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-Wno-tsan AIOPP_HAVE_WNO_TSAN)
  target_compile_options(loop_test PRIVATE -Wno-null-dereference
                         $<$<BOOL:${AIOPP_HAVE_WNO_TSAN}>:-Wno-tsan>)
endif()
