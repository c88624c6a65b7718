// The conformance guests (tests/conformance/guests/*.S), assembled at build
// time and embedded by embed_guests.cmake.
#ifndef HV_TESTS_CONFORMANCE_GUEST_IMAGES_H_
#define HV_TESTS_CONFORMANCE_GUEST_IMAGES_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace hv::shim::conformance {

// The flat image of guest `name` (file name without .S); empty if unknown.
std::span<const uint8_t> GuestImage(std::string_view name);

}  // namespace hv::shim::conformance

#endif  // HV_TESTS_CONFORMANCE_GUEST_IMAGES_H_
