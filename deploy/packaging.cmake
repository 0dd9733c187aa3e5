# Debian packages (CPack DEB, docs/packages.md): `fluoroaudit` (the program, the web UI, systemd units,
# /etc/fluoroaudit/fluoroaudit.ini) and `orthanc-fluoroaudit` (the plugin where Debian's Orthanc
# loads plugins, its configuration in /etc/orthanc). Built by `cmake --workflow --preset release`
# into build/release/packages; Depends are Debian's library packages (dpkg-shlibdeps), nothing bundled.
set(FA_DEB ${PROJECT_SOURCE_DIR}/deploy/debian)

# The program and what comes with it.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/fluoroaudit.ini DESTINATION /etc/fluoroaudit COMPONENT fluoroaudit)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/fluoroaudit.service ${PROJECT_SOURCE_DIR}/deploy/fluoroaudit-audit.service
  ${PROJECT_SOURCE_DIR}/deploy/fluoroaudit-audit.timer DESTINATION /lib/systemd/system COMPONENT fluoroaudit)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/reference-levels.csv ${PROJECT_SOURCE_DIR}/deploy/patient-rates.csv
  ${PROJECT_SOURCE_DIR}/deploy/staff-rates.csv ${PROJECT_SOURCE_DIR}/deploy/operator-profiles.csv
  DESTINATION share/fluoroaudit/examples COMPONENT fluoroaudit)
file(GLOB FA_DOCS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${FA_DOCS} DESTINATION share/doc/fluoroaudit COMPONENT fluoroaudit)

# Debian's own files: copyright, changelog (gzip -9n), the manual page.
set(FA_DEB_BUILD ${CMAKE_BINARY_DIR}/debian)
file(MAKE_DIRECTORY ${FA_DEB_BUILD})
add_custom_command(OUTPUT ${FA_DEB_BUILD}/changelog.Debian.gz ${FA_DEB_BUILD}/fluoroaudit.1.gz
  COMMAND gzip -9nc ${FA_DEB}/changelog > ${FA_DEB_BUILD}/changelog.Debian.gz
  COMMAND gzip -9nc ${FA_DEB}/fluoroaudit.1 > ${FA_DEB_BUILD}/fluoroaudit.1.gz
  DEPENDS ${FA_DEB}/changelog ${FA_DEB}/fluoroaudit.1
  COMMENT "Debian changelog and manual page")
add_custom_target(fa_debian_files ALL DEPENDS ${FA_DEB_BUILD}/changelog.Debian.gz ${FA_DEB_BUILD}/fluoroaudit.1.gz)
foreach(pkg fluoroaudit orthanc-fluoroaudit)
  set(component ${pkg})
  if(pkg STREQUAL "orthanc-fluoroaudit")
    set(component orthanc)
  endif()
  install(FILES ${FA_DEB}/copyright ${FA_DEB_BUILD}/changelog.Debian.gz DESTINATION share/doc/${pkg} COMPONENT ${component})
endforeach()
install(FILES ${FA_DEB_BUILD}/fluoroaudit.1.gz DESTINATION share/man/man1 COMPONENT fluoroaudit)
install(FILES ${FA_DEB}/lintian/fluoroaudit DESTINATION share/lintian/overrides COMPONENT fluoroaudit)
install(FILES ${FA_DEB}/lintian/orthanc-fluoroaudit DESTINATION share/lintian/overrides COMPONENT orthanc)

# The plugin: the library in /usr/lib/orthanc, linked from /usr/share/orthanc/plugins (Debian's
# Orthanc loads every plugin there), and its configuration in /etc/orthanc.
if(TARGET OrthancFluoroAudit)
  install(TARGETS OrthancFluoroAudit LIBRARY DESTINATION lib/orthanc COMPONENT orthanc)
  install(CODE "file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/orthanc/plugins\")
    file(CREATE_LINK ../../../lib/orthanc/libOrthancFluoroAudit.so
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/orthanc/plugins/libOrthancFluoroAudit.so\" SYMBOLIC)" COMPONENT orthanc)
  install(FILES ${PROJECT_SOURCE_DIR}/deploy/orthanc/fluoroaudit.json ${PROJECT_SOURCE_DIR}/deploy/orthanc/fluoroaudit-explorer2.json
    DESTINATION /etc/orthanc COMPONENT orthanc)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fluoroaudit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "fluoroaudit developers <fluoroaudit@users.noreply.github.com>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL fluoroaudit orthanc)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/fluoroaudit/fluoroaudit")

set(CPACK_DEBIAN_FLUOROAUDIT_PACKAGE_NAME fluoroaudit)
set(CPACK_DEBIAN_FLUOROAUDIT_PACKAGE_DEPENDS "adduser")
set(CPACK_COMPONENT_FLUOROAUDIT_DESCRIPTION "X-ray dose audit of fluoroscopy-guided procedures
fluoroaudit receives X-Ray Radiation Dose SRs, vendor dose summaries, C-arm
image headers and MPPS from PACS or the modalities (a DICOM listener),
extracts shots, fluoroscopy and acquisition time, DAP, Ka,r, frames and the
peak skin dose of each procedure, flags studies against the department's
reference levels, and gives quality managers and medical physicists a web
UI, a nightly audit with ICRP 135 statistics, and FHIR dose summaries.
SQLite is the embedded store; sites of a group may share PostgreSQL.")
set(CPACK_DEBIAN_FLUOROAUDIT_PACKAGE_CONTROL_EXTRA
  ${FA_DEB}/fluoroaudit/conffiles ${FA_DEB}/fluoroaudit/postinst ${FA_DEB}/fluoroaudit/prerm ${FA_DEB}/fluoroaudit/postrm)

set(CPACK_DEBIAN_ORTHANC_PACKAGE_NAME orthanc-fluoroaudit)
set(CPACK_DEBIAN_ORTHANC_PACKAGE_DEPENDS "orthanc (>= 1.10), fluoroaudit (= ${PROJECT_VERSION}-1)")
set(CPACK_COMPONENT_ORTHANC_DESCRIPTION "X-ray dose audit inside Orthanc (fluoroaudit plugin)
The fluoroaudit plugin for Debian's Orthanc: every X-Ray Radiation Dose SR,
vendor dose summary and C-arm image Orthanc receives is audited as
fluoroaudit's service does, with its web UI and REST API under Orthanc's
port (/fluoroaudit/ui/), a button on each study in Orthanc Explorer 2 and
the nightly audit reconciled with what Orthanc holds.")
set(CPACK_DEBIAN_ORTHANC_PACKAGE_CONTROL_EXTRA
  ${FA_DEB}/orthanc-fluoroaudit/conffiles ${FA_DEB}/orthanc-fluoroaudit/postinst ${FA_DEB}/orthanc-fluoroaudit/postrm)
include(CPack)
