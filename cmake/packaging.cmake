# Installation layout and CPack: a .deb and a .tar.gz with the binary, the
# desktop entry (which registers the slatrack:// scheme), the icon, AppStream
# metainfo, the man page, bash completion, systemd units, example configs and
# the docs. Included from the top-level CMakeLists.txt after app/.
#
#   cmake --build build --target slatrack slatrack_packaging_files
#   (cd build && cpack)            # build/slatrack_<version>_<arch>.deb, .tar.gz
#
# tests/installer builds the package, unpacks it and checks every file.

include(GNUInstallDirs)

# The date of the release named by project(VERSION): the man page and the
# AppStream <release> carry it. A fixed string rather than the build's date,
# so that two builds of one version produce the same files.
set(SLATRACK_RELEASE_DATE "2026-12-01")
# The desktop entry, icon and metainfo share this ID (AppStream's rule: the
# component ID is the desktop file's name).
set(SLATRACK_APP_ID "org.slatrack.slatrack")

set(pkg_src "${PROJECT_SOURCE_DIR}/packaging")
set(pkg_out "${PROJECT_BINARY_DIR}/packaging")

configure_file("${pkg_src}/${SLATRACK_APP_ID}.metainfo.xml.in" "${pkg_out}/${SLATRACK_APP_ID}.metainfo.xml" @ONLY)
configure_file("${pkg_src}/slatrack.1.in" "${pkg_out}/slatrack.1" @ONLY)

# Debian installs man pages compressed; -n leaves the name and time out of
# the gzip header so that the file is the same on every build.
add_custom_command(
  OUTPUT "${pkg_out}/slatrack.1.gz"
  COMMAND gzip -9 -n -c "${pkg_out}/slatrack.1" > "${pkg_out}/slatrack.1.gz"
  DEPENDS "${pkg_out}/slatrack.1"
  COMMENT "Compressing the man page")
add_custom_target(slatrack_packaging_files ALL DEPENDS "${pkg_out}/slatrack.1.gz")

# The window icon: the same SVG, compiled in, for when the installed theme
# icon is not found (running from the build tree).
qt_add_resources(slatrack "slatrack_icon" PREFIX "/icons" BASE "${pkg_src}" FILES "${pkg_src}/slatrack.svg")

install(FILES "${pkg_src}/${SLATRACK_APP_ID}.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${pkg_src}/slatrack.svg" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps"
        RENAME "${SLATRACK_APP_ID}.svg")
install(FILES "${pkg_out}/${SLATRACK_APP_ID}.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${pkg_out}/slatrack.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${pkg_src}/slatrack.bash-completion" DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
        RENAME slatrack)
# lib/systemd under the prefix: /usr/lib/systemd on Debian 12 (merged /usr).
install(FILES "${pkg_src}/systemd/slatrack@.service" DESTINATION "lib/systemd/system")
install(FILES "${pkg_src}/systemd/slatrack.service" DESTINATION "lib/systemd/user")
install(FILES "${PROJECT_SOURCE_DIR}/resources/config/example.json" "${PROJECT_SOURCE_DIR}/resources/config/demo.json"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/slatrack/examples")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/docs/user-guide.md"
              "${PROJECT_SOURCE_DIR}/docs/config-reference.md" "${PROJECT_SOURCE_DIR}/docs/cli-reference.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")

set(CPACK_PACKAGE_NAME "slatrack")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Per-record latency and stuck-record monitor for a Kafka pipeline")
set(CPACK_PACKAGE_DESCRIPTION "slatrack joins the records of a Kafka pipeline's topics by ID inside a time
window and reports latency against the SLA, stuck, lost, orphan and duplicate
records, as a desktop dashboard, a headless agent (systemd units included)
or a one-shot audit.")
set(CPACK_PACKAGE_CONTACT "slatrack maintainers <maintainers@users.noreply.h-seed-804947c5.example>")
set(CPACK_PACKAGE_VENDOR "slatrack")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Debug info is most of a RelWithDebInfo binary; the package does without.
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME "slatrack-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # slatrack_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# dpkg-shlibdeps finds the linked libraries (Qt, librdkafka, SQLite, ...).
# It cannot see the Qt plugins loaded at run time: the platform plugins
# (xcb, offscreen) without which the dashboard cannot open a window, and the
# SVG icon engine for the window icon.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kcat")
# systemd reads the new or removed units (no unit is enabled or started).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${pkg_src}/debian/postinst;${pkg_src}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
