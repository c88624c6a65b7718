// vmctl: the command line for vmms over hv.cim.v1. Verbs follow the Hyper-V
// PowerShell cmdlets; see Usage() and `vmctl --help`.
#include <strings.h>

#include <iostream>
#include <string>
#include <vector>

#include "tools/vmctl/cim_client.h"
#include "tools/vmctl/commands.h"

namespace {

const char kUsage[] = R"(vmctl - manage vmms virtual machines over hv.cim.v1 (gRPC)

usage: vmctl [--server ADDR] [--json] [--schema NS@VERSION] [--timeout S] VERB [ARGS]

VM verbs (parameters as in the Hyper-V PowerShell cmdlets):
  New-VM -Name N [-MemoryStartupBytes 512MB] [-ProcessorCount n]
         [-GuestCommandLine S]  (vmms extension: the reference guest's boot line,
                                 e.g. "wl=sawtooth,64,448,5000" runs a workload)
  Get-VM [-Name N]
  Start-VM -Name N            (also restores a saved VM and resumes a paused one)
  Stop-VM -Name N [-TurnOff]  (shut down; -TurnOff powers off)
  Suspend-VM -Name N          (pause)
  Resume-VM -Name N
  Save-VM -Name N
  Remove-VM -Name N
  Set-VMMemory -VMName N [-DynamicMemoryEnabled $true|$false] [-MinimumBytes B]
               [-StartupBytes B] [-MaximumBytes B] [-Buffer 5..2000] [-Priority 0..100]
  Get-VMMemory -VMName N
  Get-VMCounters [-VMName N]  (Dynamic Memory performance counters, root/cimv2)
Generic CIM:
  cim get PATH | enum CLASS | query "WQL" | class CLASS [--namespace NS]
  cim invoke PATH METHOD [Name=Value | Name=@file | Name[]=Value ...]
Schema:
  schema diff OLD NEW         (each a MOF root file, NS@VERSION from the embedded schema,
                              or live:NS, what vmms serves now)

Sizes take bytes or KB/MB/GB/TB suffixes. Jobs are waited for with a progress line on
stderr (--timeout, default 300 s). Default server 127.0.0.1:5990 (unix:/path also works).
--schema pins the schema version of every call (gRPC metadata "cim-schema").

Exit codes:
  0  success
  1  bad command line
  2  vmms not reachable
  3  CIM error from the server (CIM_ERR_* name, number and description printed)
  4  a method returned a failure code, or its job ended in an error state
  5  schema diff found BREAKING or VERSIONING-ERROR changes
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace hv::vmctl;
  GlobalOptions o;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0) return a.substr(flag.size() + 1);
      if (i + 1 < argc) return argv[++i];
      std::cerr << "vmctl: " << flag << " needs a value\n";
      std::exit(kExitUsage);
    };
    if (a == "--help" || a == "-h" || a == "help") {
      std::cout << kUsage;
      return kExitOk;
    } else if (a == "--json") {
      o.json = true;
    } else if (a.rfind("--server", 0) == 0) {
      o.server = value("--server");
    } else if (a.rfind("--schema", 0) == 0) {
      o.pin = value("--schema");
    } else if (a.rfind("--timeout", 0) == 0) {
      o.job_timeout_s = std::atoi(value("--timeout").c_str());
    } else {
      rest.push_back(a);
    }
  }
  if (rest.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string verb = rest[0];
  std::vector<std::string> words(rest.begin() + 1, rest.end());
  if (strcasecmp(verb.c_str(), "schema") == 0) {
    if (words.empty() || words[0] != "diff") {
      std::cerr << "vmctl: usage: vmctl schema diff OLD NEW\n";
      return kExitUsage;
    }
    ClassFetcher fetch = [&o](const std::string& ns) {
      CimClient client(o.server, o.pin);
      return client.EnumerateClasses(ns);
    };
    return SchemaDiff(std::vector<std::string>(words.begin() + 1, words.end()), o.json, fetch,
                      std::cout, std::cerr);
  }
  Args args = ParseArgs(words);
  CimClient client(o.server, o.pin);
  Commands c(&client, o, std::cout, std::cerr);
  auto is = [&](const char* v) { return strcasecmp(verb.c_str(), v) == 0; };
  if (is("New-VM")) return c.NewVm(args);
  if (is("Get-VM")) return c.GetVm(args);
  if (is("Start-VM") || is("Resume-VM")) return c.StateChange(args, 2, verb);
  if (is("Stop-VM")) return c.StopVm(args);
  if (is("Suspend-VM")) return c.StateChange(args, 9, verb);
  if (is("Save-VM")) return c.StateChange(args, 6, verb);
  if (is("Remove-VM")) return c.RemoveVm(args);
  if (is("Set-VMMemory")) return c.SetVmMemory(args);
  if (is("Get-VMMemory")) return c.GetVmMemory(args);
  if (is("Get-VMCounters")) return c.GetCounters(args);
  if (is("cim")) return c.Cim(args);
  std::cerr << "vmctl: unknown verb '" << verb << "' (vmctl --help)\n";
  return kExitUsage;
}
