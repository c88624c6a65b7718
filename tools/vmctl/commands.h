// vmctl's verbs. Each takes the parsed arguments and returns the process
// exit code (see kExitCodes / `vmctl --help`); output goes to `out`
// (tables, or JSON with --json), diagnostics and job progress to `err`.
#ifndef HV_TOOLS_VMCTL_COMMANDS_H_
#define HV_TOOLS_VMCTL_COMMANDS_H_

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "tools/vmctl/cim_client.h"

namespace hv::vmctl {

// Exit codes, documented by `vmctl --help`.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,          // bad command line
  kExitUnreachable = 2,    // vmms not reachable (connection, deadline)
  kExitCimError = 3,       // the server answered with a CIM error (status printed)
  kExitMethodFailed = 4,   // a method returned a failure code, or its job failed
  kExitBreaking = 5,       // schema diff found BREAKING / VERSIONING-ERROR changes
};

struct GlobalOptions {
  std::string server = "127.0.0.1:5990";
  bool json = false;
  std::string pin;          // --schema ns@version
  int job_timeout_s = 300;  // --timeout
};

// Parsed "-Name value" style arguments (case-insensitive names, leading '-'
// or '--' stripped) and positional words.
struct Args {
  std::map<std::string, std::string> named;  // lowercased name -> value ("true" for a bare switch)
  std::vector<std::string> positional;
  bool Has(const std::string& lower_name) const { return named.count(lower_name) > 0; }
  std::string Get(const std::string& lower_name, const std::string& dflt = "") const;
};
// Names that never take a value (switches).
Args ParseArgs(const std::vector<std::string>& words);

class Commands {
 public:
  Commands(CimClient* client, GlobalOptions options, std::ostream& out, std::ostream& err)
      : c_(client), o_(std::move(options)), out_(out), err_(err) {}

  int NewVm(const Args& a);
  int GetVm(const Args& a);
  int StateChange(const Args& a, uint16_t requested, const std::string& verb);
  int StopVm(const Args& a);
  int RemoveVm(const Args& a);
  int SetVmMemory(const Args& a);
  int GetVmMemory(const Args& a);
  int GetCounters(const Args& a);
  int Cim(const Args& a);

 private:
  // The Msvm_ComputerSystem of a VM named by -Name/-VMName or the first
  // positional word; prints the error and sets *code on failure.
  bool FindVm(const Args& a, hv::cim::v1::CimInstance* vm, int* code);
  // Waits for a job (progress on err_); returns the final job instance.
  bool WaitJob(const hv::cim::v1::ObjectPath& job, hv::cim::v1::CimInstance* final_job, int* code);
  int Fail(const CimError& e);
  int MethodFailed(const std::string& method, uint64_t rv, const std::string& desc);
  // Prints the memory settings of `vm`.
  int PrintMemory(const hv::cim::v1::CimInstance& vm);

  CimClient* c_;
  GlobalOptions o_;
  std::ostream& out_;
  std::ostream& err_;
};

// Fetches every class a live namespace serves (CimClient::EnumerateClasses).
using ClassFetcher =
    std::function<Result<std::vector<hv::cim::v1::CimClass>>(const std::string& name_space)>;

// `schema diff OLD NEW`: each side is a MOF root file, "<namespace>@<version>"
// from the schema embedded in vmctl (the same MOF vmms serves), or
// "live:<namespace>", the classes vmms serves now (through `fetch`, under the
// --schema pin if one is given). Exit kExitUsage when a side cannot be loaded,
// kExitUnreachable when vmms is not reachable for a live side.
int SchemaDiff(const std::vector<std::string>& sides, bool json, const ClassFetcher& fetch,
               std::ostream& out, std::ostream& err);

// Parses PowerShell-style sizes: "1073741824", "512MB", "1GB", "64KB", "2TB".
bool ParseBytes(const std::string& text, uint64_t* bytes);

}  // namespace hv::vmctl

#endif  // HV_TOOLS_VMCTL_COMMANDS_H_
