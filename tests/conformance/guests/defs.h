/* Constants shared by the conformance guests (GNU as, preprocessed) and the
 * test (which static_asserts them against wire/). Guests are flat 64-bit code
 * loaded at HV_BOOT_IMAGE_GPA; absolute addresses are immediates, so the
 * assembled .text needs no linking. */
#ifndef HV_TESTS_CONFORMANCE_GUESTS_DEFS_H_
#define HV_TESTS_CONFORMANCE_GUESTS_DEFS_H_

#define HYPERCALL_PAGE 0x9000     /* HV_BOOT_HYPERCALL_PAGE_GPA */
#define SERIAL_PORT 0x3F8
#define IN_PORT 0x60              /* the test's IN device answers IN_VALUE */
#define IN_VALUE 0x5A
#define PROGRESS_PORT 0x80        /* guests report progress values here */
#define DONE_PORT 0x82            /* "finished": the test returns from Run */
#define DATA_GPA 0x200000         /* scratch RAM the guests write results to */
#define INPUT_PAGE 0x210000       /* hypercall input page */
#define OUTPUT_PAGE 0x211000      /* hypercall output page */
#define RUNTIME_GPA 0x2000000     /* mapped/unmapped by the test at run time (RAM top) */
#define UNMAPPED_GPA 0x3000000    /* never RAM (RAM ends at 32 MiB) */
#define MMIO_GPA 0xD0000000       /* registered MMIO page */

#define CALL_GET_VP_REGISTERS 0x50
#define CALL_SET_VP_REGISTERS 0x51
#define REG_GUEST_OS_ID 0x00090002
#define REG_VP_INDEX 0x00090003
#define REG_TIME_REF_COUNT 0x00090004

#endif
