//! The process's memory: glibc's allocator, tuned once at start.
//!
//! glibc gives each thread that allocates while another holds an arena a new arena, up to eight
//! per core, and each arena keeps what it has held: with two HTTP workers, the blocking pool and
//! the password hashers, a server settled at 65–72 MiB resident after a benchmark's reads,
//! writes and login storm, and peaked at 84–91 MiB. Capped at one arena per core it settled at
//! 59 MiB and peaked there (docs/benchmarks.md); the throughput is measured beside it.
//!
//! The start (migrations, building the OpenAPI document) leaves ~26 MiB free but held in the
//! main arena, in pieces glibc does not return by itself (it trims only an arena's top);
//! `release_free` gives it back once the server is ready.

/// Caps glibc's arenas at one per core (at least two). Call first in `main`, before any thread
/// is started. A no-op elsewhere than Linux with glibc, or when `MALLOC_ARENA_MAX` is set (the
/// operator's choice, which glibc has read already).
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other
        // thread exists, so no allocation runs concurrently with it. Its result (1 on success)
        // needs no handling: on failure the default stays.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Gives the system back the whole pages the allocator holds free, wherever they lie in its
/// arenas (`malloc_trim`). Called once the server is ready: what the start built and dropped
/// is not needed again. A no-op elsewhere than Linux with glibc.
pub fn release_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` is thread-safe (it takes each arena's lock) and only returns free
    // pages; its result (whether any were returned) needs no handling.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}
