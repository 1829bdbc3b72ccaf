include_guard(GLOBAL)
# shootout_targets_below(<dir> <out>): every target defined in <dir> and the
# directories added below it. shootout_project_targets(<out>): the same for
# the whole project (the build-wide settings in cmake/ apply to them after
# the last add_subdirectory).
function(shootout_targets_below root out)
  set(targets)
  set(directories ${root})
  while(directories)
    list(POP_FRONT directories directory)
    get_property(here DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    get_property(below DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    list(APPEND targets ${here})
    list(APPEND directories ${below})
  endwhile()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(shootout_project_targets out)
  shootout_targets_below(${PROJECT_SOURCE_DIR} targets)
  set(${out} ${targets} PARENT_SCOPE)
endfunction()
