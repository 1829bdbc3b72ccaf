// Case names, as `alloc-shootout list workloads` spells them: the family
// and its parameters (src/workloads/catalog.cpp), with the same fixed shapes
// (mpsc: 1000 messages from 1 sender, channel capacities) and the same
// default worker threads.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Family {
    SpawnMany,
    Mpsc,
    BlockOnAlloc,
    AllocStress,
    SpawnManyLocal,
    SpawnManyRemoteIdle,
    MpscContention,
    MpscLarge,
    BlockOnAllocSt,
    SpawnSt,
}

#[derive(Clone, Copy)]
enum Shape {
    Count,
    Size,
    CountXSize,
    SendersXCount,
    SendersXCountSize,
}

struct FamilyDef {
    family: Family,
    name: &'static str,
    pattern: &'static str,
    shape: Shape,
    takes_payload: bool,
    // As the Asio catalog: 0 = current-thread runtime.
    default_threads: usize,
}

const FAMILIES: &[FamilyDef] = &[
    FamilyDef {
        family: Family::SpawnMany,
        name: "spawn_many",
        pattern: "spawn_many/N",
        shape: Shape::Count,
        takes_payload: false,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::Mpsc,
        name: "mpsc",
        pattern: "mpsc/SIZE",
        shape: Shape::Size,
        takes_payload: true,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::BlockOnAlloc,
        name: "block_on_alloc",
        pattern: "block_on_alloc/NxSIZE",
        shape: Shape::CountXSize,
        takes_payload: true,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::AllocStress,
        name: "alloc_stress",
        pattern: "alloc_stress/N",
        shape: Shape::Count,
        takes_payload: true,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::SpawnManyLocal,
        name: "spawn_many_local",
        pattern: "spawn_many_local/N",
        shape: Shape::Count,
        takes_payload: false,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::SpawnManyRemoteIdle,
        name: "spawn_many_remote_idle",
        pattern: "spawn_many_remote_idle/N",
        shape: Shape::Count,
        takes_payload: false,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::MpscContention,
        name: "mpsc_contention",
        pattern: "mpsc_contention/SxN",
        shape: Shape::SendersXCount,
        takes_payload: false,
        default_threads: 6,
    },
    FamilyDef {
        family: Family::MpscLarge,
        name: "mpsc_large",
        pattern: "mpsc_large/SxN_SIZE",
        shape: Shape::SendersXCountSize,
        takes_payload: true,
        default_threads: 4,
    },
    FamilyDef {
        family: Family::BlockOnAllocSt,
        name: "block_on_alloc_st",
        pattern: "block_on_alloc_st/NxSIZE",
        shape: Shape::CountXSize,
        takes_payload: true,
        default_threads: 0,
    },
    FamilyDef {
        family: Family::SpawnSt,
        name: "spawn_st",
        pattern: "spawn_st/N",
        shape: Shape::Count,
        takes_payload: false,
        default_threads: 0,
    },
];

// The study's fixed channel shapes (catalog.h).
pub const MPSC_MESSAGES: u64 = 1000;
pub const MPSC_CAPACITY: usize = 100;
pub const CONTENTION_CAPACITY: usize = 1_000_000;
pub const LARGE_CAPACITY: usize = 100;

pub struct Case {
    pub name: String,
    pub family: Family,
    pub count: u64,   // tasks, payloads, or messages per sender
    pub size: u64,    // payload bytes (0 when none)
    pub senders: u64, // channel families
    pub takes_payload: bool,
    pub default_threads: usize,
}

// Digits and an optional unit: counts take k (1000), sizes K/KB/KiB (1024)
// or B.
fn number(text: &str, size: bool) -> Option<u64> {
    let digits = text.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    let value: u64 = text[..digits].parse().ok()?;
    let unit = text[digits..].to_ascii_lowercase();
    let multiplier = match (size, unit.as_str()) {
        (_, "") => 1,
        (false, "k") => 1000,
        (true, "b") => 1,
        (true, "k") | (true, "kb") | (true, "kib") => 1024,
        _ => return None,
    };
    if value == 0 {
        return None;
    }
    value.checked_mul(multiplier)
}

pub fn valid_names() -> String {
    let patterns: Vec<&str> = FAMILIES.iter().map(|f| f.pattern).collect();
    format!("valid names are {}", patterns.join(", "))
}

pub fn parse(name: &str) -> Result<Case, String> {
    let bad = || format!("unknown case '{}': {}", name, valid_names());
    let (family_name, params) = name.split_once('/').ok_or_else(bad)?;
    let def = FAMILIES
        .iter()
        .find(|f| f.name == family_name)
        .ok_or_else(bad)?;
    let count;
    let (mut size, mut senders) = (Some(0), Some(0));
    match def.shape {
        Shape::Count => count = number(params, false),
        Shape::Size => {
            size = number(params, true);
            count = Some(MPSC_MESSAGES);
            senders = Some(1);
        }
        Shape::CountXSize => {
            let (n, s) = params.split_once('x').ok_or_else(bad)?;
            count = number(n, false);
            size = number(s, true);
        }
        Shape::SendersXCount => {
            let (s, n) = params.split_once('x').ok_or_else(bad)?;
            senders = number(s, false);
            count = number(n, false);
        }
        Shape::SendersXCountSize => {
            let (s, rest) = params.split_once('x').ok_or_else(bad)?;
            let (n, bytes) = rest.split_once('_').ok_or_else(bad)?;
            senders = number(s, false);
            count = number(n, false);
            size = number(bytes, true);
        }
    }
    match (count, size, senders) {
        (Some(count), Some(size), Some(senders)) => Ok(Case {
            name: name.to_string(),
            family: def.family,
            count,
            size,
            senders,
            takes_payload: def.takes_payload,
            default_threads: def.default_threads,
        }),
        _ => Err(bad()),
    }
}
