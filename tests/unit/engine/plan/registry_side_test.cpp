#include "engine/plan/registry_side.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

using transport::TlsMode;

TEST(IsLoopbackRegistry, Ipv4LoopbackWithAndWithoutPort) {
    EXPECT_TRUE(is_loopback_registry("127.0.0.1:5000"));
    EXPECT_TRUE(is_loopback_registry("127.0.0.1"));
}

TEST(IsLoopbackRegistry, AllOf127Slash8IsLoopback) {
    EXPECT_TRUE(is_loopback_registry("127.10.20.30:5000"));
}

TEST(IsLoopbackRegistry, Ipv6LoopbackIsLoopback) {
    EXPECT_TRUE(is_loopback_registry("[::1]:5000"));
}

TEST(IsLoopbackRegistry, LocalhostInAnyCaseIsLoopback) {
    EXPECT_TRUE(is_loopback_registry("localhost:5000"));
    EXPECT_TRUE(is_loopback_registry("LocalHost"));
}

TEST(IsLoopbackRegistry, OtherHostsAreNot) {
    EXPECT_FALSE(is_loopback_registry("registry-1.docker.io"));
    EXPECT_FALSE(is_loopback_registry("10.0.0.1:5000"));
    EXPECT_FALSE(is_loopback_registry("[2001:db8::1]:5000"));
    EXPECT_FALSE(is_loopback_registry("localhost.example.com:5000"));
    EXPECT_FALSE(is_loopback_registry("128.0.0.1"));
}

TEST(LoopbackTlsMode, RegistryAnsweringTlsGetsUnverifiedTls) {
    EXPECT_EQ(loopback_tls_mode(true, false), TlsMode::insecure);
}

TEST(LoopbackTlsMode, RegistryAnsweringOnlyPlainHttpGetsPlainHttp) {
    EXPECT_EQ(loopback_tls_mode(false, true), TlsMode::disabled);
}

TEST(LoopbackTlsMode, SilentRegistryKeepsUnverifiedTlsToReportTheFailure) {
    EXPECT_EQ(loopback_tls_mode(false, false), TlsMode::insecure);
}

TEST(ResolveTlsMode, ExplicitModesAreKeptEvenOnLoopback) {
    RegistrySide side;
    side.host = "127.0.0.1:5000";
    for (TlsMode mode : {TlsMode::enabled, TlsMode::insecure, TlsMode::disabled}) {
        side.tls.mode = mode;
        EXPECT_EQ(resolve_tls_mode(side), mode);
    }
}

TEST(ResolveTlsMode, AutomaticOffLoopbackIsVerifiedTls) {
    RegistrySide side;
    side.host = "registry.example.com";
    side.tls.mode = TlsMode::automatic;
    EXPECT_EQ(resolve_tls_mode(side), TlsMode::enabled);
}

}  // namespace
}  // namespace regmigrate::engine
