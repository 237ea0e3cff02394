//! Passwords: argon2id hashing on dedicated threads (never an HTTP worker, never the pool that
//! database calls use), a bound on how many wait, and the password policy.

use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::Checks;
use crate::error::{ApiError, Arg, ErrorCode, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl HashParams {
    fn argon2(self) -> Argon2<'static> {
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, None)
            .expect("argon2 parameters were checked at start");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Whether a stored hash was made with other settings than these (so it is re-hashed at
    /// the next successful login).
    fn is_current(self, hash: &PasswordHash) -> bool {
        let Ok(params) = Params::try_from(hash) else { return false };
        hash.algorithm.as_str() == "argon2id"
            && hash.version == Some(Version::V0x13.into())
            && params.m_cost() == self.memory_kib
            && params.t_cost() == self.iterations
            && params.p_cost() == self.lanes
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes { rehash: Option<String> },
}

type Job = Box<dyn FnOnce() + Send>;

pub struct PasswordHasher {
    params: HashParams,
    jobs: SyncSender<Job>,
    /// A hash of a random password, verified against when the username is unknown so that an
    /// unknown user takes as long as a wrong password.
    dummy: Arc<OnceLock<String>>,
    /// Jobs handed over and not yet started (for the metrics).
    queued: Arc<std::sync::atomic::AtomicUsize>,
}

impl PasswordHasher {
    /// Starts `threads` hashing threads; at most `queue` jobs wait for them.
    pub fn start(params: HashParams, threads: usize, queue: usize) -> PasswordHasher {
        let (jobs, receiver) = mpsc::sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("thidua-hash-{i}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // the hasher was dropped
                    }
                })
                .expect("spawn a hashing thread");
        }
        let hasher = PasswordHasher { params, jobs, dummy: Arc::new(OnceLock::new()), queued: Arc::default() };
        // Make the dummy hash first thing, so the first unknown username costs no extra hash.
        let dummy = hasher.dummy.clone();
        let _ = hasher.jobs.try_send(Box::new(move || {
            dummy.get_or_init(|| hash_blocking(params, &random_token()).expect("hash a dummy password"));
        }));
        hasher
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let queued = self.queued.clone();
        let job: Job = Box::new(move || {
            queued.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            let _ = done.send(work());
        });
        self.queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.queued.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                return Err(ApiError {
                    retry_after_secs: Some(1),
                    ..ApiError::new(ErrorCode::Busy, "too many sign-ins at once; try again shortly")
                });
            }
            Err(TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
                return Err(ApiError::internal(anyhow::anyhow!("hashing threads are gone")));
            }
        }
        result.await.map_err(|_| ApiError::internal(anyhow::anyhow!("a hashing job was dropped")))
    }

    /// Sign-ins waiting for a hashing thread.
    pub fn queue_depth(&self) -> usize {
        self.queued.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let params = self.params;
        self.run(move || hash_blocking(params, &password)).await?
    }

    /// Checks `password` against `stored`; without a stored hash (unknown user) it does the
    /// same work against a dummy and answers No.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<Verified, ApiError> {
        let params = self.params;
        let dummy = self.dummy.clone();
        self.run(move || {
            let Some(stored) = stored else {
                let dummy =
                    dummy.get_or_init(|| hash_blocking(params, &random_token()).expect("hash a dummy password"));
                let _ = verify_now(&password, dummy);
                return Ok(Verified::No);
            };
            if !verify_now(&password, &stored) {
                return Ok(Verified::No);
            }
            let current = PasswordHash::new(&stored).is_ok_and(|h| params.is_current(&h));
            let rehash = if current { None } else { Some(hash_blocking(params, &password)?) };
            Ok(Verified::Yes { rehash })
        })
        .await?
    }
}

