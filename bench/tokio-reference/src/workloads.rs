// The workloads of src/workloads/ on Tokio: the same elements per iteration,
// the same payload calls, the same checks, and the same checksum (what the
// receiver read: the sum of every payload's byte 0, of every value received,
// or the number of task bodies executed), so `bench-runtime-compare` can
// prove both runtimes did the same work. Each iteration is checked as the
// Asio one is; a mismatch is an Err naming what differed.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::mpsc;

use crate::cases::{self, Case, Family};
use crate::mt64::Mt64;
use crate::payload::{payload_value, Mode, Payload, Source};

pub trait Workload {
    // One iteration; Ok(checksum) when every check held.
    fn run_once(&mut self) -> Result<u64, String>;
}

pub struct Info {
    pub elements: u64,
    pub payload_bytes: u64, // one payload (alloc_stress: the mean of its sizes)
    pub threads: usize,     // Tokio worker threads; 0 = current-thread runtime
}

fn expect(what: &str, expected: u64, seen: u64) -> Result<(), String> {
    if expected == seen {
        Ok(())
    } else {
        Err(format!("{}: expected {}, saw {}", what, expected, seen))
    }
}

// The Asio pool's shape: W worker threads, and the calling (bench) thread
// outside them running block_on; W = 0 is the current-thread runtime.
fn runtime(threads: usize) -> Result<Runtime, String> {
    let built = if threads == 0 {
        Builder::new_current_thread().build()
    } else {
        Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("tokio-ref-w")
            .build()
    };
    built.map_err(|e| format!("cannot build the Tokio runtime: {}", e))
}

pub fn make(case: &Case, mode: Mode, threads: usize) -> Result<(Box<dyn Workload>, Info), String> {
    if case.takes_payload == (mode == Mode::None) {
        return Err(format!(
            "payload mode '{}' does not fit {}: {}",
            mode.name(),
            case.name,
            if case.takes_payload {
                "it takes zeroed, filled, uninit or floor"
            } else {
                "it takes none"
            }
        ));
    }
    let rt = runtime(threads)?;
    let n = case.count;
    let mut info = Info {
        elements: n,
        payload_bytes: case.size,
        threads,
    };
    let workload: Box<dyn Workload> = match case.family {
        Family::SpawnMany => Box::new(SpawnMany {
            rt,
            n,
            latch: Arc::new(Latch::new()),
            executed: Arc::new(AtomicU64::new(0)),
        }),
        Family::SpawnManyLocal => {
            let (tx, rx) = mpsc::channel(1);
            Box::new(SpawnManyLocal {
                rt,
                n,
                state: Arc::new(LocalState {
                    remaining: AtomicU64::new(0),
                    executed: AtomicU64::new(0),
                    done: tx,
                }),
                done: rx,
            })
        }
        Family::SpawnManyRemoteIdle => Box::new(SpawnManyRemoteIdle {
            rt,
            n,
            executed: Arc::new(AtomicU64::new(0)),
            handles: Vec::with_capacity(n as usize),
        }),
        Family::SpawnSt => Box::new(SpawnSt {
            rt,
            n,
            executed: Arc::new(AtomicU64::new(0)),
        }),
        Family::Mpsc | Family::MpscLarge => {
            let capacity = if case.family == Family::Mpsc {
                cases::MPSC_CAPACITY
            } else {
                cases::LARGE_CAPACITY
            } as u64;
            let s = case.senders;
            // As the Asio ring: more slots per sender than can be in flight.
            let ring = n.min(capacity + 2 * s + 16) as usize;
            let source = Arc::new(Source::new(
                mode,
                s as usize,
                &vec![case.size as usize; ring],
            ));
            info.elements = s * n;
            Box::new(Channel {
                rt,
                senders: s,
                count: n,
                size: case.size as usize,
                capacity: capacity as usize,
                source,
            })
        }
        Family::MpscContention => {
            info.elements = case.senders * n;
            Box::new(Contention {
                rt,
                senders: case.senders,
                count: n,
            })
        }
        Family::BlockOnAlloc | Family::AllocStress | Family::BlockOnAllocSt => {
            let keep_all = case.family != Family::BlockOnAllocSt;
            let (sizes, order) = if case.family == Family::AllocStress {
                stress_sizes_and_order(n)
            } else {
                (
                    vec![case.size as usize; n as usize],
                    (0..n as usize).collect(),
                )
            };
            let slot_sizes = if keep_all {
                sizes.clone()
            } else {
                vec![case.size as usize]
            };
            info.payload_bytes = sizes.iter().map(|&s| s as u64).sum::<u64>() / n;
            let held = (0..if keep_all { n } else { 0 }).map(|_| None).collect();
            Box::new(Alloc {
                rt,
                keep_all,
                sizes,
                order,
                source: Source::new(mode, 1, &slot_sizes),
                held,
            })
        }
    };
    Ok((workload, info))
}

