// SPDX-License-Identifier: GPL-2.0
/*
 * hyv-park-vcpu: create a KVM VM with one vCPU that never runs, say
 * "parked", and keep it until killed.
 *
 * Why (tools/lab/README.md, "Lab failures"): every vCPU KVM creates with an
 * in-kernel local APIC holds KVM's apic_sw_disabled static key until its
 * guest software-enables the APIC.  When the key goes from 0 to 1 (a guest
 * QEMU starts while every running guest has its APIC enabled) or back, the
 * kernel patches the key's code sites in kvm.ko while other CPUs may be
 * executing them.  L0's TCG has twice left an L1 CPU stuck for over a
 * minute on such a site (a 5-byte NOP in __apic_accept_irq) while a second
 * guest was starting.  This vCPU's APIC is never enabled, so the key stays
 * held for as long as the lab runs, and guests that come and go never make
 * KVM patch it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(void)
{
	int kvm, vm, vcpu;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("hyv-park-vcpu: /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("hyv-park-vcpu: KVM_CREATE_VM");
	/* The local APIC is KVM's only with the in-kernel irqchip. */
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return fail("hyv-park-vcpu: KVM_CREATE_IRQCHIP");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("hyv-park-vcpu: KVM_CREATE_VCPU");
	printf("parked\n");
	fflush(stdout);
	for (;;)
		pause();
}
