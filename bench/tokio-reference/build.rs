// Records the Tokio version cargo resolved (from Cargo.lock, written before
// any build script runs) so every hello names the runtime measured: the
// Debian registry decides it, not this repository.
fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut version = "unknown".to_string();
    let mut in_tokio = false;
    for line in lock.lines() {
        if line.starts_with("[[package]]") {
            in_tokio = false;
        } else if line.trim() == "name = \"tokio\"" {
            in_tokio = true;
        } else if in_tokio && line.starts_with("version = ") {
            version = line
                .trim_start_matches("version = ")
                .trim_matches('"')
                .to_string();
        }
    }
    println!("cargo:rustc-env=TOKIO_VERSION={}", version);
}
