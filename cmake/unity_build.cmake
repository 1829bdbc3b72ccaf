# Unity builds: each target's sources compiled in batches of up to 8 per
# translation unit (CMake's UNITY_BUILD).
#
# Why: at -O0 with sanitizers more than half of a source's compile time is
# instantiating and generating code for the same templates (nlohmann/json,
# GoogleTest, fmt, the standard library) that its neighbours instantiate
# again; a batch does it once. src/journal under ASan: 47 CPU s as three
# translation units, 28 s as one. The test command (scripts/test.sh, CI)
# builds the tree three times from scratch on 2 cores.
#
# Off by default when a compiler launcher (ccache) is set: a cache skips
# unchanged sources one by one, and a batch is recompiled whenever any of
# its sources changes.
#
# Not batched:
# * the code that runs in the timed region (the workloads, the worker, the
#   probes): its object code stays what it is in a build without batches, so
#   a unity build never changes what a shootout measures. A sanitizer build
#   never measures a shootout and batches the workloads and the worker too,
#   but never the probes: interpose.cpp's libc wrappers must stay an archive
#   member of their own, linked only where they are asked for
#   (shootout_export_interposers);
# * sources listed in SHOOTOUT_UNITY_ALONE below, with the reason: for a
#   helper of the same name as a neighbour's in an anonymous namespace,
#   which batched would collide or silently overload the other. Empty: such
#   helpers are shared instead (tests/support/text.h, tests/probe/
#   page_size.h, src/journal/lenient_json.h) or named for what they do; a
#   file compiled alone costs its own parse of the json, gtest and fmt
#   headers (release: 468 CPU s for the 26 objects of the 8 targets that had
#   such files, 410 s batched as 12). A syntax-only unity build of every
#   target finds a new collision (docs/design.md §8).
if(CMAKE_CXX_COMPILER_LAUNCHER)
  set(_unity_default OFF)
else()
  set(_unity_default ON)
endif()
option(SHOOTOUT_UNITY_BUILD "Compile each target's sources in batches (CMake UNITY_BUILD)"
       ${_unity_default})

# Sources compiled alone, relative to the project root, each with why (see
# above): none today.
set(SHOOTOUT_UNITY_ALONE)

# Targets whose code runs while a sample is timed.
set(SHOOTOUT_UNITY_TIMED_TARGETS shootout_workloads_asio shootout_workloads_shipped
                                 shootout_worker_main)

# shootout_unity_build(): call once, after every add_subdirectory.
function(shootout_unity_build)
  if(NOT SHOOTOUT_UNITY_BUILD)
    return()
  endif()
  shootout_project_targets(targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|OBJECT_LIBRARY)$")
      continue()
    endif()
    if(target STREQUAL "shootout_probe"
       OR (target IN_LIST SHOOTOUT_UNITY_TIMED_TARGETS AND NOT SHOOTOUT_SANITIZE))
      continue()
    endif()
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON)
  endforeach()
  foreach(source IN LISTS SHOOTOUT_UNITY_ALONE)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/${source} TARGET_DIRECTORY ${targets}
                                PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endforeach()
endfunction()
