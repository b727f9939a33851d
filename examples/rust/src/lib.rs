//! Minimal FFI bindings to the system zlib (linked by build.rs) and a
//! compress/uncompress round-trip.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_ulong};

// zlib.h: uLong and uLongf are `unsigned long`, Bytef is `unsigned char`.
extern "C" {
    fn zlibVersion() -> *const c_char;
    fn compressBound(source_len: c_ulong) -> c_ulong;
    fn compress(
        dest: *mut u8,
        dest_len: *mut c_ulong,
        source: *const u8,
        source_len: c_ulong,
    ) -> c_int;
    fn uncompress(
        dest: *mut u8,
        dest_len: *mut c_ulong,
        source: *const u8,
        source_len: c_ulong,
    ) -> c_int;
}

const Z_OK: c_int = 0;

/// The version of the zlib linked at run time, e.g. "1.2.13".
pub fn zlib_version() -> String {
    // SAFETY: zlibVersion returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(zlibVersion()) }
        .to_string_lossy()
        .into_owned()
}

/// Compresses `data` with compress(), restores it with uncompress() and
/// returns the compressed size and the restored bytes, or zlib's error code.
pub fn roundtrip(data: &[u8]) -> Result<(usize, Vec<u8>), i32> {
    // SAFETY: every buffer is valid for the length passed alongside it.
    unsafe {
        let mut zlen = compressBound(data.len() as c_ulong);
        let mut z = vec![0u8; zlen as usize];
        let rc = compress(
            z.as_mut_ptr(),
            &mut zlen,
            data.as_ptr(),
            data.len() as c_ulong,
        );
        if rc != Z_OK {
            return Err(rc);
        }
        // One spare byte, so uncompress cannot silently truncate a longer result.
        let mut out_len = (data.len() + 1) as c_ulong;
        let mut out = vec![0u8; out_len as usize];
        let rc = uncompress(out.as_mut_ptr(), &mut out_len, z.as_ptr(), zlen);
        if rc != Z_OK {
            return Err(rc);
        }
        out.truncate(out_len as usize);
        Ok((zlen as usize, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_restores_input() {
        let data = b"zhello zhello zhello zhello zhello zhello".as_slice();
        let (m, out) = roundtrip(data).expect("zlib error");
        assert_eq!(out, data);
        assert!(m > 0);
    }

    #[test]
    fn version_is_1_x() {
        assert!(zlib_version().starts_with("1."), "{}", zlib_version());
    }
}