// --- spawn families ---------------------------------------------------------

// A reusable countdown latch: the last count_down wakes the waiter through
// a condition variable (the Asio workload's Countdown).
struct Latch {
    remaining: AtomicU64,
    done: Mutex<bool>,
    cv: Condvar,
}

impl Latch {
    fn new() -> Latch {
        Latch {
            remaining: AtomicU64::new(0),
            done: Mutex::new(true),
            cv: Condvar::new(),
        }
    }
    fn reset(&self, count: u64) {
        let mut done = self.done.lock().unwrap();
        self.remaining.store(count, Ordering::Relaxed);
        *done = count == 0;
    }
    fn count_down(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            let mut done = self.done.lock().unwrap();
            *done = true;
            self.cv.notify_one();
        }
    }
    fn wait(&self) {
        let mut done = self.done.lock().unwrap();
        while !*done {
            done = self.cv.wait(done).unwrap();
        }
    }
}

// spawn_many/N: the main thread spawns N tasks from outside the runtime and
// blocks on the latch they count down.
struct SpawnMany {
    rt: Runtime,
    n: u64,
    latch: Arc<Latch>,
    executed: Arc<AtomicU64>,
}

impl Workload for SpawnMany {
    fn run_once(&mut self) -> Result<u64, String> {
        self.executed.store(0, Ordering::Relaxed);
        self.latch.reset(self.n);
        for _ in 0..self.n {
            let (latch, executed) = (self.latch.clone(), self.executed.clone());
            self.rt.spawn(async move {
                executed.fetch_add(1, Ordering::Relaxed);
                latch.count_down();
            });
        }
        self.latch.wait();
        let executed = self.executed.load(Ordering::Relaxed);
        expect("tasks executed", self.n, executed)?;
        Ok(executed)
    }
}

struct LocalState {
    remaining: AtomicU64,
    executed: AtomicU64,
    done: mpsc::Sender<()>,
}

// spawn_many_local/N: inside block_on, N tasks spawned onto the pool; the
// last one signals a channel block_on awaits.
struct SpawnManyLocal {
    rt: Runtime,
    n: u64,
    state: Arc<LocalState>,
    done: mpsc::Receiver<()>,
}

impl Workload for SpawnManyLocal {
    fn run_once(&mut self) -> Result<u64, String> {
        self.state.remaining.store(self.n, Ordering::Relaxed);
        self.state.executed.store(0, Ordering::Relaxed);
        let (n, state, done) = (self.n, &self.state, &mut self.done);
        let signalled = self.rt.block_on(async move {
            for _ in 0..n {
                let state = state.clone();
                tokio::spawn(async move {
                    state.executed.fetch_add(1, Ordering::Relaxed);
                    if state.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        let _ = state.done.try_send(());
                    }
                });
            }
            done.recv().await.is_some()
        });
        expect("completion signal received", 1, signalled as u64)?;
        let executed = self.state.executed.load(Ordering::Acquire);
        expect("tasks executed", self.n, executed)?;
        Ok(executed)
    }
}

// spawn_many_remote_idle/N: spawn N empty tasks from outside the runtime,
// then await each join handle in spawn order.
struct SpawnManyRemoteIdle {
    rt: Runtime,
    n: u64,
    executed: Arc<AtomicU64>,
    handles: Vec<tokio::task::JoinHandle<()>>, // reused: its capacity is N
}

