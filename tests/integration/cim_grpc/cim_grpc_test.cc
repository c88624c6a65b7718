// hv.cim.v1 against a real vmms daemon and real vmwp workers (no mocks): the
// whole VM lifecycle through CIM alone, v1 and v2 over the same VM, the
// RTM-pinned write that must not erase Dynamic Memory settings, WQL and
// associations, job polling to completion and to failure, and bad input.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cim_grpc/cim_values.h"
#include "tests/integration/cim_grpc/vmms_process.h"

namespace hv::testing {
namespace {

namespace pb = hv::cim::v1;
using ::testing::HasSubstr;

constexpr char kV2[] = "root/virtualization/v2";
constexpr char kV1[] = "root/virtualization";

struct CallResult {
  grpc::Status status;
  int cim_code = 0;
};

class CimGrpcTest : public ::testing::Test {
 protected:
  void StartVmms(uint64_t budget = 2048) {
    std::string missing = VmmsProcess::Missing();
    if (!missing.empty()) GTEST_SKIP() << "real vmms/vmwp/guest needed: " << missing;
    auto p = VmmsProcess::Start(::testing::UnitTest::GetInstance()->current_test_info()->name(), budget);
    ASSERT_TRUE(p.ok()) << p.status();
    vmms_ = *std::move(p);
  }
  void Prepare(grpc::ClientContext* ctx, const std::string& pin) {
    if (!pin.empty()) ctx->AddMetadata("cim-schema", pin);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  }
  static int Code(grpc::ClientContext& ctx) {
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("cim-status-code");
    return it == md.end() ? 0 : std::stoi(std::string(it->second.data(), it->second.size()));
  }
  CallResult Invoke(const pb::ObjectPath& path, const std::string& method,
                    std::vector<pb::ParamValue> params, pb::InvokeMethodResponse* resp,
                    const std::string& pin = "") {
    grpc::ClientContext ctx;
    Prepare(&ctx, pin);
    pb::InvokeMethodRequest req;
    *req.mutable_object_name() = path;
    req.set_method_name(method);
    for (auto& p : params) *req.add_in_params() = std::move(p);
    CallResult r{vmms_->stub().InvokeMethod(&ctx, req, resp)};
    r.cim_code = Code(ctx);
    return r;
  }
  CallResult Get(const pb::ObjectPath& path, pb::CimInstance* out, const std::string& pin = "") {
    grpc::ClientContext ctx;
    Prepare(&ctx, pin);
    pb::GetInstanceRequest req;
    *req.mutable_instance_name() = path;
    CallResult r{vmms_->stub().GetInstance(&ctx, req, out)};
    r.cim_code = Code(ctx);
    return r;
  }
  CallResult Query(const std::string& ns, const std::string& wql, std::vector<pb::CimInstance>* out,
                   const std::string& pin = "") {
    grpc::ClientContext ctx;
    Prepare(&ctx, pin);
    pb::ExecQueryRequest req;
    req.set_namespace_(ns);
    req.set_query_language("WQL");
    req.set_query(wql);
    auto reader = vmms_->stub().ExecQuery(&ctx, req);
    pb::CimInstance i;
    while (reader->Read(&i)) out->push_back(i);
    CallResult r{reader->Finish()};
    r.cim_code = Code(ctx);
    return r;
  }
  static pb::ObjectPath Vsms(const std::string& ns) {
    pb::ObjectPath p;
    p.set_namespace_(ns);
    p.set_class_name("Msvm_VirtualSystemManagementService");
    return p;
  }
  static pb::ObjectPath WithNs(pb::ObjectPath p, const std::string& ns) {
    p.set_namespace_(ns);
    return p;
  }
  // DefineSystem with Dynamic Memory; returns the Msvm_ComputerSystem path.
  pb::ObjectPath Define(const std::string& name, uint64_t startup, uint64_t min, uint64_t max) {
    pb::InvokeMethodResponse resp;
    CallResult r = Invoke(
        Vsms(kV2), "DefineSystem",
        {P("SystemSettings", Str("instance of Msvm_VirtualSystemSettingData { ElementName = " +
                                 MofQuote(name) + "; };")),
         P("ResourceSettings",
           StrArr({absl::StrCat("instance of Msvm_MemorySettingData { DynamicMemoryEnabled = TRUE; "
                                "VirtualQuantity = ", startup, "; Reservation = ", min,
                                "; Limit = ", max, "; TargetMemoryBuffer = 20; };")}))},
        &resp);
    EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
    for (const auto& o : resp.out_params()) {
      if (o.name() == "ResultingSystem") return o.value().elements(0).reference_value();
    }
    ADD_FAILURE() << "no ResultingSystem";
    return {};
  }
  // RequestStateChange, then polls the job with GetInstance until it leaves
  // Starting/Running. Returns the final job.
  pb::CimInstance Change(const pb::ObjectPath& vm, uint64_t state, const std::string& ns = kV2) {
    pb::InvokeMethodResponse resp;
    CallResult r = Invoke(WithNs(vm, ns), "RequestStateChange", {P("RequestedState", U16(state))}, &resp);
    EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    return WaitJob(resp);
  }
  // Polls the Job out parameter of a method that returned 4096 until the job
  // leaves Starting/Running. Returns the final job.
  pb::CimInstance WaitJob(const pb::InvokeMethodResponse& resp) {
    if (resp.return_value().elements().empty()) return pb::CimInstance();
    EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 4096u) << resp.error_description();
    pb::ObjectPath job;
    for (const auto& o : resp.out_params()) {
      if (o.name() == "Job") job = o.value().elements(0).reference_value();
    }
    pb::CimInstance j;
    for (int i = 0; i < 600; ++i) {
      j.Clear();
      EXPECT_TRUE(Get(job, &j).status.ok());
      uint64_t js = U(j, "JobState");
      if (js != 3 && js != 4) {
        if (js != 7) std::cerr << "job ended " << js << ": " << S(j, "ErrorDescription") << "\n";
        return j;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "job did not finish in 120 s";
    return j;
  }
  uint64_t EnabledState(const pb::ObjectPath& vm, const std::string& ns = kV2) {
    pb::CimInstance i;
    EXPECT_TRUE(Get(WithNs(vm, ns), &i).status.ok());
    return U(i, "EnabledState");
  }
  pb::CimInstance Memory(const std::string& vm_id, const std::string& ns = kV2,
                         const std::string& pin = "") {
    std::vector<pb::CimInstance> out;
    CallResult r = Query(ns,
                         "ASSOCIATORS OF {Msvm_VirtualSystemSettingData.InstanceID=" +
                             MofQuote("Microsoft:" + vm_id) + "} WHERE ResultClass = Msvm_MemorySettingData",
                         &out, pin);
    EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? pb::CimInstance() : out[0];
  }
  static std::string IdOf(const pb::ObjectPath& vm) {
    for (const auto& k : vm.keys()) {
      if (k.name() == "Name") return k.value().elements(0).string_value();
    }
    return "";
  }

  std::unique_ptr<VmmsProcess> vmms_;
};

TEST_F(CimGrpcTest, WholeLifecycleThroughCimAlone) {
  StartVmms();
  pb::ObjectPath vm = Define("life", 256, 128, 512);
  const std::string id = IdOf(vm);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(EnabledState(vm), 3u);

  pb::CimInstance job = Change(vm, 2);  // start
  ASSERT_EQ(U(job, "JobState"), 7u) << S(job, "ErrorDescription") << vmms_->Log();
  EXPECT_EQ(EnabledState(vm), 2u);

  // Modify memory while running: the maximum may grow, the buffer change.
  const std::string iid = S(Memory(id), "InstanceID");
  pb::InvokeMethodResponse resp;
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifyResourceSettings",
                     {P("ResourceSettings",
                        StrArr({"instance of Msvm_MemorySettingData { InstanceID = " + MofQuote(iid) +
                                "; Limit = 768; TargetMemoryBuffer = 50; };"}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
  EXPECT_EQ(U(Memory(id), "Limit"), 768u);
  EXPECT_EQ(U(Memory(id), "TargetMemoryBuffer"), 50u);
  // Toggling Dynamic Memory while running is refused (Invalid State) and changes nothing.
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifyResourceSettings",
                     {P("ResourceSettings",
                        StrArr({"instance of Msvm_MemorySettingData { InstanceID = " + MofQuote(iid) +
                                "; DynamicMemoryEnabled = FALSE; };"}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 5u);
  EXPECT_FALSE(resp.error_description().empty());
  EXPECT_EQ(Prop(Memory(id), "DynamicMemoryEnabled")->elements(0).boolean_value(), true);

  EXPECT_EQ(U(Change(vm, 9), "JobState"), 7u);  // pause
  EXPECT_EQ(EnabledState(vm), 9u);
  EXPECT_EQ(EnabledState(vm, kV1), 32768u);
  EXPECT_EQ(U(Change(vm, 2), "JobState"), 7u);  // resume
  EXPECT_EQ(U(Change(vm, 6), "JobState"), 7u);  // save
  EXPECT_EQ(EnabledState(vm), 6u);
  EXPECT_EQ(EnabledState(vm, kV1), 32769u);
  EXPECT_EQ(U(Change(vm, 2), "JobState"), 7u);  // restore
  EXPECT_EQ(EnabledState(vm), 2u) << vmms_->Log();
  EXPECT_EQ(U(Change(vm, 3), "JobState"), 7u);  // turn off
  EXPECT_EQ(EnabledState(vm), 3u);

  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "DestroySystem", {P("AffectedSystem", Ref(vm))}, &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
  pb::CimInstance gone;
  CallResult r = Get(WithNs(vm, kV2), &gone);
  EXPECT_FALSE(r.status.ok());
  EXPECT_EQ(r.cim_code, 6);
  EXPECT_FALSE(r.status.error_message().empty());
}

TEST_F(CimGrpcTest, V1AndV2OverTheSameVmAndTheRtmPinnedWritePreservesDynamicMemory) {
  StartVmms();
  pb::ObjectPath vm = Define("both", 256, 128, 512);
  const std::string id = IdOf(vm);
  // v1 sees it, with v1 units.
  pb::CimInstance v1mem = Memory(id, kV1);
  EXPECT_EQ(S(v1mem, "AllocationUnits"), "MB");
  EXPECT_EQ(U(v1mem, "VirtualQuantity"), 256u);
  // Pinned to RTM, the Dynamic Memory properties are absent.
  const std::string rtm = "root/virtualization@2008R2-RTM";
  pb::CimInstance old = Memory(id, kV1, rtm);
  EXPECT_EQ(Prop(old, "DynamicMemoryEnabled"), nullptr);
  EXPECT_EQ(Prop(old, "TargetMemoryBuffer"), nullptr);
  // The RTM tool writes back what it read with a new size (static-memory era:
  // Reservation = Limit = VirtualQuantity) through the v1 method.
  pb::InvokeMethodResponse resp;
  ASSERT_TRUE(Invoke(WithNs(Vsms(kV1), kV1), "ModifyVirtualSystemResources",
                     {P("ComputerSystem", Ref(WithNs(vm, kV1))),
                      P("ResourceSettingData",
                        StrArr({"instance of Msvm_MemorySettingData { InstanceID = " +
                                MofQuote(S(old, "InstanceID")) +
                                "; VirtualQuantity = 384; Reservation = 384; Limit = 384; };"}))},
                     &resp, rtm).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
  pb::CimInstance now = Memory(id);
  EXPECT_EQ(U(now, "VirtualQuantity"), 384u);
  EXPECT_EQ(Prop(now, "DynamicMemoryEnabled")->elements(0).boolean_value(), true);
  EXPECT_EQ(U(now, "TargetMemoryBuffer"), 20u);
  EXPECT_EQ(U(now, "Reservation"), 128u);
  EXPECT_EQ(U(now, "Limit"), 512u);
  // A v1 state change (32768 pause) on a v2-started VM.
  EXPECT_EQ(U(Change(vm, 2), "JobState"), 7u);
  EXPECT_EQ(U(Change(vm, 32768, kV1), "JobState"), 7u);
  ASSERT_EQ(EnabledState(vm), 9u) << vmms_->Log();
  // A v1 method on the paused VM: destroying it turns it off, then deletes it,
  // as a job (4096, management_service_provider.h), in the v1 numbering too.
  resp.Clear();
  ASSERT_TRUE(Invoke(WithNs(Vsms(kV1), kV1), "DestroyVirtualSystem",
                     {P("ComputerSystem", Ref(WithNs(vm, kV1)))}, &resp).status.ok());
  EXPECT_EQ(U(WaitJob(resp), "JobState"), 7u);
  pb::CimInstance gone;
  EXPECT_FALSE(Get(WithNs(vm, kV1), &gone).status.ok()) << "the destroyed VM is still there";
}

TEST_F(CimGrpcTest, WqlAndAssociationsAcrossTheSettings) {
  StartVmms();
  pb::ObjectPath a = Define("qa", 256, 128, 512);
  Define("qb", 256, 256, 256);
  std::vector<pb::CimInstance> out;
  ASSERT_TRUE(Query(kV2, "SELECT ElementName FROM Msvm_ComputerSystem WHERE ElementName LIKE 'q%'", &out)
                  .status.ok());
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  ASSERT_TRUE(Query(kV2, "SELECT * FROM Msvm_MemorySettingData WHERE Limit > 300", &out).status.ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(S(out[0], "InstanceID").find("Microsoft:" + IdOf(a)), 0u);
  out.clear();
  ASSERT_TRUE(Query(kV2,
                    "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
                        IdOf(a) + "\"} WHERE AssocClass = Msvm_SettingsDefineState",
                    &out).status.ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].class_name(), "Msvm_VirtualSystemSettingData");
  // ClassDefsOnly: each associated class once, as a keyless class path.
  out.clear();
  ASSERT_TRUE(Query(kV2,
                    "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
                        IdOf(a) + "\"} WHERE AssocClass = Msvm_SystemDevice ClassDefsOnly",
                    &out).status.ok());
  std::vector<std::string> defs;
  for (const pb::CimInstance& c : out) {
    defs.push_back(c.class_name());
    EXPECT_EQ(c.path().keys_size(), 0) << c.class_name();
    EXPECT_EQ(c.path().namespace_(), kV2);
  }
  EXPECT_THAT(defs, ::testing::UnorderedElementsAre("Msvm_Memory", "Msvm_HeartbeatComponent"));
  // Associators operation: system -> devices.
  grpc::ClientContext ctx;
  Prepare(&ctx, "");
  pb::AssociatorsRequest req;
  *req.mutable_object_name() = WithNs(a, kV2);
  req.set_assoc_class("Msvm_SystemDevice");
  auto reader = vmms_->stub().Associators(&ctx, req);
  std::vector<std::string> classes;
  pb::CimInstance i;
  while (reader->Read(&i)) classes.push_back(i.class_name());
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_THAT(classes, ::testing::UnorderedElementsAre("Msvm_Memory", "Msvm_HeartbeatComponent"));
}

TEST_F(CimGrpcTest, JobPollingToFailureCarriesErrorDescription) {
  StartVmms(/*budget=*/512);
  pb::ObjectPath vm = Define("toolarge", 1024, 1024, 1024);  // more than the 512 MiB budget
  pb::CimInstance job = Change(vm, 2);
  EXPECT_EQ(U(job, "JobState"), 10u);
  EXPECT_THAT(S(job, "ErrorDescription"), HasSubstr("insufficient memory"));
  EXPECT_NE(U(job, "ErrorCode"), 0u);
  EXPECT_EQ(EnabledState(vm), 3u);
  pb::InvokeMethodResponse err;
  ASSERT_TRUE(Invoke(job.path(), "GetError", {}, &err).status.ok());
  ASSERT_EQ(err.out_params_size(), 1);
  EXPECT_EQ(err.out_params(0).value().type(), pb::CIM_TYPE_INSTANCE);
}

TEST_F(CimGrpcTest, BadInputGetsCimErrorsWithDescriptionsAndChangesNothing) {
  StartVmms();
  pb::ObjectPath vm = Define("badin", 256, 128, 512);
  const std::string id = IdOf(vm);
  std::vector<pb::CimInstance> out;
  CallResult r = Query("root/nowhere", "SELECT * FROM Msvm_ComputerSystem", &out);
  EXPECT_EQ(r.cim_code, 3);
  EXPECT_FALSE(r.status.error_message().empty());
  r = Query(kV2, "SELECT * FROM Msvm_Nothing", &out);
  EXPECT_EQ(r.cim_code, 5);
  r = Query(kV2, "SELECT Bogus FROM Msvm_ComputerSystem", &out);
  EXPECT_EQ(r.cim_code, 15);
  pb::CimInstance inst;
  pb::ObjectPath bad = WithNs(vm, kV2);
  bad.mutable_keys(1)->mutable_value()->mutable_elements(0)->set_string_value("not-a-guid");
  r = Get(bad, &inst);
  EXPECT_EQ(r.cim_code, 6);
  pb::InvokeMethodResponse resp;
  r = Invoke(WithNs(vm, kV2), "Frobnicate", {}, &resp);
  EXPECT_EQ(r.cim_code, 17);
  r = Invoke(WithNs(vm, kV2), "RequestStateChange", {P("RequestedState", Str("two"))}, &resp);
  EXPECT_EQ(r.cim_code, 13);
  const std::string iid = S(Memory(id), "InstanceID");
  for (const std::string& text :
       {std::string("instance of Msvm_MemorySettingData { Limit = ; };"),
        std::string("<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY NAME=\"Limit\">"),
        std::string("instance of Msvm_MemorySettingData { Flux = 1; };")}) {
    r = Invoke(Vsms(kV2), "ModifyResourceSettings", {P("ResourceSettings", StrArr({text}))}, &resp);
    EXPECT_EQ(r.cim_code, 4) << text;
    EXPECT_THAT(r.status.error_message(), HasSubstr("embedded instance")) << text;
  }
  for (const std::string& body : {std::string("Reservation = 1024;"), std::string("TargetMemoryBuffer = 3;"),
                                   std::string("Weight = 20000;")}) {
    resp.Clear();
    r = Invoke(Vsms(kV2), "ModifyResourceSettings",
               {P("ResourceSettings", StrArr({"instance of Msvm_MemorySettingData { InstanceID = " +
                                              MofQuote(iid) + "; " + body + " };"}))},
               &resp);
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 4u) << body;
    EXPECT_FALSE(resp.error_description().empty());
  }
  // Oversized: refused with the limit named.
  r = Invoke(Vsms(kV2), "ModifyResourceSettings",
             {P("ResourceSettings", StrArr({std::string(2 << 20, 'x')}))}, &resp);
  EXPECT_EQ(r.cim_code, 27);
  EXPECT_THAT(r.status.error_message(), HasSubstr("limit"));
  // Unknown property in ModifyInstance.
  grpc::ClientContext ctx;
  Prepare(&ctx, "");
  pb::ModifyInstanceRequest mreq;
  pb::CimInstance cs;
  ASSERT_TRUE(Get(WithNs(vm, kV2), &cs).status.ok());
  *mreq.mutable_modified_instance() = cs;
  auto* p = mreq.mutable_modified_instance()->add_properties();
  p->set_name("NoSuchProperty");
  *p->mutable_value() = Str("x");
  pb::ModifyInstanceResponse mresp;
  grpc::Status ms = vmms_->stub().ModifyInstance(&ctx, mreq, &mresp);
  EXPECT_EQ(Code(ctx), 12);
  // Nothing changed.
  pb::CimInstance mem = Memory(id);
  EXPECT_EQ(U(mem, "Reservation"), 128u);
  EXPECT_EQ(U(mem, "Limit"), 512u);
  EXPECT_EQ(U(mem, "TargetMemoryBuffer"), 20u);
  EXPECT_EQ(EnabledState(vm), 3u);
}

// Gap closed in issue 8: what a client writes through CIM is stored by vmms
// (SQLite, through the domain), so it is still there after vmms restarts;
// what vmms cannot store is refused by name and changes nothing.
TEST_F(CimGrpcTest, CimWritesSurviveAVmmsRestartAndUnstorableOnesAreRefusedByName) {
  StartVmms();
  pb::ObjectPath vm = Define("durable", 256, 128, 512);
  const std::string id = IdOf(vm);
  auto modify_instance = [&](const pb::CimInstance& inst) {
    grpc::ClientContext ctx;
    Prepare(&ctx, "");
    pb::ModifyInstanceRequest req;
    *req.mutable_modified_instance() = inst;
    pb::ModifyInstanceResponse resp;
    CallResult r{vmms_->stub().ModifyInstance(&ctx, req, &resp)};
    r.cim_code = Code(ctx);
    return r;
  };
  auto set = [](pb::CimInstance& inst, const std::string& name, pb::CimValue v) {
    for (auto& p : *inst.mutable_properties()) {
      if (p.name() == name) {
        *p.mutable_value() = std::move(v);
        return;
      }
    }
    auto* p = inst.add_properties();
    p->set_name(name);
    *p->mutable_value() = std::move(v);
  };
  // ModifyInstance: owner fields of Msvm_ComputerSystem (Write in CIM_System).
  pb::CimInstance cs;
  ASSERT_TRUE(Get(WithNs(vm, kV2), &cs).status.ok());
  set(cs, "PrimaryOwnerName", Str("ops team"));
  set(cs, "Roles", StrArr({"web", "canary"}));
  CallResult r = modify_instance(cs);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  // EnabledDefault is Write too but vmms has nothing durable behind it.
  ASSERT_TRUE(Get(WithNs(vm, kV2), &cs).status.ok());
  set(cs, "EnabledDefault", U16(2));
  r = modify_instance(cs);
  EXPECT_EQ(r.cim_code, 7);
  EXPECT_THAT(r.status.error_message(), HasSubstr("Msvm_ComputerSystem.EnabledDefault"));

  // ModifySystemSettings: name, notes and guest command line.
  const std::string vssd_iid = "Microsoft:" + id;
  pb::InvokeMethodResponse resp;
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifySystemSettings",
                     {P("SystemSettings",
                        Str("instance of Msvm_VirtualSystemSettingData { InstanceID = " +
                            MofQuote(vssd_iid) + "; ElementName = \"durable2\"; Notes = "
                            "{\"first note\", \"second note\"}; GuestCommandLine = "
                            "\"workload=idle\"; };"))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
  // A property vmms does not store: Not Supported (1), named, nothing changed.
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifySystemSettings",
                     {P("SystemSettings",
                        Str("instance of Msvm_VirtualSystemSettingData { InstanceID = " +
                            MofQuote(vssd_iid) + "; ElementName = \"lost\"; Caption = "
                            "\"not stored\"; };"))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 1u);
  EXPECT_THAT(resp.error_description(), HasSubstr("Msvm_VirtualSystemSettingData.Caption"));

  // ModifyResourceSettings: stored memory fields, then an unstored one.
  const std::string mem_iid = S(Memory(id), "InstanceID");
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifyResourceSettings",
                     {P("ResourceSettings",
                        StrArr({"instance of Msvm_MemorySettingData { InstanceID = " +
                                MofQuote(mem_iid) + "; Limit = 1024; Weight = 7000; };"}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 0u) << resp.error_description();
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "ModifyResourceSettings",
                     {P("ResourceSettings",
                        StrArr({"instance of Msvm_MemorySettingData { InstanceID = " +
                                MofQuote(mem_iid) + "; Limit = 2048; HugePagesEnabled = TRUE; };"}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 1u);
  EXPECT_THAT(resp.error_description(), HasSubstr("Msvm_MemorySettingData.HugePagesEnabled"));

  ASSERT_TRUE(vmms_->Restart().ok()) << vmms_->Log();

  pb::CimInstance after;
  ASSERT_TRUE(Get(WithNs(vm, kV2), &after).status.ok());
  EXPECT_EQ(S(after, "PrimaryOwnerName"), "ops team");
  ASSERT_NE(Prop(after, "Roles"), nullptr);
  ASSERT_EQ(Prop(after, "Roles")->elements_size(), 2);
  EXPECT_EQ(Prop(after, "Roles")->elements(1).string_value(), "canary");
  EXPECT_EQ(S(after, "ElementName"), "durable2");
  std::vector<pb::CimInstance> vssd;
  ASSERT_TRUE(Query(kV2, "SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = " +
                             MofQuote(vssd_iid), &vssd).status.ok());
  ASSERT_EQ(vssd.size(), 1u);
  EXPECT_EQ(S(vssd[0], "GuestCommandLine"), "workload=idle");
  ASSERT_NE(Prop(vssd[0], "Notes"), nullptr);
  ASSERT_EQ(Prop(vssd[0], "Notes")->elements_size(), 2);
  EXPECT_EQ(Prop(vssd[0], "Notes")->elements(0).string_value(), "first note");
  EXPECT_NE(S(vssd[0], "Caption"), "not stored");
  pb::CimInstance mem = Memory(id);
  EXPECT_EQ(U(mem, "Limit"), 1024u);
  EXPECT_EQ(U(mem, "Weight"), 7000u);
  EXPECT_EQ(Prop(mem, "HugePagesEnabled")->elements(0).boolean_value(), false);
  // The v1 namespace reads the same stored values.
  pb::CimInstance v1cs;
  ASSERT_TRUE(Get(WithNs(vm, kV1), &v1cs).status.ok());
  EXPECT_EQ(S(v1cs, "PrimaryOwnerName"), "ops team");
}

// The host is a Msvm_ComputerSystem hosting the VMs. DestroySystem of a
// running VM does real work (stop the worker, then
// delete), so it returns 4096 with a job, as Hyper-V does; of an Off VM it
// completes at once (0). Adding or removing the one memory / processor
// setting is Not Supported: v2 1, v1 32770, with a description.
TEST_F(CimGrpcTest, HostIsAComputerSystemDestroyOfARunningVmIsAJobAddRemoveNotSupported) {
  StartVmms();
  pb::ObjectPath vm = Define("doomed", 256, 128, 512);
  const std::string id = IdOf(vm);
  const std::string mem_iid = S(Memory(id), "InstanceID");
  pb::InvokeMethodResponse resp;
  // As on Hyper-V, the host is a Msvm_ComputerSystem beside the VMs, and it
  // hosts them (Msvm_HostedDependency).
  std::vector<pb::CimInstance> systems;
  ASSERT_TRUE(Query(kV2, "SELECT * FROM Msvm_ComputerSystem", &systems).status.ok());
  ASSERT_EQ(systems.size(), 2u);
  char host_name[256] = {};
  ASSERT_EQ(gethostname(host_name, sizeof(host_name) - 1), 0);
  EXPECT_EQ(S(systems[0], "Name"), host_name);
  EXPECT_EQ(S(systems[0], "Description"), "Microsoft Hosting Computer System");
  EXPECT_EQ(S(systems[1], "Name"), id);
  std::vector<pb::CimInstance> hosted;
  ASSERT_TRUE(Query(kV2,
                    "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\","
                    "Name=\"" + std::string(host_name) + "\"} WHERE AssocClass = Msvm_HostedDependency",
                    &hosted).status.ok());
  ASSERT_EQ(hosted.size(), 1u);
  EXPECT_EQ(S(hosted[0], "Name"), id);
  // AddResourceSettings / AddVirtualSystemResources.
  const std::string extra_memory =
      "instance of Msvm_MemorySettingData { VirtualQuantity = 128; };";
  pb::ObjectPath vssd;
  vssd.set_namespace_(kV2);
  vssd.set_class_name("Msvm_VirtualSystemSettingData");
  auto* k = vssd.add_keys();
  k->set_name("InstanceID");
  *k->mutable_value() = Str("Microsoft:" + id);
  ASSERT_TRUE(Invoke(Vsms(kV2), "AddResourceSettings",
                     {P("AffectedConfiguration", Ref(vssd)),
                      P("ResourceSettings", StrArr({extra_memory}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 1u);  // Not Supported
  EXPECT_THAT(resp.error_description(), HasSubstr("exactly one memory and one processor"));
  resp.Clear();
  ASSERT_TRUE(Invoke(WithNs(Vsms(kV1), kV1), "AddVirtualSystemResources",
                     {P("TargetSystem", Ref(WithNs(vm, kV1))),
                      P("ResourceSettingData", StrArr({extra_memory}))},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 32770u);  // Not Supported
  EXPECT_FALSE(resp.error_description().empty());
  // RemoveResourceSettings / RemoveVirtualSystemResources of the memory setting.
  pb::ObjectPath mem;
  mem.set_namespace_(kV2);
  mem.set_class_name("Msvm_MemorySettingData");
  k = mem.add_keys();
  k->set_name("InstanceID");
  *k->mutable_value() = Str(mem_iid);
  pb::CimValue refs;
  refs.set_type(pb::CIM_TYPE_REFERENCE);
  refs.set_is_array(true);
  *refs.add_elements()->mutable_reference_value() = mem;
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "RemoveResourceSettings", {P("ResourceSettings", refs)}, &resp)
                  .status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 1u);
  EXPECT_THAT(resp.error_description(), HasSubstr("cannot be removed"));
  resp.Clear();
  *refs.mutable_elements(0)->mutable_reference_value() = WithNs(mem, kV1);
  ASSERT_TRUE(Invoke(WithNs(Vsms(kV1), kV1), "RemoveVirtualSystemResources",
                     {P("TargetSystem", Ref(WithNs(vm, kV1))), P("ResourceSettingData", refs)},
                     &resp).status.ok());
  EXPECT_EQ(resp.return_value().elements(0).unsigned_value(), 32770u);
  EXPECT_EQ(U(Memory(id), "VirtualQuantity"), 256u);  // nothing changed

  // Destroy while running: 4096 + a job that ends Completed, then the VM is gone.
  ASSERT_EQ(U(Change(vm, 2), "JobState"), 7u) << vmms_->Log();
  resp.Clear();
  ASSERT_TRUE(Invoke(Vsms(kV2), "DestroySystem", {P("AffectedSystem", Ref(vm))}, &resp).status.ok());
  ASSERT_EQ(resp.return_value().elements(0).unsigned_value(), 4096u) << resp.error_description();
  pb::ObjectPath job;
  for (const auto& o : resp.out_params()) {
    if (o.name() == "Job") job = o.value().elements(0).reference_value();
  }
  ASSERT_EQ(job.class_name(), "Msvm_ConcreteJob");
  const pb::CimInstance j = WaitJob(resp);
  EXPECT_EQ(U(j, "JobState"), 7u) << S(j, "ErrorDescription");
  pb::CimInstance gone;
  EXPECT_EQ(Get(WithNs(vm, kV2), &gone).cim_code, 6);
}

}  // namespace
}  // namespace hv::testing
