// Payloads per mode, as src/workloads/payload.h makes them for the Asio
// workloads: the same allocator calls (calloc for zeroed, malloc for filled
// and uninit, a preallocated pool for floor), the same bytes written by the
// sender and the same bytes read by the receiver.
use std::alloc::{alloc, alloc_zeroed, dealloc, Layout};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Zeroed,
    Filled,
    Uninit,
    Floor,
    None,
}

impl Mode {
    pub fn parse(text: &str) -> Result<Mode, String> {
        match text {
            "zeroed" => Ok(Mode::Zeroed),
            "filled" => Ok(Mode::Filled),
            "uninit" => Ok(Mode::Uninit),
            "floor" => Ok(Mode::Floor),
            "none" => Ok(Mode::None),
            _ => Err(format!(
                "unknown payload mode '{}': valid modes are zeroed, filled, uninit, floor \
                 (payload workloads) and none (workloads without payloads)",
                text
            )),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Mode::Zeroed => "zeroed",
            Mode::Filled => "filled",
            Mode::Uninit => "uninit",
            Mode::Floor => "floor",
            Mode::None => "none",
        }
    }
}

// The byte message `index` carries at offset 0 (never 0), as payload_value().
pub fn payload_value(index: u64) -> u8 {
    (index % 251 + 1) as u8
}

pub fn page_size() -> usize {
    extern "C" {
        fn sysconf(name: i32) -> i64;
    }
    const SC_PAGESIZE: i32 = 30; // glibc's _SC_PAGESIZE
    let size = unsafe { sysconf(SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

// An owned buffer: freed with free() on drop, or its floor slot handed back.
pub struct Payload {
    data: *mut u8,
    size: usize,
    lease: *const AtomicBool,
    zero_beyond_first: bool,
}

// The buffer is owned by exactly one Payload; the lease points into a
// Source that outlives every payload it made.
unsafe impl Send for Payload {}

impl Payload {
    pub fn first_byte(&self) -> u8 {
        unsafe { *self.data }
    }

    // The receiver's check (Payload::read_checked): byte 0, one byte per page
    // and the last byte must all be byte 0's value; zeroed mode reads byte 0
    // and the last byte of byte 0's memory page, which must still be 0.
    // Returns (byte 0, intact).
    pub fn read_checked(&self, page: usize) -> (u8, bool) {
        let first = self.first_byte();
        let last = if self.zero_beyond_first {
            let left_on_page = page - (self.data as usize) % page;
            self.size.min(left_on_page) - 1
        } else {
            self.size - 1
        };
        unsafe {
            if self.zero_beyond_first {
                return (first, last == 0 || *self.data.add(last) == 0);
            }
            let mut same = true;
            let mut offset = page;
            while offset < last {
                same &= *self.data.add(offset) == first;
                offset += page;
            }
            (first, same && *self.data.add(last) == first)
        }
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        if self.lease.is_null() {
            unsafe { dealloc(self.data, Layout::from_size_align_unchecked(self.size, 1)) };
        } else {
            // Release pairs with the acquire in make(): our reads happen
            // before the next writer's fill.
            unsafe { (*self.lease).store(false, Ordering::Release) };
        }
    }
}

struct Slot {
    data: *mut u8,
    size: usize,
    in_use: AtomicBool,
}

// Makes payloads for one workload; for floor it owns `lanes` rings of
// preallocated, pre-touched buffers (one ring per sender).
pub struct Source {
    mode: Mode,
    page: usize,
    slots_per_lane: usize,
    slots: Vec<Slot>,
}

unsafe impl Send for Source {}
unsafe impl Sync for Source {}

fn checked(p: *mut u8) -> *mut u8 {
    if p.is_null() {
        eprintln!("tokio-reference: out of memory: a payload allocation failed");
        std::process::abort();
    }
    p
}

impl Source {
    pub fn new(mode: Mode, lanes: usize, slot_sizes: &[usize]) -> Source {
        let mut slots = Vec::new();
        if mode == Mode::Floor {
            for _ in 0..lanes {
                for &size in slot_sizes {
                    let data = checked(unsafe { alloc(Layout::from_size_align(size, 1).unwrap()) });
                    // Every page touched now: no first-touch faults while timed.
                    unsafe { std::ptr::write_bytes(data, 0, size) };
                    slots.push(Slot {
                        data,
                        size,
                        in_use: AtomicBool::new(false),
                    });
                }
            }
        }
        Source {
            mode,
            page: page_size(),
            slots_per_lane: slot_sizes.len(),
            slots,
        }
    }

    pub fn page(&self) -> usize {
        self.page
    }

    // Safe to call concurrently for different lanes.
    pub fn make(&self, lane: usize, index: u64, size: usize, value: u8) -> Result<Payload, String> {
        let layout = Layout::from_size_align(size, 1).map_err(|e| e.to_string())?;
        let plain = |data: *mut u8, zero_beyond_first: bool| Payload {
            data,
            size,
            lease: std::ptr::null(),
            zero_beyond_first,
        };
        match self.mode {
            Mode::Zeroed => {
                // calloc (Rust's alloc_zeroed), then byte 0 as a sender fills it in.
                let p = checked(unsafe { alloc_zeroed(layout) });
                unsafe { *p = value };
                Ok(plain(p, true))
            }
            Mode::Filled => {
                let p = checked(unsafe { alloc(layout) });
                unsafe { std::ptr::write_bytes(p, value, size) };
                Ok(plain(p, false))
            }
            Mode::Uninit => {
                let p = checked(unsafe { alloc(layout) });
                let mut offset = 0;
                while offset < size {
                    unsafe { *p.add(offset) = value };
                    offset += self.page;
                }
                unsafe { *p.add(size - 1) = value };
                Ok(plain(p, false))
            }
            Mode::Floor => {
                let slot = &self.slots
                    [lane * self.slots_per_lane + (index as usize) % self.slots_per_lane];
                if slot.in_use.swap(true, Ordering::Acquire) {
                    return Err(format!(
                        "floor payload pool: slot for message {} of lane {} is still in use",
                        index, lane
                    ));
                }
                if size > slot.size {
                    slot.in_use.store(false, Ordering::Relaxed);
                    return Err("floor payload pool: slot smaller than the payload".to_string());
                }
                unsafe { std::ptr::write_bytes(slot.data, value, size) };
                Ok(Payload {
                    data: slot.data,
                    size,
                    lease: &slot.in_use,
                    zero_beyond_first: false,
                })
            }
            Mode::None => Err("payload requested from a workload without payloads".to_string()),
        }
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        for slot in &self.slots {
            unsafe { dealloc(slot.data, Layout::from_size_align_unchecked(slot.size, 1)) };
        }
    }
}
