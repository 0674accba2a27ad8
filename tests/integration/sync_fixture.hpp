// Shared by the sync integration tests: a source registry filled with a small
// deterministic fleet (6 repositories × 3 tags, shared base layers, some multi-arch and
// some OCI images), an empty destination, and the CLI that runs sync and verify.
#pragma once

#include "tests/support/image_contents.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/sync_cli.hpp"
#include "tools/fleet/fleet.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::testing {

inline fleet::FleetSpec small_fleet_spec() {
    fleet::FleetSpec spec;
    spec.repositories = 6;
    spec.tags = 3;
    spec.base_layers = 2;
    spec.base_layer_size = 32 * 1024;
    spec.unique_layer_size = 8 * 1024;
    spec.multiarch_share = 0.3;
    spec.oci_share = 0.5;
    spec.seed = 1;
    spec.prefix = "fleet";
    return spec;
}

// `base` followed by `more`.
inline std::vector<std::string> with(std::vector<std::string> base,
                                     const std::vector<std::string>& more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

// "REPO:TAG" of every fleet image accepted by `keep`, optionally under a namespace.
inline std::set<std::string> image_names(
    const fleet::FleetSummary& fleet,
    const std::function<bool(const fleet::TaggedImage&)>& keep = {},
    const std::string& prefix = {}) {
    std::set<std::string> names;
    for (const auto& image : fleet.tagged) {
        if (!keep || keep(image)) {
            names.insert((prefix.empty() ? "" : prefix + "/") + image.repository + ":" + image.tag);
        }
    }
    return names;
}

class SyncFleetTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto pushed = fleet::push_fleet(small_fleet_spec(), {source_.host()}, 2);
        ASSERT_TRUE(pushed) << pushed.error().message;
        fleet_ = std::move(*pushed);
        // The fleet must exercise indexes, or the accounting tests prove less.
        ASSERT_GT(fleet_.manifests, fleet_.images);
    }

    SyncOutcome sync(const std::vector<std::string>& options = {}) {
        return cli_.run("sync", source_.host(), destination_.host(), with(plain_http(), options));
    }
    SyncOutcome verify(const std::vector<std::string>& options = {}) {
        return cli_.run("verify", source_.host(), destination_.host(), with(plain_http(), options));
    }

    std::set<std::string> destination_images() const {
        auto images = list_tagged_images(destination_.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
    fleet::FleetSummary fleet_;
};

}  // namespace regmigrate::testing
