// A small Criterion.rs suite for `bench`'s tests. "zeroed 32 KiB" is where
// allocators differ by a counter (as BM_zeroed32k of ../suite.cpp): a
// zeroed 32 KiB buffer (calloc) freed and allocated again, which glibc
// keeps on its free lists and jemalloc with tcache_max:4096 purges with
// MADV_DONTNEED. "small_objects/boxes/64" is a benchmark of a group with a
// parameter: its name has '/' (and the first a space), which Criterion's
// directory names under CRITERION_HOME replace, so `bench` must read the
// name back from benchmark.json.
// SHOOTOUT_SUITE_CRASH_UNDER=TEXT makes the suite abort when LD_PRELOAD
// contains TEXT: a harness that crashes under one allocator only.
// SHOOTOUT_SUITE_BREAK_JSON=TEXT cuts every sample.json under CRITERION_HOME
// in half after the run when LD_PRELOAD contains TEXT: output nobody can
// parse.
// SHOOTOUT_SUITE_CRASH_MEASURING=TEXT: "zeroed 32 KiB" aborts when LD_PRELOAD
// contains TEXT in a measured run (not --test, the verification run): one
// benchmark's process crashes.
use std::path::Path;
use std::time::Duration;

use criterion::{black_box, criterion_group, BenchmarkId, Criterion};

fn zeroed_32k(c: &mut Criterion) {
    let measuring = !std::env::args().any(|arg| arg == "--test");
    if measuring && preloaded_under("SHOOTOUT_SUITE_CRASH_MEASURING") {
        // Only when Criterion runs this benchmark, not when it skips it.
        c.bench_function("zeroed 32 KiB", |_| {
            eprintln!("suite: zeroed 32 KiB crashing on purpose under this allocator");
            std::process::abort();
        });
        return;
    }
    c.bench_function("zeroed 32 KiB", |b| {
        b.iter(|| black_box(vec![0u8; 32 * 1024]));
    });
}

fn small_objects(c: &mut Criterion) {
    let mut group = c.benchmark_group("small_objects");
    let count = 64usize;
    group.bench_with_input(BenchmarkId::new("boxes", count), &count, |b, &count| {
        b.iter(|| {
            let boxes: Vec<Box<[u64; 6]>> = (0..count).map(|i| Box::new([i as u64; 6])).collect();
            black_box(boxes)
        });
    });
    group.finish();
}

// Short times (Criterion's flags take whole seconds only): the tests count
// samples and counters, never times. 20 samples, so that a test passing
// --sample-size 10 sees the flag take effect. 2000 bootstrap resamples
// instead of 100 000 for Criterion's own analysis, which bench never reads:
// a process measuring one benchmark took 2.2 s with 100 000 (at the
// fixture's opt-level 0), 0.26 s with 1000; Criterion prints a warning at
// 1000 or fewer.
fn short_sampling() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50))
        .sample_size(20)
        .nresamples(2000)
}

criterion_group! {
    name = benches;
    config = short_sampling();
    targets = zeroed_32k, small_objects
}

// Whether LD_PRELOAD contains the text of the variable `name` (set, not empty).
fn preloaded_under(name: &str) -> bool {
    let preload = std::env::var("LD_PRELOAD").unwrap_or_default();
    match std::env::var(name) {
        Ok(text) => !text.is_empty() && preload.contains(&text),
        Err(_) => false,
    }
}

fn break_sample_files(directory: &Path) {
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(_) => return,
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            break_sample_files(&path);
        } else if path.file_name().map_or(false, |name| name == "sample.json") {
            let text = std::fs::read(&path).expect("read sample.json");
            std::fs::write(&path, &text[..text.len() / 2]).expect("write sample.json");
        }
    }
}

// criterion_main!, with the failures the tests ask for around it.
fn main() {
    // What criterion_main! prints first, in every run: a suite without the
    // `html_reports` feature (Criterion 0.3.6's default) warns on stdout,
    // before --bench --list's names.
    criterion::__warn_about_html_reports_feature();
    criterion::__warn_about_cargo_bench_support_feature();
    if preloaded_under("SHOOTOUT_SUITE_CRASH_UNDER") {
        eprintln!("suite: crashing on purpose under this allocator");
        std::process::abort();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    if preloaded_under("SHOOTOUT_SUITE_BREAK_JSON") {
        if let Some(home) = std::env::var_os("CRITERION_HOME") {
            break_sample_files(Path::new(&home));
        }
    }
}
