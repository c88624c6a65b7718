// vmctl's connection to vmms: the hv.cim.v1 calls it makes, each returning
// the reply or a CimError (the CIM status from the "cim-status-code" trailer
// and the server's description; transport failures are kUnavailable with
// status 0). The schema pin (--schema) rides on every call as "cim-schema"
// metadata. Not thread-safe (one CLI invocation, one thread).
#ifndef HV_TOOLS_VMCTL_CIM_CLIENT_H_
#define HV_TOOLS_VMCTL_CIM_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hv/cim/v1/cim.grpc.pb.h"

namespace hv::vmctl {

struct CimError {
  int cim_status = 0;        // CIM_ERR_* number, 0 when the server was not reached
  bool unreachable = false;  // connection or deadline failure
  std::string description;
};

template <typename T>
struct Result {
  bool ok = false;
  T value{};
  CimError error;
};

class CimClient {
 public:
  // `server` is "host:port" or "unix:/path". `pin` may be empty.
  CimClient(const std::string& server, std::string pin, int call_timeout_s = 60);

  Result<hv::cim::v1::CimClass> GetClass(const std::string& ns, const std::string& cls);
  // Every class of the namespace (deep, from the roots), full definitions.
  Result<std::vector<hv::cim::v1::CimClass>> EnumerateClasses(const std::string& ns);
  Result<hv::cim::v1::CimInstance> GetInstance(const hv::cim::v1::ObjectPath& path);
  Result<std::vector<hv::cim::v1::CimInstance>> Enumerate(const std::string& ns,
                                                          const std::string& cls);
  Result<std::vector<hv::cim::v1::CimInstance>> Query(const std::string& ns,
                                                      const std::string& wql);
  Result<std::vector<hv::cim::v1::CimInstance>> Associators(const hv::cim::v1::ObjectPath& path,
                                                            const std::string& result_class);
  Result<hv::cim::v1::InvokeMethodResponse> Invoke(
      const hv::cim::v1::ObjectPath& path, const std::string& method,
      const std::vector<hv::cim::v1::ParamValue>& params);

 private:
  void Prepare(grpc::ClientContext* ctx) const;
  template <typename T>
  Result<T> Finish(grpc::ClientContext& ctx, const grpc::Status& s, T value) const;

  std::unique_ptr<hv::cim::v1::CimService::Stub> stub_;
  std::string pin_;
  int call_timeout_s_;
};

// CIM_ERR_* name for a status number ("CIM_ERR_NOT_FOUND").
std::string CimStatusName(int code);

}  // namespace hv::vmctl

#endif  // HV_TOOLS_VMCTL_CIM_CLIENT_H_
