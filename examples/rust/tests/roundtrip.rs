//! Integration test: with `xx-cargo test` this runs under QEMU for the target.

#[test]
fn roundtrip_of_repetitive_text_shrinks_and_restores() {
    let data = "the quick brown fox jumps over the lazy dog. ".repeat(20);
    let (m, out) = zhello::roundtrip(data.as_bytes()).expect("zlib error");
    assert_eq!(out, data.as_bytes());
    assert!(m < data.len(), "compressed {} bytes to {}", data.len(), m);
}

#[test]
fn empty_input_roundtrips() {
    let (_, out) = zhello::roundtrip(b"").expect("zlib error");
    assert!(out.is_empty());
}
