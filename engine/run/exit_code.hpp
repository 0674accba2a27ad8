// The process's exit status for how a command ended (DESIGN.md): 0 all done, 1 some images
// failed (or the run failed), 2 usage or configuration error, 128 + N stopped by signal N.
#pragma once

#include "transport/error.hpp"

namespace regmigrate::engine {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;
// A run stopped by a signal exits 128 + its number, as a shell reports it: SIGINT 130,
// SIGTERM 143 (after writing its report and flushing its journal).
inline constexpr int exit_signal_base = 128;

// A run that ended on an error: a wrong setting (ErrorKind::invalid_argument) is a usage
// error, anything else a failure.
int exit_code_for(const Error& error);

// A run that went to its end: stopped by a signal, 128 + the signal whatever its report
// says; otherwise what finishing it returned (0 complete, 1 incomplete, or the failure to
// write its report or metrics).
int run_exit_code(int finish_code, int stop_signal);

}  // namespace regmigrate::engine
