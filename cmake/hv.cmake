# Project helpers: hv_library, hv_test, hv_fuzzer, hv_layering_check.
# Include root is the repository root, so headers are included as
# "hypervisor-shim/partition.h"; generated protos as "hv/cim/v1/cim.pb.h".

# hv_library(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
function(hv_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()

# hv_test(NAME SOURCES ... [DEPS ...] [LABELS ...] [TIMEOUT s])
# One gtest binary; every TEST is registered with ctest individually.
function(hv_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gmock GTest::gtest_main Threads::Threads)
  # Tests find the tree through HV_SOURCE_DIR / HV_BINARY_DIR. gtest_discover_tests
  # runs every test through the target's CROSSCOMPILING_EMULATOR, so `env` sets
  # them for discovery and every run (an ENVIRONMENT list would be split apart).
  set_property(TARGET ${name} PROPERTY CROSSCOMPILING_EMULATOR
    env HV_SOURCE_DIR=${PROJECT_SOURCE_DIR} HV_BINARY_DIR=${PROJECT_BINARY_DIR})
  set(props TIMEOUT ${A_TIMEOUT})
  if(A_LABELS)
    list(APPEND props LABELS "${A_LABELS}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${props})
endfunction()

# hv_fuzzer(NAME SOURCES ... DEPS ... [CORPUS dir])
# A libFuzzer entry point (LLVMFuzzerTestOneInput). With HV_FUZZ (clang) it links
# -fsanitize=fuzzer; otherwise it links tests/fuzz/replay_main.cc, which replays the
# corpus plus seeded random inputs, and runs as an ordinary ctest test.
function(hv_fuzzer name)
  cmake_parse_arguments(A "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
  if(HV_FUZZ)
    # The tree is already built with ASan, UBSan and coverage (HV_FUZZ in
    # CMakeLists.txt); this links libFuzzer's main.
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    add_test(NAME ${name}.replay
      COMMAND ${name} --runs=20000 ${A_CORPUS})
    set_tests_properties(${name}.replay PROPERTIES LABELS "fuzz" TIMEOUT 120)
  endif()
endfunction()

# The DESIGN.md dependency table, enforced on #include lines: a forbidden include
# fails the build (target `layering`, part of ALL) and names the file and line.
function(hv_layering_check)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/*.h ${PROJECT_SOURCE_DIR}/*.cc ${PROJECT_SOURCE_DIR}/*.c)
  list(FILTER srcs EXCLUDE REGEX "/build[^/]*/")
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/layering.stamp
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR}
            -DSTAMP=${PROJECT_BINARY_DIR}/layering.stamp
            -P ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake
    DEPENDS ${srcs} ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake
    COMMENT "Checking include layering (DESIGN.md dependency table)")
  add_custom_target(layering ALL DEPENDS ${PROJECT_BINARY_DIR}/layering.stamp)
endfunction()
