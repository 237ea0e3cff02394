//! The evidence store: one interface over a local directory (the default) and S3-compatible
//! object storage (for several instances), both through `object_store`.

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::RetryConfig;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::error::{ApiError, ErrorCode};

pub struct EvidenceStore {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        cause: Some(anyhow::anyhow!("evidence store: {e}")),
        retry_after_secs: Some(1),
        ..ApiError::new(ErrorCode::StorageUnavailable, "the file store is not reachable; try again shortly")
    }
}

impl EvidenceStore {
    /// `s3://bucket[/prefix]` (credentials and endpoint from the `AWS_*` settings), or a
    /// directory path.
    pub fn open(setting: &str, s3_settings: &[(&str, String)]) -> Result<EvidenceStore, String> {
        if let Some(rest) = setting.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let mut builder = AmazonS3Builder::from_env();
            for (name, value) in s3_settings {
                let key: AmazonS3ConfigKey = name.to_ascii_lowercase().parse().map_err(|e| format!("{name}: {e}"))?;
                builder = builder.with_config(key, value);
            }
            // A store that fails answers 503 within seconds, not after object_store's default
            // three minutes of retries; the client retries after `Retry-After`.
            let retry = RetryConfig {
                max_retries: 2,
                retry_timeout: std::time::Duration::from_secs(10),
                ..RetryConfig::default()
            };
            let store = builder.with_bucket_name(bucket).with_retry(retry).build().map_err(|e| e.to_string())?;
            return Ok(EvidenceStore { store: Arc::new(store), prefix: prefix.trim_matches('/').to_string() });
        }
        std::fs::create_dir_all(setting).map_err(|e| format!("cannot create {setting}: {e}"))?;
        let store = LocalFileSystem::new_with_prefix(setting).map_err(|e| e.to_string())?;
        Ok(EvidenceStore { store: Arc::new(store), prefix: String::new() })
    }

    fn path(&self, key: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }

    /// Writes the whole file or nothing: the local store writes a temporary file and renames
    /// it; S3 makes an object visible only once complete.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), ApiError> {
        self.store.put(&self.path(key), PutPayload::from_bytes(bytes)).await.map(|_| ()).map_err(unavailable)
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, ApiError> {
        let result = self.store.get(&self.path(key)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                ApiError::internal(anyhow::anyhow!("evidence file {key} is missing from the store"))
            }
            other => unavailable(other),
        })?;
        result.bytes().await.map_err(unavailable)
    }

    /// Best effort: used to undo a put whose record could not be written.
    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&self.path(key)).await {
            tracing::warn!(error = %e, key, "could not remove an evidence file whose record failed");
        }
    }
}
