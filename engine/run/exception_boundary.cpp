#include "engine/run/exception_boundary.hpp"

#include <new>

namespace regmigrate::engine {

Error error_from_current_exception(const std::string& what) {
    try {
        throw;
    } catch (const ErrorException& error) {
        return with_context(error.error(), what);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::too_large, what + ": out of memory");
    } catch (const std::exception& error) {
        return make_error(ErrorKind::protocol, what + ": internal error: " + error.what());
    } catch (...) {
        return make_error(ErrorKind::protocol, what + ": internal error (unknown exception)");
    }
}

}  // namespace regmigrate::engine
