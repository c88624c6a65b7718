# cmake -DROOT=<repo> [-DSTAMP=<file>] -P check_layering.cmake
# Enforces the dependency table of ../shared/DESIGN.md on #include lines.
# Each rule: folder glob ; forbidden include regex. Exceptions are whole
# sub-folders that are the one allowed adapter for that dependency.
set(violations "")

# rule(<folder> <regex of forbidden include> <regex of files exempt from this rule>)
function(rule folder forbidden exempt)
  file(GLOB_RECURSE files ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cc ${ROOT}/${folder}/*.c)
  foreach(f IN LISTS files)
    file(RELATIVE_PATH rel ${ROOT} ${f})
    if(NOT "${exempt}" STREQUAL "" AND rel MATCHES "${exempt}")
      continue()
    endif()
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${forbidden}")
        string(APPEND violations "  ${rel}: '${line}' is not allowed in ${folder}/ (rule: ${forbidden})\n")
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

set(GRPC "[<\"]grpcpp?/")
set(SQLITE "[<\"]sqlite3[.]h")
set(PROM "[<\"]prometheus/")
set(KVM "[<\"]linux/kvm[.]h")
set(UC "[<\"]unicorn/")

# common/ and wire/: absl and libc only (common/grpc/ is the one status bridge).
rule(common "${SQLITE}|${PROM}|${KVM}|${UC}|\"(hypervisor-shim|worker|vmms|counters|cim-schema|tools)/" "")
rule(common "${GRPC}" "^common/grpc/")
rule(wire "${GRPC}|${SQLITE}|${PROM}|${KVM}|${UC}|\"(common|hypervisor-shim|worker|vmms|counters|cim-schema)/" "")
# cim-schema/: absl only.
rule(cim-schema "${GRPC}|${SQLITE}|${PROM}|${KVM}|${UC}|\"(hypervisor-shim|worker|vmms|counters|tools|hv)/" "")
# hypervisor-shim/: absl; KVM only in kvm/, unicorn only in tcg/.
rule(hypervisor-shim "${GRPC}|${SQLITE}|${PROM}|\"(worker|vmms|counters|cim-schema|hv)/" "")
rule(hypervisor-shim "${KVM}" "^hypervisor-shim/kvm/")
rule(hypervisor-shim "${UC}" "^hypervisor-shim/tcg/")
# counters/: the only folder that knows prometheus-cpp.
rule(counters "${GRPC}|${SQLITE}|${KVM}|${UC}|\"(hypervisor-shim|worker|vmms|cim-schema)/" "")
# worker/: shim, proto, counters; gRPC only in the control adapter and main.
rule(worker "${SQLITE}|${PROM}|${KVM}|${UC}|\"(vmms|cim-schema)/" "")
rule(worker "${GRPC}" "^worker/(control/|.*_main[.]cc$)")
# vmms/: SQLite only in store/, gRPC only in service/ and launcher/ adapters.
rule(vmms "${PROM}|${KVM}|${UC}|\"hypervisor-shim/" "")
rule(vmms "${SQLITE}" "^vmms/store/")
rule(vmms "${GRPC}" "^vmms/(service|launcher)/|_main[.]cc$|_test[.]cc$")
# tools/: proto and gRPC only.
rule(tools "${SQLITE}|${PROM}|${KVM}|${UC}|\"(hypervisor-shim|worker|vmms|counters)/" "")

if(NOT violations STREQUAL "")
  message(FATAL_ERROR "layering: forbidden includes (see ../shared/DESIGN.md, folders table):\n${violations}")
endif()
if(DEFINED STAMP)
  file(TOUCH ${STAMP})
endif()
