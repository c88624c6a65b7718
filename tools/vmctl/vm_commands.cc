// vmctl: the Hyper-V PowerShell-style VM verbs over hv.cim.v1.
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <cstring>
#include <map>
#include <tuple>
#include <sstream>
#include <thread>

#include "tools/vmctl/commands.h"
#include "tools/vmctl/values.h"

namespace hv::vmctl {

namespace pb = hv::cim::v1;

namespace {

constexpr const char* kNs = "root/virtualization/v2";
constexpr uint64_t kMiB = 1024 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string MofString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string WqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

pb::ObjectPath ClassPath(const std::string& cls) {
  pb::ObjectPath p;
  p.set_namespace_(kNs);
  p.set_class_name(cls);
  return p;
}

std::string StateName(uint64_t s) {
  switch (s) {
    case 2: return "Running";
    case 3: return "Off";
    case 4: return "ShuttingDown";
    case 6: return "Saved";
    case 9: return "Paused";
    case 10: return "Starting";
    case 32773: return "Saving";
    case 32774: return "Stopping";
    case 32776: return "Pausing";
    case 32777: return "Resuming";
    default: return "Other(" + std::to_string(s) + ")";
  }
}

std::string JobStateName(uint64_t s) {
  static const char* kNames[] = {"", "", "New", "Starting", "Running", "Suspended", "ShuttingDown",
                                 "Completed", "Terminated", "Killed", "Exception", "Service"};
  return s < 12 ? kNames[s] : std::to_string(s);
}

bool ParseBool(const std::string& s, bool* b) {
  std::string l = Lower(s);
  if (l == "$true" || l == "true" || l == "1" || l == "yes") return *b = true, true;
  if (l == "$false" || l == "false" || l == "0" || l == "no") return *b = false, true;
  return false;
}

std::string Duration(uint64_t ms) {
  uint64_t s = ms / 1000;
  std::ostringstream o;
  o << std::setfill('0') << std::setw(2) << s / 3600 << ":" << std::setw(2) << s / 60 % 60 << ":"
    << std::setw(2) << s % 60;
  return o.str();
}

}  // namespace

std::string Args::Get(const std::string& lower_name, const std::string& dflt) const {
  auto it = named.find(lower_name);
  return it == named.end() ? dflt : it->second;
}

Args ParseArgs(const std::vector<std::string>& words) {
  static const char* kSwitches[] = {"turnoff", "json", "force", "passthru"};
  Args a;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 1 && w[0] == '-' && !std::isdigit(static_cast<unsigned char>(w[1]))) {
      std::string body = w.substr(w[1] == '-' ? 2 : 1);
      std::string name = Lower(body);
      std::string value = "true";
      size_t colon = body.find_first_of(":=");
      if (colon != std::string::npos) {
        value = body.substr(colon + 1);
        name = Lower(body.substr(0, colon));
      } else if (std::none_of(std::begin(kSwitches), std::end(kSwitches),
                              [&](const char* s) { return name == s; }) &&
                 i + 1 < words.size()) {
        value = words[++i];
      }
      a.named[name] = value;
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

bool ParseBytes(const std::string& text, uint64_t* bytes) {
  if (text.empty()) return false;
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (n > (UINT64_MAX - d) / 10) return false;
    n = n * 10 + d;
    ++i;
  }
  if (i == 0) return false;
  std::string unit = Lower(text.substr(i));
  uint64_t mult = 1;
  if (unit == "kb") mult = 1024;
  else if (unit == "mb") mult = kMiB;
  else if (unit == "gb") mult = kMiB * 1024;
  else if (unit == "tb") mult = kMiB * 1024 * 1024;
  else if (!unit.empty()) return false;
  if (n > UINT64_MAX / mult) return false;
  *bytes = n * mult;
  return true;
}

int Commands::Fail(const CimError& e) {
  if (e.unreachable) {
    err_ << "vmctl: cannot reach vmms at " << o_.server << ": " << e.description << "\n";
    if (o_.json) out_ << "{\"error\":{\"unreachable\":true,\"description\":" << JsonString(e.description) << "}}\n";
    return kExitUnreachable;
  }
  err_ << "vmctl: " << CimStatusName(e.cim_status) << " (" << e.cim_status << "): " << e.description
       << "\n";
  if (o_.json) {
    out_ << "{\"error\":{\"cim_status\":" << e.cim_status << ",\"name\":"
         << JsonString(CimStatusName(e.cim_status)) << ",\"description\":" << JsonString(e.description)
         << "}}\n";
  }
  return kExitCimError;
}

int Commands::MethodFailed(const std::string& method, uint64_t rv, const std::string& desc) {
  err_ << "vmctl: " << method << " returned " << rv << ": " << desc << "\n";
  if (o_.json) {
    out_ << "{\"error\":{\"method\":" << JsonString(method) << ",\"return_value\":" << rv
         << ",\"description\":" << JsonString(desc) << "}}\n";
  }
  return kExitMethodFailed;
}

bool Commands::FindVm(const Args& a, pb::CimInstance* vm, int* code) {
  std::string name = a.Get("vmname", a.Get("name"));
  if (name.empty() && !a.positional.empty()) name = a.positional[0];
  if (name.empty()) {
    err_ << "vmctl: a VM name is required (-Name or -VMName)\n";
    *code = kExitUsage;
    return false;
  }
  // Caption tells VMs from the host, which is a Msvm_ComputerSystem too.
  auto r = c_->Query(kNs, "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = " +
                              WqlString(name) + " AND Caption = 'Virtual Machine'");
  if (!r.ok) {
    *code = Fail(r.error);
    return false;
  }
  if (r.value.empty()) {
    *code = Fail(CimError{6, false, "no VM named '" + name + "'"});
    return false;
  }
  *vm = r.value[0];
  return true;
}

bool Commands::WaitJob(const pb::ObjectPath& job, pb::CimInstance* final_job, int* code) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o_.job_timeout_s);
  const bool tty = isatty(2);
  for (;;) {
    auto r = c_->GetInstance(job);
    if (!r.ok) {
      *code = Fail(r.error);
      return false;
    }
    uint64_t state = GetUint(r.value, "JobState").value_or(0);
    uint64_t pct = GetUint(r.value, "PercentComplete").value_or(0);
    std::string what = GetString(r.value, "Description").value_or("job");
    err_ << (tty ? "\r" : "") << "[" << what << "] " << pct << "% " << JobStateName(state)
         << (tty ? "   " : "\n") << std::flush;
    if (state != 3 && state != 4) {
      if (tty) err_ << "\n";
      *final_job = r.value;
      return true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      err_ << "\nvmctl: job " << PathToUri(job) << " still running after " << o_.job_timeout_s
           << " s\n";
      *code = kExitMethodFailed;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int Commands::NewVm(const Args& a) {
  std::string name = a.Get("name");
  if (name.empty() && !a.positional.empty()) name = a.positional[0];
  if (name.empty()) {
    err_ << "vmctl: New-VM needs -Name\n";
    return kExitUsage;
  }
  uint64_t startup = 512 * kMiB;
  if (a.Has("memorystartupbytes") && !ParseBytes(a.Get("memorystartupbytes"), &startup)) {
    err_ << "vmctl: -MemoryStartupBytes '" << a.Get("memorystartupbytes") << "' is not a size\n";
    return kExitUsage;
  }
  if (startup % kMiB != 0) {
    err_ << "vmctl: -MemoryStartupBytes must be a whole number of MB\n";
    return kExitUsage;
  }
  std::vector<std::pair<std::string, std::string>> mem = {
      {"VirtualQuantity", std::to_string(startup / kMiB)}};
  std::vector<std::string> resources = {InstanceToMofText("Msvm_MemorySettingData", mem)};
  if (a.Has("processorcount")) {
    resources.push_back(InstanceToMofText("Msvm_ProcessorSettingData",
                                          {{"VirtualQuantity", a.Get("processorcount")}}));
  }
  std::vector<std::pair<std::string, std::string>> system = {{"ElementName", MofString(name)}};
  if (a.Has("guestcommandline")) system.push_back({"GuestCommandLine", MofString(a.Get("guestcommandline"))});
  std::vector<pb::ParamValue> params = {
      Param("SystemSettings", StringValue(InstanceToMofText("Msvm_VirtualSystemSettingData", system))),
      Param("ResourceSettings", StringArray(resources))};
  auto r = c_->Invoke(ClassPath("Msvm_VirtualSystemManagementService"), "DefineSystem", params);
  if (!r.ok) return Fail(r.error);
  uint64_t rv = r.value.return_value().elements().empty() ? 2 : r.value.return_value().elements(0).unsigned_value();
  if (rv != 0) return MethodFailed("DefineSystem", rv, r.value.error_description());
  Args by_name;
  by_name.named["name"] = name;
  return GetVm(by_name);
}

int Commands::GetVm(const Args& a) {
  std::vector<pb::CimInstance> vms;
  if (a.Has("name") || a.Has("vmname") || !a.positional.empty()) {
    pb::CimInstance vm;
    int code = 0;
    if (!FindVm(a, &vm, &code)) return code;
    vms.push_back(vm);
  } else {
    auto r = c_->Enumerate(kNs, "Msvm_ComputerSystem");
    if (!r.ok) return Fail(r.error);
    for (pb::CimInstance& cs : r.value) {
      if (GetString(cs, "Caption").value_or("") == "Virtual Machine") vms.push_back(std::move(cs));  // not the host
    }
  }
  // One GetSummaryInformation for the lot.
  std::vector<std::string> settings;
  std::vector<pb::CimScalar> refs;
  pb::CimValue sd;
  sd.set_type(pb::CIM_TYPE_REFERENCE);
  sd.set_is_array(true);
  for (const auto& vm : vms) {
    pb::ObjectPath p;
    p.set_namespace_(kNs);
    p.set_class_name("Msvm_VirtualSystemSettingData");
    auto* k = p.add_keys();
    k->set_name("InstanceID");
    *k->mutable_value() = StringValue("Microsoft:" + GetString(vm, "Name").value_or(""));
    *sd.add_elements()->mutable_reference_value() = p;
  }
  std::map<std::string, pb::CimInstance> summary;
  if (!vms.empty()) {
    auto r = c_->Invoke(ClassPath("Msvm_VirtualSystemManagementService"), "GetSummaryInformation",
                        {Param("SettingData", sd),
                         Param("RequestedInformation",
                               UintArray(pb::CIM_TYPE_UINT32, {0, 1, 4, 100, 101, 103, 104, 105, 109, 112, 113}))});
    if (!r.ok) return Fail(r.error);
    if (const pb::CimValue* out = FindOut(r.value, "SummaryInformation")) {
      for (const auto& e : out->elements()) {
        summary[GetString(e.instance_value(), "Name").value_or("")] = e.instance_value();
      }
    }
  }
  if (o_.json) {
    out_ << "[";
    for (size_t i = 0; i < vms.size(); ++i) {
      const auto& vm = vms[i];
      const pb::CimInstance& s = summary[GetString(vm, "Name").value_or("")];
      uint64_t state = GetUint(vm, "EnabledState").value_or(0);
      out_ << (i ? "," : "") << "{\"Name\":" << JsonString(GetString(vm, "ElementName").value_or(""))
           << ",\"Id\":" << JsonString(GetString(vm, "Name").value_or("")) << ",\"State\":"
           << JsonString(StateName(state)) << ",\"EnabledState\":" << state
           << ",\"HealthState\":" << GetUint(vm, "HealthState").value_or(0)
           << ",\"ProcessorCount\":" << GetUint(s, "NumberOfProcessors").value_or(0)
           << ",\"CPUUsage\":" << GetUint(s, "ProcessorLoad").value_or(0)
           << ",\"MemoryAssigned\":" << GetUint(s, "MemoryUsage").value_or(0) * kMiB
           << ",\"Uptime\":" << GetUint(s, "UpTime").value_or(0)
           << ",\"Heartbeat\":" << GetUint(s, "Heartbeat").value_or(0) << "}";
    }
    out_ << "]\n";
    return kExitOk;
  }
  out_ << std::left << std::setw(24) << "Name" << std::setw(14) << "State" << std::setw(10) << "CPUUsage(%)"
       << " " << std::setw(18) << "MemoryAssigned(M)" << std::setw(12) << "Uptime" << "Id\n";
  for (const auto& vm : vms) {
    const pb::CimInstance& s = summary[GetString(vm, "Name").value_or("")];
    out_ << std::left << std::setw(24) << GetString(vm, "ElementName").value_or("") << std::setw(14)
         << StateName(GetUint(vm, "EnabledState").value_or(0)) << std::setw(11)
         << GetUint(s, "ProcessorLoad").value_or(0) << std::setw(18)
         << GetUint(s, "MemoryUsage").value_or(0) << std::setw(12)
         << Duration(GetUint(s, "UpTime").value_or(0)) << GetString(vm, "Name").value_or("") << "\n";
  }
  return kExitOk;
}

int Commands::StateChange(const Args& a, uint16_t requested, const std::string& verb) {
  pb::CimInstance vm;
  int code = 0;
  if (!FindVm(a, &vm, &code)) return code;
  auto r = c_->Invoke(vm.path(), "RequestStateChange",
                      {Param("RequestedState", UintValue(pb::CIM_TYPE_UINT16, requested))});
  if (!r.ok) return Fail(r.error);
  uint64_t rv = r.value.return_value().elements(0).unsigned_value();
  pb::CimInstance job;
  if (rv == 4096) {
    const pb::CimValue* jref = FindOut(r.value, "Job");
    if (jref == nullptr || jref->elements().empty()) return MethodFailed(verb, rv, "no job returned");
    if (!WaitJob(jref->elements(0).reference_value(), &job, &code)) return code;
    uint64_t js = GetUint(job, "JobState").value_or(0);
    if (js != 7) {
      std::string desc = GetString(job, "ErrorDescription").value_or("job failed");
      if (o_.json) {
        out_ << "{\"error\":{\"method\":" << JsonString(verb) << ",\"job\":" << InstanceToJson(job)
             << ",\"description\":" << JsonString(desc) << "}}\n";
      }
      err_ << "vmctl: " << verb << " failed: " << desc << "\n";
      return kExitMethodFailed;
    }
  } else if (rv != 0) {
    return MethodFailed(verb, rv, r.value.error_description());
  }
  auto now = c_->GetInstance(vm.path());
  if (!now.ok) return Fail(now.error);
  uint64_t state = GetUint(now.value, "EnabledState").value_or(0);
  if (o_.json) {
    out_ << "{\"Name\":" << JsonString(GetString(vm, "ElementName").value_or("")) << ",\"Id\":"
         << JsonString(GetString(vm, "Name").value_or("")) << ",\"State\":" << JsonString(StateName(state))
         << ",\"EnabledState\":" << state;
    if (job.properties_size() > 0) out_ << ",\"Job\":" << InstanceToJson(job);
    out_ << "}\n";
  } else {
    out_ << GetString(vm, "ElementName").value_or("") << ": " << StateName(state) << "\n";
  }
  return kExitOk;
}

int Commands::StopVm(const Args& a) {
  return StateChange(a, a.Has("turnoff") ? 3 : 4, "Stop-VM");
}

int Commands::RemoveVm(const Args& a) {
  pb::CimInstance vm;
  int code = 0;
  if (!FindVm(a, &vm, &code)) return code;
  auto r = c_->Invoke(ClassPath("Msvm_VirtualSystemManagementService"), "DestroySystem",
                      {Param("AffectedSystem", RefValue(vm.path()))});
  if (!r.ok) return Fail(r.error);
  uint64_t rv = r.value.return_value().elements(0).unsigned_value();
  if (rv != 0) return MethodFailed("DestroySystem", rv, r.value.error_description());
  if (o_.json) {
    out_ << "{\"Removed\":" << JsonString(GetString(vm, "ElementName").value_or("")) << ",\"Id\":"
         << JsonString(GetString(vm, "Name").value_or("")) << "}\n";
  } else {
    out_ << "Removed " << GetString(vm, "ElementName").value_or("") << "\n";
  }
  return kExitOk;
}

namespace {
// The memory settings of a VM: its system settings, then their memory part.
Result<pb::CimInstance> MemoryOf(CimClient* c, const pb::CimInstance& vm) {
  Result<pb::CimInstance> out;
  auto vssd = c->Associators(vm.path(), "Msvm_VirtualSystemSettingData");
  if (!vssd.ok || vssd.value.empty()) {
    out.error = vssd.ok ? CimError{6, false, "VM has no system settings"} : vssd.error;
    return out;
  }
  auto mem = c->Associators(vssd.value[0].path(), "Msvm_MemorySettingData");
  if (!mem.ok || mem.value.empty()) {
    out.error = mem.ok ? CimError{6, false, "VM has no memory settings"} : mem.error;
    return out;
  }
  out.ok = true;
  out.value = mem.value[0];
  return out;
}
}  // namespace

int Commands::SetVmMemory(const Args& a) {
  pb::CimInstance vm;
  int code = 0;
  if (!FindVm(a, &vm, &code)) return code;
  auto mem = MemoryOf(c_, vm);
  if (!mem.ok) return Fail(mem.error);
  std::vector<std::pair<std::string, std::string>> props = {
      {"InstanceID", MofString(GetString(mem.value, "InstanceID").value_or(""))}};
  struct SizeArg {
    const char* flag;
    const char* property;
  };
  for (const SizeArg& s : {SizeArg{"minimumbytes", "Reservation"}, SizeArg{"startupbytes", "VirtualQuantity"},
                           SizeArg{"maximumbytes", "Limit"}}) {
    if (!a.Has(s.flag)) continue;
    uint64_t bytes = 0;
    if (!ParseBytes(a.Get(s.flag), &bytes) || bytes % kMiB != 0) {
      err_ << "vmctl: -" << s.flag << " '" << a.Get(s.flag) << "' is not a whole number of MB\n";
      return kExitUsage;
    }
    props.push_back({s.property, std::to_string(bytes / kMiB)});
  }
  if (a.Has("dynamicmemoryenabled")) {
    bool b = false;
    if (!ParseBool(a.Get("dynamicmemoryenabled"), &b)) {
      err_ << "vmctl: -DynamicMemoryEnabled takes $true or $false\n";
      return kExitUsage;
    }
    props.push_back({"DynamicMemoryEnabled", b ? "TRUE" : "FALSE"});
  }
  for (const auto& [flag, prop, mult] : {std::tuple<const char*, const char*, uint64_t>{"buffer", "TargetMemoryBuffer", 1},
                                         {"priority", "Weight", 100}}) {
    if (!a.Has(flag)) continue;
    char* end = nullptr;
    std::string v = a.Get(flag);
    unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n > (1ull << 31)) {
      err_ << "vmctl: -" << flag << " '" << v << "' is not a number\n";
      return kExitUsage;
    }
    props.push_back({prop, std::to_string(n * mult)});
  }
  auto r = c_->Invoke(ClassPath("Msvm_VirtualSystemManagementService"), "ModifyResourceSettings",
                      {Param("ResourceSettings",
                             StringArray({InstanceToMofText("Msvm_MemorySettingData", props)}))});
  if (!r.ok) return Fail(r.error);
  uint64_t rv = r.value.return_value().elements(0).unsigned_value();
  if (rv != 0) return MethodFailed("ModifyResourceSettings", rv, r.value.error_description());
  return PrintMemory(vm);
}

int Commands::GetVmMemory(const Args& a) {
  pb::CimInstance vm;
  int code = 0;
  if (!FindVm(a, &vm, &code)) return code;
  return PrintMemory(vm);
}

int Commands::PrintMemory(const pb::CimInstance& vm) {
  auto mem = MemoryOf(c_, vm);
  if (!mem.ok) return Fail(mem.error);
  const pb::CimInstance& m = mem.value;
  std::string name = GetString(vm, "ElementName").value_or("");
  uint64_t min = GetUint(m, "Reservation").value_or(0), startup = GetUint(m, "VirtualQuantity").value_or(0),
           max = GetUint(m, "Limit").value_or(0), buffer = GetUint(m, "TargetMemoryBuffer").value_or(0),
           weight = GetUint(m, "Weight").value_or(0);
  bool dm = GetBool(m, "DynamicMemoryEnabled").value_or(false);
  if (o_.json) {
    out_ << "{\"VMName\":" << JsonString(name) << ",\"VMId\":" << JsonString(GetString(vm, "Name").value_or(""))
         << ",\"DynamicMemoryEnabled\":" << (dm ? "true" : "false") << ",\"Minimum\":" << min * kMiB
         << ",\"Startup\":" << startup * kMiB << ",\"Maximum\":" << max * kMiB << ",\"Buffer\":" << buffer
         << ",\"Priority\":" << weight / 100 << ",\"InstanceID\":"
         << JsonString(GetString(m, "InstanceID").value_or("")) << "}\n";
    return kExitOk;
  }
  out_ << std::left << std::setw(24) << "VMName" << std::setw(22) << "DynamicMemoryEnabled" << std::setw(12)
       << "Minimum(M)" << std::setw(12) << "Startup(M)" << std::setw(12) << "Maximum(M)" << std::setw(8)
       << "Buffer" << "Priority\n";
  out_ << std::left << std::setw(24) << name << std::setw(22) << (dm ? "True" : "False") << std::setw(12)
       << min << std::setw(12) << startup << std::setw(12) << max << std::setw(8) << buffer
       << weight / 100 << "\n";
  return kExitOk;
}

int Commands::GetCounters(const Args& a) {
  std::string filter = a.Get("vmname", a.Get("name"));
  auto vms = c_->Enumerate("root/cimv2", "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM");
  if (!vms.ok) return Fail(vms.error);
  auto bal = c_->Enumerate("root/cimv2", "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer");
  if (!bal.ok) return Fail(bal.error);
  std::vector<pb::CimInstance> shown;
  for (const auto& v : vms.value) {
    if (filter.empty() || strcasecmp(GetString(v, "Name").value_or("").c_str(), filter.c_str()) == 0) {
      shown.push_back(v);
    }
  }
  static const char* kCols[] = {"PhysicalMemory", "GuestVisiblePhysicalMemory", "CurrentPressure",
                                "AveragePressure", "AddedMemory", "RemovedMemory"};
  if (o_.json) {
    out_ << "{\"VMs\":[";
    for (size_t i = 0; i < shown.size(); ++i) out_ << (i ? "," : "") << InstanceToJson(shown[i]);
    out_ << "],\"Balancers\":[";
    for (size_t i = 0; i < bal.value.size(); ++i) out_ << (i ? "," : "") << InstanceToJson(bal.value[i]);
    out_ << "]}\n";
    return kExitOk;
  }
  out_ << std::left << std::setw(24) << "Name";
  for (const char* c : kCols) out_ << std::setw(std::max<int>(12, static_cast<int>(strlen(c)) + 2)) << c;
  out_ << "\n";
  for (const auto& v : shown) {
    out_ << std::left << std::setw(24) << GetString(v, "Name").value_or("");
    for (const char* c : kCols) {
      out_ << std::setw(std::max<int>(12, static_cast<int>(strlen(c)) + 2)) << GetUint(v, c).value_or(0);
    }
    out_ << "\n";
  }
  for (const auto& b : bal.value) {
    out_ << "balancer " << GetString(b, "Name").value_or("") << ": available "
         << GetUint(b, "AvailableMemory").value_or(0) << " MB, average pressure "
         << GetUint(b, "AveragePressure").value_or(0) << "%\n";
  }
  return kExitOk;
}

}  // namespace hv::vmctl
