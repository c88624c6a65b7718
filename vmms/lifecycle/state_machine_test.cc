#include "vmms/lifecycle/state_machine.h"

#include <set>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

using S = VmState;

TransitionPlan Ok(S from, uint32_t req) {
  auto r = PlanTransition("web1", from, req);
  EXPECT_TRUE(std::holds_alternative<TransitionPlan>(r)) << ToString(from) << " " << req;
  return std::holds_alternative<TransitionPlan>(r) ? std::get<TransitionPlan>(r) : TransitionPlan{};
}

TransitionRefusal No(S from, uint32_t req) {
  auto r = PlanTransition("web1", from, req);
  EXPECT_TRUE(std::holds_alternative<TransitionRefusal>(r)) << ToString(from) << " " << req;
  return std::holds_alternative<TransitionRefusal>(r) ? std::get<TransitionRefusal>(r)
                                                      : TransitionRefusal{};
}

TEST(StateMachine, LifecycleHappyPath) {
  EXPECT_EQ(Ok(S::kOff, 2).to, S::kRunning);
  EXPECT_EQ(Ok(S::kOff, 2).during, S::kStarting);
  EXPECT_EQ(Ok(S::kRunning, 9).to, S::kPaused);
  EXPECT_EQ(Ok(S::kPaused, 2).during, S::kResuming);
  EXPECT_EQ(Ok(S::kRunning, 6).to, S::kSaved);
  EXPECT_EQ(Ok(S::kSaved, 2).to, S::kRunning);
  EXPECT_EQ(Ok(S::kRunning, 4).during, S::kShuttingDown);
  EXPECT_EQ(Ok(S::kRunning, 3).to, S::kOff);
}

TEST(StateMachine, IllegalTransitionsAreRefusedWithInvalidState) {
  TransitionRefusal r = No(S::kRunning, 2);
  EXPECT_EQ(r.code, StateChangeReturn::kInvalidState);
  EXPECT_EQ(r.message, "vm 'web1': cannot Start from Running");
  EXPECT_EQ(No(S::kOff, 9).code, StateChangeReturn::kInvalidState);
  EXPECT_EQ(No(S::kOff, 3).code, StateChangeReturn::kInvalidState);  // already off
  EXPECT_EQ(No(S::kSaved, 9).code, StateChangeReturn::kInvalidState);
  EXPECT_EQ(No(S::kPaused, 9).code, StateChangeReturn::kInvalidState);
}

TEST(StateMachine, TransitionalStatesAreBusy) {
  TransitionRefusal r = No(S::kStarting, 3);
  EXPECT_EQ(r.code, StateChangeReturn::kSystemInUse);
  EXPECT_EQ(r.message, "vm 'web1': cannot TurnOff while Starting");
}

TEST(StateMachine, UnknownRequestIsInvalidParameter) {
  EXPECT_EQ(No(S::kOff, 7).code, StateChangeReturn::kInvalidParameter);
  EXPECT_EQ(No(S::kOff, 32768).code, StateChangeReturn::kInvalidParameter);
}

TEST(StateMachine, TableIsWellFormed) {
  std::set<std::pair<S, RequestedState>> seen;
  for (const Transition& t : TransitionTable()) {
    EXPECT_TRUE(seen.insert({t.from, t.request}).second) << "duplicate row";
    EXPECT_FALSE(IsTransitional(t.from));
    EXPECT_TRUE(IsTransitional(t.during)) << ToString(t.during);
    EXPECT_FALSE(IsTransitional(t.to));
    EXPECT_STRNE(ToString(t.request), "Invalid");
  }
}

TEST(StateMachine, WorkerHoldingStates) {
  EXPECT_TRUE(HasWorker(S::kRunning));
  EXPECT_TRUE(HasWorker(S::kPaused));
  EXPECT_TRUE(HasWorker(S::kSaving));
  EXPECT_FALSE(HasWorker(S::kOff));
  EXPECT_FALSE(HasWorker(S::kSaved));
}

}  // namespace
}  // namespace hv::vmms
