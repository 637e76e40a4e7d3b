# "make uninstall" (cmake --build build --target uninstall): removes every
# file that "cmake --install" wrote, as install_manifest.txt lists them,
# then the folders of euprio's own that are left empty.  Shared folders
# (bin, share/man/man1) are never removed.
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "no ${MANIFEST}: nothing was installed from this build folder")
endif()
file(STRINGS "${MANIFEST}" files)
set(dirs)
# The manifest names files without DESTDIR, as "cmake --install" does.
foreach(f IN LISTS files)
  set(f "$ENV{DESTDIR}${f}")
  if(EXISTS "${f}" OR IS_SYMLINK "${f}")
    message(STATUS "Removing ${f}")
    file(REMOVE "${f}")
  endif()
  get_filename_component(d "${f}" DIRECTORY)
  list(APPEND dirs "${d}")
endforeach()
# Deepest first, and only folders named for euprio or inside one.
list(REMOVE_DUPLICATES dirs)
list(SORT dirs)
list(REVERSE dirs)
foreach(d IN LISTS dirs)
  while(d MATCHES "/euprio(/|$)")
    file(GLOB left "${d}/*")
    if(left OR NOT IS_DIRECTORY "${d}")
      break()
    endif()
    message(STATUS "Removing ${d}/")
    file(REMOVE_RECURSE "${d}")
    get_filename_component(d "${d}" DIRECTORY)
  endwhile()
endforeach()