impl Workload for SpawnManyRemoteIdle {
    fn run_once(&mut self) -> Result<u64, String> {
        self.executed.store(0, Ordering::Relaxed);
        for _ in 0..self.n {
            let executed = self.executed.clone();
            self.handles.push(self.rt.spawn(async move {
                executed.fetch_add(1, Ordering::Relaxed);
            }));
        }
        let handles = &mut self.handles;
        let completed = self.rt.block_on(async move {
            let mut completed = 0u64;
            for handle in handles.drain(..) {
                completed += handle.await.is_ok() as u64;
            }
            completed
        });
        expect("tasks completed without error", self.n, completed)?;
        let executed = self.executed.load(Ordering::Relaxed);
        expect("tasks executed", self.n, executed)?;
        Ok(executed)
    }
}

// spawn_st/N: current-thread runtime; inside block_on spawn N tasks and run
// until all of them finished (the Asio bench loop runs until no work is
// left; here block_on yields until every body has run).
struct SpawnSt {
    rt: Runtime,
    n: u64,
    executed: Arc<AtomicU64>,
}

impl Workload for SpawnSt {
    fn run_once(&mut self) -> Result<u64, String> {
        self.executed.store(0, Ordering::Relaxed);
        let (n, executed) = (self.n, &self.executed);
        self.rt.block_on(async move {
            for _ in 0..n {
                let executed = executed.clone();
                tokio::spawn(async move {
                    executed.fetch_add(1, Ordering::Relaxed);
                });
            }
            while executed.load(Ordering::Relaxed) < n {
                tokio::task::yield_now().await;
            }
        });
        let executed = self.executed.load(Ordering::Relaxed);
        expect("tasks executed", self.n, executed)?;
        Ok(executed)
    }
}

// --- channel families -------------------------------------------------------

// mpsc/SIZE and mpsc_large/SxN_SIZE: S sender tasks on the pool each send N
// payloads through a bounded channel made per iteration; block_on receives
// them all, checks each, and frees it.
struct Channel {
    rt: Runtime,
    senders: u64,
    count: u64,
    size: usize,
    capacity: usize,
    source: Arc<Source>,
}

impl Workload for Channel {
    fn run_once(&mut self) -> Result<u64, String> {
        let (s, n, size, capacity, source) = (
            self.senders,
            self.count,
            self.size,
            self.capacity,
            &self.source,
        );
        let (received, checksum, damaged, senders_done) = self.rt.block_on(async move {
            let (tx, mut rx) = mpsc::channel::<Payload>(capacity);
            let mut senders = Vec::with_capacity(s as usize);
            for lane in 0..s {
                let (tx, source) = (tx.clone(), source.clone());
                senders.push(tokio::spawn(async move {
                    for i in 0..n {
                        let payload =
                            source.make(lane as usize, i, size, payload_value(lane * n + i))?;
                        tx.send(payload)
                            .await
                            .map_err(|_| "the receiver closed the channel".to_string())?;
                    }
                    Ok::<(), String>(())
                }));
            }
            drop(tx); // the channel closes when the last sender ends
            let page = source.page();
            let (mut received, mut checksum, mut damaged) = (0u64, 0u64, 0u64);
            while let Some(payload) = rx.recv().await {
                let (first, intact) = payload.read_checked(page);
                received += 1;
                checksum += first as u64;
                damaged += (!intact) as u64;
            } // each payload is freed here, on the block_on thread
            let mut senders_done = Ok(0u64);
            for sender in senders {
                senders_done = match (senders_done, sender.await) {
                    (Ok(done), Ok(Ok(()))) => Ok(done + 1),
                    (Ok(_), Ok(Err(e))) => Err(e),
                    (Ok(_), Err(e)) => Err(format!("a sender task failed: {}", e)),
                    (failed, _) => failed,
                };
            }
            (received, checksum, damaged, senders_done)
        });
        expect("sender tasks completed", s, senders_done?)?;
        expect("messages received", s * n, received)?;
        expect(
            "payloads intact (first, last and one byte per page as written)",
            0,
            damaged,
        )?;
        Ok(checksum)
    }
}

