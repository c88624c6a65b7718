# Every third-party dependency, found from Debian's packages (scripts/setup.sh).
# Pitfalls measured in ../shared/reference/software-cpu.md §2: protobuf is module mode,
# unicorn is pkg-config only, gRPC/absl/prometheus are CONFIG packages.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
# hv_grpc_runtime: the gRPC C++ runtime. Libraries link this, never a gRPC
# library, and the executable being linked picks the variant: by default
# gRPC::grpc++ plus server reflection; an executable with the target property
# HV_GRPC_UNSECURE (vmwp: a unix socket, never TLS) links gRPC::grpc++_unsecure
# instead, so it does not load libssl/libcrypto and their relocated data (idle
# worker overhead, docs/scale/README.md finding 4). Both share one set of headers.
add_library(hv_grpc_runtime INTERFACE)
set(_hv_unsecure "$<BOOL:$<TARGET_PROPERTY:HV_GRPC_UNSECURE>>")
target_link_libraries(hv_grpc_runtime INTERFACE
  "$<${_hv_unsecure}:gRPC::grpc++_unsecure>"
  "$<$<NOT:${_hv_unsecure}>:gRPC::grpc++>"
  "$<$<NOT:${_hv_unsecure}>:gRPC::grpc++_reflection>")
find_package(absl CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn)
