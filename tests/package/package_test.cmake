# ctest PackageTest.*: installs the build into a prefix inside the build
# directory, then builds examples/ against that installed package (never the
# build tree): the C++ example through find_package(mmdb), the C example
# through pkg-config, and runs both.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DGENERATOR=... -DC_COMPILER=... -P package_test.cmake
set(work ${BUILD_DIR}/package_test)
set(prefix ${work}/prefix)
file(REMOVE_RECURSE ${work})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/mmdb/db.h include/mmdb/c.h include/mmdb/version.h bin/mmdb)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# C++ through the CMake package. CMAKE_FIND_USE_PACKAGE_REGISTRY=OFF keeps
# find_package from looking anywhere but the prefix.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${work}/example -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -Dmmdb_DIR=)
run(${CMAKE_COMMAND} --build ${work}/example)
run(${work}/example/mmdb_example ${work}/cpp-db)
if(NOT run_output MATCHES "users, user:9 = renamed")
  message(FATAL_ERROR "unexpected output: ${run_output}")
endif()
message(STATUS "find_package example: ${run_output}")

# C through pkg-config (the shared library, found at run time via LD_LIBRARY_PATH).
file(GLOB pc_dir LIST_DIRECTORIES true ${prefix}/lib*/pkgconfig ${prefix}/lib/*/pkgconfig)
run(${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir} pkg-config --cflags --libs mmdb)
string(STRIP "${run_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} -std=c99 -Wall -Werror ${SOURCE_DIR}/examples/c_example.c ${flags} -o ${work}/c_example)
get_filename_component(libdir ${pc_dir} DIRECTORY)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${work}/c_example ${work}/c-db)
if(NOT run_output MATCHES "greeting = hello from C")
  message(FATAL_ERROR "unexpected output: ${run_output}")
endif()
message(STATUS "pkg-config example: ${run_output}")
