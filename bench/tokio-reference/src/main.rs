// tokio-reference: the Asio workloads of alloc-shootout on Tokio, the
// runtime of the study they rebuild, for `bench/run.sh runtime` (README
// "Benchmarks"). One case, one payload mode per process; every sample is one
// JSON line: case, payload, elements (per iteration), iters, ns, checksum.
//
//   tokio-reference --case mpsc/32768 --payload zeroed [--threads W]
//                   [--samples S] [--iters K]        samples on stdout
//   tokio-reference ... --serve                      driven by bench-runtime-compare:
//       fd 3 in:  {"cmd":"run","iters":K} | {"cmd":"quit"}   (one per line)
//       fd 4 out: a hello, then one sample line per run (the worker's protocol)
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::io::FromRawFd;
use std::time::Instant;

mod cases;
mod mt64;
mod payload;
mod workloads;

const USAGE: &str = "usage: tokio-reference --case NAME --payload MODE [--threads W] \
                     [--samples S] [--iters K] [--serve]";

struct Options {
    case: String,
    payload: String,
    threads: Option<usize>,
    samples: u64,
    iters: u64,
    serve: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        case: String::new(),
        payload: "none".into(),
        threads: None,
        samples: 10,
        iters: 1,
        serve: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{} needs a value; {}", name, USAGE))
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{} must be a whole number, not '{}'", name, text))
        };
        match arg.as_str() {
            "--case" => o.case = value("--case")?,
            "--payload" => o.payload = value("--payload")?,
            "--threads" => o.threads = Some(number("--threads", value("--threads")?)? as usize),
            "--samples" => o.samples = number("--samples", value("--samples")?)?,
            "--iters" => o.iters = number("--iters", value("--iters")?)?.max(1),
            "--serve" => o.serve = true,
            other => return Err(format!("unknown argument '{}'; {}", other, USAGE)),
        }
    }
    if o.case.is_empty() {
        return Err(format!(
            "--case is required ({}); {}",
            cases::valid_names(),
            USAGE
        ));
    }
    Ok(o)
}

// The object that serves malloc in this process (dladdr of malloc's
// address): the C library, or the allocator LD_PRELOAD put ahead of it.
// Rust's default global allocator calls this malloc, so the driver can
// check that the allocator it asked for is the one measured.
fn malloc_object() -> String {
    #[repr(C)]
    struct DlInfo {
        fname: *const std::os::raw::c_char,
        fbase: *mut std::ffi::c_void,
        sname: *const std::os::raw::c_char,
        saddr: *mut std::ffi::c_void,
    }
    extern "C" {
        fn malloc(size: usize) -> *mut std::ffi::c_void;
        fn dladdr(addr: *const std::ffi::c_void, info: *mut DlInfo) -> i32;
    }
    let mut info = DlInfo {
        fname: std::ptr::null(),
        fbase: std::ptr::null_mut(),
        sname: std::ptr::null(),
        saddr: std::ptr::null_mut(),
    };
    let found = unsafe { dladdr(malloc as *const std::ffi::c_void, &mut info) };
    if found == 0 || info.fname.is_null() {
        return String::new();
    }
    let name = unsafe { std::ffi::CStr::from_ptr(info.fname) }
        .to_string_lossy()
        .into_owned();
    std::fs::canonicalize(&name)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or(name)
}

