# Installation and packaging (docs/packaging.md): `cmake --install` puts
#   include/mmdb/*.h                         the public headers (+ version.h)
#   lib/libmmdb.a, lib/libmmdb.so*           the whole engine in one library
#   lib/cmake/mmdb/                          find_package(mmdb) -> mmdb::mmdb (static),
#                                            mmdb::mmdb_shared
#   lib/pkgconfig/mmdb.pc                    pkg-config --cflags --libs mmdb
#   bin/mmdb                                 the command-line tool
# The version comes from project(VERSION) in the top CMakeLists.txt only.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# <mmdb/version.h>, generated from the project version.
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.h.in
               ${PROJECT_BINARY_DIR}/include/mmdb/version.h @ONLY)
target_include_directories(mmdb INTERFACE ${PROJECT_BINARY_DIR}/include)

# One library from the objects of every subsystem (already compiled, PIC).
set(mmdb_install_objects)
foreach(part util env types cache memtable wal sst manifest iterator compaction db capi)
  list(APPEND mmdb_install_objects $<TARGET_OBJECTS:mmdb_${part}>)
endforeach()
set(mmdb_install_deps PkgConfig::LZ4 PkgConfig::ZSTD PkgConfig::DEFLATE PkgConfig::XXHASH
    Threads::Threads)

add_library(mmdb_static STATIC ${mmdb_install_objects})
set_target_properties(mmdb_static PROPERTIES OUTPUT_NAME mmdb EXPORT_NAME mmdb)
target_link_libraries(mmdb_static INTERFACE ${mmdb_install_deps})

add_library(mmdb_shared SHARED ${mmdb_install_objects})
set_target_properties(mmdb_shared PROPERTIES OUTPUT_NAME mmdb EXPORT_NAME mmdb_shared
                      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
target_link_libraries(mmdb_shared PRIVATE ${mmdb_install_deps})

foreach(lib mmdb_static mmdb_shared)
  target_include_directories(${lib} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${lib} INTERFACE cxx_std_20)
endforeach()

install(TARGETS mmdb_static mmdb_shared EXPORT mmdbTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mmdb DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/include/mmdb/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mmdb)
if(TARGET mmdb_tool)
  install(TARGETS mmdb_tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(mmdb_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/mmdb)
install(EXPORT mmdbTargets NAMESPACE mmdb:: DESTINATION ${mmdb_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mmdbConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mmdbConfig.cmake
                              INSTALL_DESTINATION ${mmdb_cmake_dir})
# 0.x: a minor version may break the API (semver), so require the same minor.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mmdbConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mmdbConfig.cmake ${PROJECT_BINARY_DIR}/mmdbConfigVersion.cmake
        DESTINATION ${mmdb_cmake_dir})

# mmdb.pc finds the prefix relative to its own location, so the file is right
# for whatever --prefix the install uses.
file(RELATIVE_PATH mmdb_pc_to_prefix "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mmdb.pc.in ${PROJECT_BINARY_DIR}/mmdb.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mmdb.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
