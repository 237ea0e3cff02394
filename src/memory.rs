//! The process's memory: glibc's allocator, tuned once at start.
//!
//! glibc gives each thread that allocates while another holds an arena a new arena, up to eight
//! per core, and each arena keeps what it has held: with two HTTP workers, the blocking pool and
//! the password hashers, a server settled at 65–72 MiB resident after a benchmark's reads,
//! writes and login storm, and peaked at 84–91 MiB. Capped at one arena per core it settled at
//! 59 MiB and peaked there (docs/benchmarks.md); the throughput is measured beside it.
//!
//! glibc also moves its thresholds by what it sees: freeing a mapped block larger than the
//! current mapping threshold (up to 32 MiB) raises that threshold to the block's size and the
//! free space an arena keeps at its top to twice that. Argon2's working memory (19 MiB, mapped)
//! is freed after every password hash, so after the first login blocks up to 19 MiB came from the
//! arenas and each kept up to 38 MiB free at its top. Setting the thresholds (here, or by the
//! operator's environment) turns that adjustment off. And the start (migrations, the OpenAPI
//! document) leaves ~26 MiB free but held in the main arena; `release_free` gives it back once
//! the server is ready.

/// Blocks from this size up are mapped on their own and unmapped when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAP_FROM_BYTES: libc::c_int = 1024 * 1024;
/// Free space above this at the top of an arena goes back to the system when a block is freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEEP_AT_TOP_BYTES: libc::c_int = 4 * 1024 * 1024;

/// Caps glibc's arenas at one per core (at least two) and fixes its mapping and trimming
/// thresholds (see above). Call first in `main`, before any thread is started. A no-op
/// elsewhere than Linux with glibc; each setting is left alone when its `MALLOC_…` environment
/// variable is set, and all of them when `GLIBC_TUNABLES` sets any `glibc.malloc` tunable (the
/// operator's choice, which glibc has read already).
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("glibc.malloc.")) {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        for (variable, parameter, value) in [
            ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, arenas),
            ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, MAP_FROM_BYTES),
            ("MALLOC_TRIM_THRESHOLD_", libc::M_TRIM_THRESHOLD, KEEP_AT_TOP_BYTES),
        ] {
            if std::env::var_os(variable).is_some() {
                continue;
            }
            // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other
            // thread exists, so no allocation runs concurrently with it. Its result (1 on
            // success) needs no handling: on failure the default stays.
            #[allow(unsafe_code)]
            unsafe {
                libc::mallopt(parameter, value);
            }
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
