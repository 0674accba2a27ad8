// Plan files for `regmigrate sync --config PLAN.yaml`: named registries and sync entries
// (schema in README.md, "Plan files"). Every error is ErrorKind::invalid_argument and
// reads "ORIGIN line N: what is wrong with which key"; secrets are never echoed.
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::engine {

// origin names the document in messages (usually the file name). Passwords named by
// password_env are read from the environment here; certs_dir is applied here; a registry
// without credentials gets docker's (config.json, credential helpers) here.
Expected<SyncPlan> parse_plan_yaml(std::string_view text, std::string_view origin);

// parse_plan_yaml on the file's content; an unreadable file is an error naming the path.
Expected<SyncPlan> load_plan_file(const std::string& path);

}  // namespace regmigrate::engine