// JSON string contents: the case names and messages here are ASCII, but
// quote and escape what JSON requires anyway.
fn json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// The iteration count of {"cmd":"run","iters":K}; None for quit.
fn parse_command(line: &str) -> Result<Option<u64>, String> {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("\"cmd\":\"quit\"") {
        return Ok(None);
    }
    if compact.contains("\"cmd\":\"run\"") {
        if let Some(at) = compact.find("\"iters\":") {
            let digits: String = compact[at + 8..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if let Ok(k) = digits.parse::<u64>() {
                if k > 0 {
                    return Ok(Some(k));
                }
            }
        }
    }
    Err(format!("bad command '{}': valid are {{\"cmd\":\"run\",\"iters\":K}} (K >= 1) and {{\"cmd\":\"quit\"}}", line.trim()))
}

// Timing starts: ends the start-up log of alloc-shootout's malloc-counting
// shim when it is preloaded (SHOOTOUT_MALLOC_LOG), as the Asio worker does,
// so the reference's start-up can be inspected call by call.
fn mark_timing_start() {
    extern "C" {
        fn dlsym(
            handle: *mut std::ffi::c_void,
            symbol: *const std::os::raw::c_char,
        ) -> *mut std::ffi::c_void;
    }
    let symbol = b"shootout_malloc_log_mark\0";
    let mark = unsafe {
        dlsym(
            std::ptr::null_mut(),
            symbol.as_ptr() as *const std::os::raw::c_char,
        )
    };
    if !mark.is_null() {
        let mark: extern "C" fn() = unsafe { std::mem::transmute(mark) };
        mark();
    }
}

struct Sampler {
    case: String,
    payload: &'static str,
    elements: u64,
    workload: Box<dyn workloads::Workload>,
}

impl Sampler {
    // K iterations timed; every iteration must give the first one's checksum.
    fn sample(&mut self, iters: u64) -> Result<String, String> {
        let mut checksum = None;
        let start = Instant::now();
        for i in 0..iters {
            let c = self
                .workload
                .run_once()
                .map_err(|e| format!("{} iteration {}: {}", self.case, i + 1, e))?;
            if *checksum.get_or_insert(c) != c {
                return Err(format!(
                    "{}: checksum changed between iterations ({} then {})",
                    self.case,
                    checksum.unwrap(),
                    c
                ));
            }
        }
        let ns = start.elapsed().as_nanos();
        Ok(format!(
            "{{\"type\":\"sample\",\"case\":{},\"payload\":\"{}\",\"elements\":{},\"iters\":{},\"ns\":{},\"checksum\":{}}}",
            json_text(&self.case), self.payload, self.elements, iters, ns, checksum.unwrap_or(0)
        ))
    }
}

fn error_line(kind: &str, message: &str) -> String {
    format!(
        "{{\"type\":\"error\",\"kind\":\"{}\",\"message\":{}}}",
        kind,
        json_text(message)
    )
}

fn main() {
    let options = parse_args().unwrap_or_else(|e| {
        eprintln!("tokio-reference: {}", e);
        std::process::exit(2);
    });
    let setup = || -> Result<(Sampler, workloads::Info), String> {
        let case = cases::parse(&options.case)?;
        let mode = payload::Mode::parse(&options.payload)?;
        let threads = options.threads.unwrap_or(case.default_threads);
        let (workload, info) = workloads::make(&case, mode, threads)?;
        Ok((
            Sampler {
                case: case.name.clone(),
                payload: mode.name(),
                elements: info.elements,
                workload,
            },
            info,
        ))
    };
    let mut reply: Box<dyn Write> = if options.serve {
        Box::new(unsafe { File::from_raw_fd(4) })
    } else {
        Box::new(std::io::stdout())
    };
    let (mut sampler, info) = match setup() {
        Ok(ready) => ready,
        Err(e) if options.serve => {
            let _ = writeln!(reply, "{}", error_line("bad_workload", &e));
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("tokio-reference: {}", e);
            std::process::exit(2);
        }
    };
    let fail = |reply: &mut Box<dyn Write>, e: String| -> ! {
        if options.serve {
            let _ = writeln!(reply, "{}", error_line("self_check", &e));
        }
        eprintln!("tokio-reference: {}", e);
        std::process::exit(5);
    };
    if !options.serve {
        mark_timing_start();
        for _ in 0..options.samples {
            match sampler.sample(options.iters) {
                Ok(line) => println!("{}", line),
                Err(e) => fail(&mut reply, e),
            }
        }
        return;
    }
    let hello = format!(
        "{{\"type\":\"hello\",\"runtime\":\"tokio {} ({})\",\"case\":{},\"payload\":\"{}\",\"elements\":{},\"payload_bytes\":{},\"threads\":{},\"malloc_object\":{}}}",
        env!("TOKIO_VERSION"),
        if info.threads == 0 { "current-thread" } else { "multi-thread" },
        json_text(&sampler.case), sampler.payload, info.elements, info.payload_bytes, info.threads, json_text(&malloc_object())
    );
    if writeln!(reply, "{}", hello)
        .and_then(|_| reply.flush())
        .is_err()
    {
        eprintln!("tokio-reference: fd 4 is not writable: --serve is for bench-runtime-compare");
        std::process::exit(2);
    }
    let commands = BufReader::new(unsafe { File::from_raw_fd(3) });
    let mut timing_started = false;
    for line in commands.lines() {
        let line = line.unwrap_or_default();
        match parse_command(&line) {
            Ok(None) => break,
            Ok(Some(iters)) => match {
                if !timing_started {
                    mark_timing_start();
                    timing_started = true;
                }
                sampler.sample(iters)
            } {
                Ok(sample) => {
                    let _ = writeln!(reply, "{}", sample).and_then(|_| reply.flush());
                }
                Err(e) => fail(&mut reply, e),
            },
            Err(e) => {
                let _ = writeln!(reply, "{}", error_line("bad_command", &e));
                std::process::exit(6);
            }
        }
    }
}
