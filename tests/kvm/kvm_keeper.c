/* kvm_keeper: opens one KVM VM with one vCPU (no in-kernel irqchip) and holds
 * it for the whole nested-KVM boot. tests/kvm/init starts it before the suites.
 *
 * Why: KVM flips kernel static keys on the 0<->1 transitions of "VMs alive"
 * (preempt_notifier_key, patched into __schedule) and "vCPUs without an
 * in-kernel LAPIC" (kvm_has_noapic_vcpu). Each flip is an int3-based text poke.
 * Under QEMU's TCG (2 vCPUs) such a poke livelocked the L1 kernel in about one
 * boot of three: one CPU in native_queued_spin_lock_slowpath with IRQs off, the
 * other looping through exc_int3 in __schedule (RIPs read from the QEMU
 * monitor, symbols from /proc/kallsyms with nokaslr), timers dead, so even the
 * suites' `timeout` never fired. With a VM held, the tests only move the
 * counts between 1 and N and no text is patched: 15 of 15 boots passed. The
 * keeper's own flip still hung one CI boot, so run.sh also runs QEMU with
 * single-threaded TCG, under which a 300-VM create/destroy stress never hung.
 * Exits 1 with a message if KVM is unusable (the suites then fail loudly). */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
int main(void) {
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) { perror("kvm_keeper: open /dev/kvm"); return 1; }
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) { perror("kvm_keeper: KVM_CREATE_VM"); return 1; }
  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) { perror("kvm_keeper: KVM_CREATE_VCPU"); return 1; }
  printf("SHIMKVM keeper: vm %d vcpu %d held\n", vm, vcpu);
  fflush(stdout);
  for (;;) pause();
}
