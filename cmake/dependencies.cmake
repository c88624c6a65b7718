# Every third-party dependency, found from Debian's packages (scripts/setup.sh).
# Pitfalls measured in ../shared/reference/software-cpu.md §2: protobuf is module mode,
# unicorn is pkg-config only, gRPC/absl/prometheus are CONFIG packages.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn)
