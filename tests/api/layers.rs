//! The layer check (`.ci/layers`) as a test, so `cargo test` fails on an upward import too.

#[test]
fn imports_point_down_the_layers() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = match std::process::Command::new("python3").arg(format!("{root}/.ci/layers")).output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("python3 not available ({e}); .ci/run checks the layers");
            return;
        }
    };
    assert!(
        output.status.success(),
        "imports against the layers:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
