# mmdb_subsystem(NAME DEPS ...): a static library mmdb_NAME from src/NAME/*.cc.
# A subsystem without sources yet is an interface library, so the graph stays
# whole while the engine grows.
function(mmdb_subsystem name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cc)
  if(srcs)
    add_library(mmdb_${name} STATIC ${srcs})
    target_include_directories(mmdb_${name} PUBLIC
      ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(mmdb_${name} PUBLIC ${ARG_DEPS})
    set_target_properties(mmdb_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  else()
    add_library(mmdb_${name} INTERFACE)
    target_include_directories(mmdb_${name} INTERFACE
      ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(mmdb_${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# mmdb_test_suite(NAME LIBS ... LABELS ...): one gtest binary NAME_test from
# tests/NAME/*_test.cc, every case registered with ctest.
function(mmdb_test_suite name)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${name}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name}_test ${srcs})
  target_link_libraries(${name}_test PRIVATE ${ARG_LIBS} mmdb_test_util GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name}_test PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  # Cases named Slow* (e.g. CrashTest.SlowProcessKill250Cycles) get the
  # `slow` label instead: `make test` skips them, `make soak` runs them (one
  # label only: the PROPERTIES list of gtest_discover_tests cannot hold two).
  gtest_discover_tests(${name}_test
    TEST_FILTER "-*.Slow*"
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
  gtest_discover_tests(${name}_test
    TEST_FILTER "*.Slow*"
    PROPERTIES LABELS slow TIMEOUT 1800
    DISCOVERY_TIMEOUT 60)
endfunction()
