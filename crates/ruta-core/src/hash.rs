//! Small stable hashes for content fingerprints (not for security).

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// FNV-1a of a string, as 16 hex digits.
pub fn fingerprint(s: &str) -> String {
    format!("{:016x}", fnv1a(s.as_bytes()))
}
