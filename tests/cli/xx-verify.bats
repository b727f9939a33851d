#!/usr/bin/env bats
# xx-verify as scripts written for the xx shell helper use it: its flags, its messages, and
# XX_VERIFY_FILE_CMD_OUTPUT (a file(1)-style description standing in for the files). The checks
# of real cross-built binaries are in tests/matrix/verify_matrix.sh.

bats_require_minimum_version 1.5.0

setup() {
  load test_helper
  cd "$BATS_TEST_TMPDIR"
  unset XX_VERIFY_FILE_CMD_OUTPUT XX_VERIFY_STATIC
}

# minimal_elf FILE [dynamic]: an ELF64 x86-64 executable of headers only, its PT_LOAD running past
# the end of the file (as hand-made test binaries are); `dynamic` adds PT_INTERP and a PT_DYNAMIC
# with a DT_NEEDED but no string table.
minimal_elf() {
  python3 - "$1" "${2:-}" <<'PY'
import struct, sys
dynamic = sys.argv[2] == "dynamic"
phnum = 3 if dynamic else 1
ehdr = struct.pack("<4sBBBB8xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 2, 62, 1, 0x400078, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
interp = b"/lib64/ld-linux-x86-64.so.2\0"
headers_end = 64 + 56 * phnum
phdrs = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, headers_end + 4096, headers_end + 4096, 0x1000)
tail = b""
if dynamic:
    interp_off = headers_end
    dyn_off = interp_off + len(interp)
    dyn = struct.pack("<qQqQ", 1, 1, 0, 0)          # DT_NEEDED (name 1), DT_NULL; no DT_STRTAB
    phdrs += struct.pack("<IIQQQQQQ", 3, 4, interp_off, 0, 0, len(interp), len(interp), 1)
    phdrs += struct.pack("<IIQQQQQQ", 2, 6, dyn_off, 0, 0, len(dyn), len(dyn), 8)
    tail = interp + dyn
open(sys.argv[1], "wb").write(ehdr + phdrs + tail)
PY
}

@test "flags: no file is a usage error, --setup alone succeeds, an unknown flag is named" {
  run xx-verify
  assert_failure 1
  assert_output --partial "Usage: xx-verify"
  run xx-verify --setup
  assert_success
  assert_output ""
  run xx-verify --static
  assert_failure 1
  assert_output --partial "Usage"
  run xx-verify --static2 /bin/true
  assert_failure 1
  assert_output --partial "invalid flag --static2"
  run xx-verify --setup /bin/true     # --setup with files: the files are checked
  assert_success
}

@test "--static on a dynamic binary: 'not statically linked', naming its interpreter" {
  run xx-verify --static /bin/ls
  assert_failure 1
  assert_output --partial "/bin/ls: not statically linked (interpreter /lib64/ld-linux-x86-64.so.2"
  XX_VERIFY_STATIC=1 run xx-verify /bin/ls
  assert_failure 1
  assert_output --partial "not statically linked"
}

@test "hand-made ELF files of headers only are judged from their headers, as file(1) judges them" {
  minimal_elf static-amd64
  minimal_elf dynamic-amd64 dynamic
  export TARGETPLATFORM=linux/amd64
  run xx-verify --static static-amd64
  assert_success
  run xx-verify --static static-amd64 dynamic-amd64
  assert_failure 1
  assert_output --partial "dynamic-amd64: not statically linked (interpreter /lib64/ld-linux-x86-64.so.2; needs (a library whose name cannot be read))"
  run xx-verify dynamic-amd64
  assert_success
  TARGETPLATFORM=linux/arm64 run xx-verify static-amd64
  assert_failure 1
  assert_output --partial "static-amd64: built for linux/amd64"
}

@test "XX_VERIFY_FILE_CMD_OUTPUT: the description judged for every file, which need not exist" {
  export XX_VERIFY_FILE_CMD_OUTPUT=": ELF 64-bit LSB pie executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter /lib/ld-linux-aarch64.so.1"
  TARGETPLATFORM=linux/arm64 run xx-verify /nowhere/a /nowhere/b
  assert_success
  TARGETPLATFORM=linux/arm64 run xx-verify --static /nowhere/a
  assert_failure 1
  assert_output "file /nowhere/a is not statically linked: $XX_VERIFY_FILE_CMD_OUTPUT"
  TARGETPLATFORM=linux/arm/v7 run xx-verify /nowhere/a
  assert_failure 1
  assert_output --partial "file /nowhere/a does not match expected target architecture arm"
  TARGETPLATFORM=windows/arm64 run xx-verify /nowhere/a
  assert_failure 1
  assert_output --partial "does not match expected target OS windows"
  XX_VERIFY_FILE_CMD_OUTPUT=": ELF 64-bit LSB executable, IBM S/390, version 1 (SYSV), statically linked" \
    TARGETPLATFORM=linux/s390x run xx-verify /nowhere/a
  assert_failure 1
  assert_output --partial "does not match expected endianness for s390x"
  XX_VERIFY_FILE_CMD_OUTPUT=": PE32 executable (console) ARMv7 Thumb, for MS Windows" TARGETPLATFORM=windows/arm run xx-verify x.exe
  assert_success
  XX_VERIFY_FILE_CMD_OUTPUT=": Mach-O 64-bit executable arm64" TARGETPLATFORM=darwin/arm64 run xx-verify x
  assert_success
}