// mpsc_contention/SxN: S senders each send the values 0..N (usize) through
// a channel of capacity 1000000.
struct Contention {
    rt: Runtime,
    senders: u64,
    count: u64,
}

impl Workload for Contention {
    fn run_once(&mut self) -> Result<u64, String> {
        let (s, n) = (self.senders, self.count);
        let (received, checksum, senders_done) = self.rt.block_on(async move {
            let (tx, mut rx) = mpsc::channel::<usize>(cases::CONTENTION_CAPACITY);
            let mut senders = Vec::with_capacity(s as usize);
            for _ in 0..s {
                let tx = tx.clone();
                senders.push(tokio::spawn(async move {
                    for i in 0..n {
                        if tx.send(i as usize).await.is_err() {
                            return false;
                        }
                    }
                    true
                }));
            }
            drop(tx);
            let (mut received, mut checksum) = (0u64, 0u64);
            while let Some(value) = rx.recv().await {
                received += 1;
                checksum += value as u64;
            }
            let mut senders_done = 0u64;
            for sender in senders {
                senders_done += matches!(sender.await, Ok(true)) as u64;
            }
            (received, checksum, senders_done)
        });
        expect("sender tasks completed", s, senders_done)?;
        expect("messages received", s * n, received)?;
        Ok(checksum)
    }
}

// --- allocation families ----------------------------------------------------

const STRESS_SEED: u64 = 0x5EED_A110C_5EED;
const STRESS_MIN_BYTES: f64 = 16.0;
const STRESS_MAX_BYTES: f64 = 32768.0;

// alloc_stress's sizes (log-uniform in [16, 32768]) and shuffled free order,
// drawn in the Asio workload's order from the same generator and seed.
fn stress_sizes_and_order(n: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = Mt64::new(STRESS_SEED);
    let octaves = (STRESS_MAX_BYTES / STRESS_MIN_BYTES).log2();
    let sizes = (0..n)
        .map(|_| {
            let u = (rng.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            ((STRESS_MIN_BYTES * (u * octaves).exp2()) as usize).min(STRESS_MAX_BYTES as usize)
        })
        .collect();
    let mut order: Vec<usize> = (0..n as usize).collect();
    for i in (2..=n as usize).rev() {
        order.swap(i - 1, (rng.next() % i as u64) as usize);
    }
    (sizes, order)
}

// block_on_alloc/NxSIZE and alloc_stress/N (all payloads held, each touched
// and freed in `order`) on the multi-thread runtime whose workers idle;
// block_on_alloc_st/NxSIZE (one payload at a time) on the current-thread one.
struct Alloc {
    rt: Runtime,
    keep_all: bool,
    sizes: Vec<usize>,
    order: Vec<usize>,
    source: Source,
    held: Vec<Option<Payload>>, // outside timing: never grows
}

impl Workload for Alloc {
    fn run_once(&mut self) -> Result<u64, String> {
        let (keep_all, sizes, order, source, held) = (
            self.keep_all,
            &self.sizes,
            &self.order,
            &self.source,
            &mut self.held,
        );
        let n = sizes.len();
        let (touched, checksum) = self.rt.block_on(async move {
            let (mut touched, mut checksum) = (0u64, 0u64);
            if !keep_all {
                for i in 0..n {
                    let payload = source.make(0, i as u64, sizes[i], payload_value(i as u64))?;
                    touched += 1;
                    checksum += payload.first_byte() as u64;
                } // freed at the end of each turn
                return Ok::<_, String>((touched, checksum));
            }
            for i in 0..n {
                held[i] = Some(source.make(0, i as u64, sizes[i], payload_value(i as u64))?);
            }
            for &i in order {
                if let Some(payload) = held[i].take() {
                    touched += 1;
                    checksum += payload.first_byte() as u64;
                }
            }
            Ok((touched, checksum))
        })?;
        expect("payloads touched", n as u64, touched)?;
        Ok(checksum)
    }
}
