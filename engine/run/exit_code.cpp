#include "engine/run/exit_code.hpp"

namespace regmigrate::engine {

int exit_code_for(const Error& error) {
    return error.kind == ErrorKind::invalid_argument ? exit_usage : exit_failed;
}

int run_exit_code(int finish_code, int stop_signal) {
    return stop_signal != 0 ? exit_signal_base + stop_signal : finish_code;
}

}  // namespace regmigrate::engine
