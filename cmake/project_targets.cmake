# shootout_project_targets(<out>): every target defined in the project's
# directories (the build-wide settings in cmake/ apply to them after the
# last add_subdirectory).
function(shootout_project_targets out)
  set(targets)
  set(directories ${PROJECT_SOURCE_DIR})
  while(directories)
    list(POP_FRONT directories directory)
    get_property(here DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    get_property(below DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    list(APPEND targets ${here})
    list(APPEND directories ${below})
  endwhile()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()
