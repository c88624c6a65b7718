#!/usr/bin/env bash
# link_static_runtime.sh: the link launcher of vmwp (HV_STATIC_WORKER, see
# worker/CMakeLists.txt). CMake runs it as `link_static_runtime.sh <compiler>
# <link arguments...>`; it runs the same link with two changes:
#   - each third-party library of the worker (absl, protobuf, gRPC without TLS
#     and its helpers, zlib, Unicorn), given as /usr/lib/.../lib<name>.so[.ver]
#     or -l<name>, is taken from Debian's static archive lib<name>.a instead;
#     the archives go in one --start-group/--end-group (absl's archives depend
#     on one another);
#   - -no-pie, so the libraries' pointer tables are resolved at link time.
# Why: a dynamically linked worker relocated ~2 MiB of library data into
# private pages and spent most of its ~30 ms exec in the dynamic loader
# (docs/scale/README.md, finding 4). Static, those pages stay clean and are
# shared by every worker. A missing archive fails the link, naming it.
set -euo pipefail
static='^(absl_.*|protobuf|grpc\+\+_unsecure|grpc_unsecure|gpr|upb|address_sorting|cares|re2|z|unicorn)$'
compiler=$1
shift
args=()
archives=()
for a in "$@"; do
  name=
  if [[ $a =~ ^(/.*/)?lib([^/]+)\.so(\.[0-9.]+)?$ ]]; then
    name=${BASH_REMATCH[2]}
  elif [[ $a =~ ^-l(.+)$ ]]; then
    name=${BASH_REMATCH[1]}
  fi
  if [[ -n $name && $name =~ $static ]]; then
    archive=$("$compiler" -print-file-name="lib$name.a")
    if [[ ! -f $archive ]]; then
      echo "link_static_runtime.sh: no static archive lib$name.a for $a (install the -dev package)" >&2
      exit 1
    fi
    archives+=("$archive")
  else
    args+=("$a")
  fi
done
exec "$compiler" -no-pie "${args[@]}" -Wl,--start-group "${archives[@]}" -Wl,--end-group
