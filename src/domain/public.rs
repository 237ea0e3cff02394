//! What the public may send without signing in: the optional proof of work on a comment.

use sha2::{Digest, Sha256};

/// The header a comment's proof of work travels in.
pub const PROOF_OF_WORK_HEADER: &str = "thidua-proof-of-work";

/// A hashcash-style stamp: `nonce` (up to 64 visible ASCII characters) such that
/// SHA-256(`<nomination id>` "\n" `<content as sent>` "\n" `<nonce>`) starts with `bits` zero
/// bits. The work is tied to one comment on one posting, so a stamp cannot be reused for a
/// flood of other comments. `bits = 0` asks for nothing.
pub fn proof_of_work_ok(nomination_id: &str, content: &str, nonce: &str, bits: u32) -> bool {
    if bits == 0 {
        return true;
    }
    if nonce.is_empty() || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let digest = Sha256::new()
        .chain_update(nomination_id)
        .chain_update("\n")
        .chain_update(content)
        .chain_update("\n")
        .chain_update(nonce)
        .finalize();
    leading_zero_bits(&digest) >= bits
}

fn leading_zero_bits(bytes: &[u8]) -> u32 {
    let mut bits = 0;
    for b in bytes {
        if *b == 0 {
            bits += 8;
        } else {
            return bits + b.leading_zeros();
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a client does: count up until the hash has enough zero bits.
    fn solve(id: &str, content: &str, bits: u32) -> String {
        (0u64..).map(|n| n.to_string()).find(|n| proof_of_work_ok(id, content, n, bits)).unwrap()
    }

    #[test]
    fn stamps_are_checked_and_tied_to_their_comment() {
        assert!(proof_of_work_ok("id", "x", "", 0), "nothing asked");
        let nonce = solve("id", "Ý kiến", 12);
        assert!(proof_of_work_ok("id", "Ý kiến", &nonce, 12));
        assert!(!proof_of_work_ok("id", "Ý kiến khác", &nonce, 12), "another comment needs its own work");
        assert!(!proof_of_work_ok("id2", "Ý kiến", &nonce, 12), "another posting too");
        assert!(!proof_of_work_ok("id", "Ý kiến", "", 12));
        assert_eq!(leading_zero_bits(&[0, 0x10]), 11);
    }
}
