/* Compile-time layout checks that work in both C (the freestanding guest) and
 * C++ (the host). Every wire struct asserts its size and every field offset. */
#ifndef HV_WIRE_WIRE_ASSERT_H_
#define HV_WIRE_WIRE_ASSERT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define HV_WIRE_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define HV_WIRE_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define HV_WIRE_SIZE(type, n) HV_WIRE_ASSERT(sizeof(type) == (n), #type " size")
#define HV_WIRE_OFFSET(type, field, n) \
  HV_WIRE_ASSERT(offsetof(type, field) == (n), #type "." #field " offset")

#endif /* HV_WIRE_WIRE_ASSERT_H_ */
