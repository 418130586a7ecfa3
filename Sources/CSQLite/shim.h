#include <sqlite3.h>

/// Turns SQLite's memory statistics off; it must run before SQLite initialises. With them on,
/// every allocation of every connection takes one process-wide mutex. (`sqlite3_config` is
/// variadic, which Swift cannot call.)
static inline int concert_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