/// Hashes on the calling thread: for the command line, never for a request handler.
pub fn hash_blocking(params: HashParams, password: &str) -> Result<String, ApiError> {
    let failed = |e: &dyn std::fmt::Display| ApiError::internal(anyhow::anyhow!("argon2 hashing failed: {e}"));
    let argon2 = params.argon2();
    let salt = argon2::password_hash::try_generate_salt().map_err(|e| failed(&e))?;
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    with_work_memory(argon2.params(), |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), &salt, &mut output, memory)
    })
    .map_err(|e| failed(&e))?
    .map_err(|e| failed(&e))?;
    // The PHC string, as `Argon2::hash_password` writes it.
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|e| failed(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(&e))?),
        hash: Some(Output::new(&output).map_err(|e| failed(&e))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` is the one `stored` (a PHC string) was made from. The algorithm, version
/// and parameters come from the stored hash, so hashes made with older settings still verify.
fn verify_now(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let algorithm = Algorithm::try_from(hash.algorithm.as_str());
    let version = hash.version.map(Version::try_from).transpose();
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&hash)) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut output = vec![0u8; expected.len()];
    let computed = with_work_memory(argon2.params(), |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut output, memory)
    });
    // `Output`'s equality takes the same time wherever the two differ.
    matches!(computed, Ok(Ok(()))) && Output::new(&output).is_ok_and(|computed| computed == *expected)
}

/// Runs `f` with argon2's working memory for `params` (19 MiB at the default cost), taken so
/// that it goes back to the system when `f` returns. glibc serves a block this size from a
/// heap arena once one has been freed (its mmap threshold rises to the freed size, up to
/// 32 MiB) and the arena keeps it: each hashing thread held its 19 MiB for good, and a login
/// storm left the process at 200 MB resident. A reservation above 32 MiB is always mapped on
/// its own and unmapped when freed; only the blocks argon2 uses are touched. Memory the system
/// refuses (a stored hash asking for terabytes) is an error, not an abort.
fn with_work_memory<T>(
    params: &Params,
    f: impl FnOnce(&mut [argon2::Block]) -> T,
) -> Result<T, std::collections::TryReserveError> {
    const ALWAYS_MAPPED_BYTES: usize = 33 * 1024 * 1024;
    let blocks = params.block_count();
    let reserved = blocks.max(ALWAYS_MAPPED_BYTES / std::mem::size_of::<argon2::Block>());
    let mut memory = Vec::new();
    memory.try_reserve_exact(reserved)?;
    memory.resize(blocks, argon2::Block::default());
    Ok(f(&mut memory))
}

pub use crate::domain::random_token;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords of at least 10 characters that still top the leaked-password lists, plus local
/// favourites. Short ones fail the length rule anyway. (A larger list can replace this one.)
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "0123456789",
    "12345678910",
    "123456789a",
    "123456789abc",
    "1234567890a",
    "1234567890q",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "asdfghjkl1",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "abc1234567",
    "abcd123456",
    "abcdef1234",
    "iloveyou12",
    "iloveyou123",
    "admin12345",
    "admin123456",
    "administrator",
    "welcome123",
    "welcome1234",
    "changeme123",
    "letmein123",
    "football123",
    "sunshine123",
    "princess123",
    "1111111111",
    "0000000000",
    "1212121212",
    "aaaaaaaaaa",
    "matkhau123",
    "matkhau1234",
    "matkhaumoi",
    "anhyeuem123",
    "emyeuanh123",
    "anhyeuem1234",
    "vietnam123",
    "vietnam1234",
    "hanoi12345",
    "saigon1234",
    "thidua2025",
    "thidua2026",
    "khenthuong",
    "khenthuong123",
    "backan1234",
    "thainguyen",
    "thainguyen123",
    "123456789qwe",
    "qwe123456789",
    "abc123456789",
];

/// The policy a new password meets; each failure is reported on `field`.
pub fn check_password(field: &str, password: &str, username: &str, checks: &mut Checks) {
    let chars = password.chars().count();
    let lower = password.to_lowercase();
    if chars < MIN_PASSWORD_CHARS {
        checks.0.push(
            FieldError::new(field, ErrorCode::TooShort, format!("must be at least {MIN_PASSWORD_CHARS} characters"))
                .localized("too_short-min", [("min", Arg::text(MIN_PASSWORD_CHARS))]),
        );
    } else if chars > MAX_PASSWORD_CHARS {
        checks.0.push(
            FieldError::new(field, ErrorCode::TooLong, format!("must be at most {MAX_PASSWORD_CHARS} characters"))
                .localized("too_long-max", [("max", Arg::text(MAX_PASSWORD_CHARS))]),
        );
    } else if COMMON_PASSWORDS.contains(&lower.as_str()) || password.chars().all(|c| password.starts_with(c)) {
        checks.fail(field, ErrorCode::TooCommon, "is one of the most common passwords; choose another");
    } else if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        checks.fail(field, ErrorCode::ContainsUsername, "must not contain the username");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWASP: HashParams = HashParams { memory_kib: 19 * 1024, iterations: 2, lanes: 1 };

    #[test]
    fn policy_rejects_short_common_and_username_passwords() {
        let check = |pw: &str| {
            let mut checks = Checks::default();
            check_password("password", pw, "nguyenvana", &mut checks);
            checks.0.first().map(|e| e.code.to_string())
        };
        assert_eq!(check("short").as_deref(), Some("too_short"));
        assert_eq!(check("Password123").as_deref(), Some("too_common"));
        assert_eq!(check("zzzzzzzzzzzz").as_deref(), Some("too_common"));
        assert_eq!(check("xx-NguyenVanA-xx").as_deref(), Some("contains_username"));
        assert_eq!(check("Đồng lúa chín vàng 2026"), None, "Vietnamese passphrases are fine");
    }

    #[test]
    fn a_stored_hash_asking_for_terabytes_fails_to_verify_without_aborting() {
        let small = HashParams { memory_kib: 64, iterations: 1, lanes: 1 };
        let hash = hash_blocking(small, "một mật khẩu dài").unwrap();
        assert!(verify_now("một mật khẩu dài", &hash));
        // 2^31 KiB = 2 TiB of working memory: the system refuses the reservation.
        let greedy = hash.replace("m=64,", "m=2147483648,");
        assert_ne!(greedy, hash);
        assert!(!verify_now("một mật khẩu dài", &greedy));
    }

    #[actix_web::test]
    async fn hashes_verify_and_old_parameters_are_upgraded() {
        let hasher = PasswordHasher::start(OWASP, 1, 4);
        let hash = hasher.hash("một mật khẩu dài".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert_eq!(
            hasher.verify("một mật khẩu dài".into(), Some(hash.clone())).await.unwrap(),
            Verified::Yes { rehash: None }
        );
        assert_eq!(hasher.verify("sai mật khẩu".into(), Some(hash.clone())).await.unwrap(), Verified::No);
        assert_eq!(hasher.verify("anything".into(), None).await.unwrap(), Verified::No);

        let stronger = PasswordHasher::start(HashParams { iterations: 3, ..OWASP }, 1, 4);
        let Verified::Yes { rehash: Some(upgraded) } =
            stronger.verify("một mật khẩu dài".into(), Some(hash)).await.unwrap()
        else {
            panic!("a hash with old parameters is re-hashed");
        };
        assert!(upgraded.contains("m=19456,t=3,p=1"), "{upgraded}");
    }
}
