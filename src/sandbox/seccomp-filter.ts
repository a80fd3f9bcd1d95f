/**
 * The seccomp filter bubblewrap loads (`--seccomp FD`) before it starts the driver: a classic BPF
 * program, built here byte by byte so that it needs no libseccomp binding. It is a short deny
 * list, not an allow list: Python, numpy, OpenCV and matplotlib use hundreds of syscalls, and
 * what the sandbox must not do is a few families the namespaces leave open:
 *
 * - ptrace and the process_vm_* calls: the sandbox's init (bubblewrap's pid 1) runs as the same
 *   uid, without the driver's rlimits, and is spared by the driver's kill(-1) after each call, so
 *   code that attaches to it gets a process that outlives its call and its limits;
 * - user and mount namespaces, mounts and pivot_root (belt and braces next to
 *   `--disable-userns`: a namespace with full capabilities inside reaches more kernel code);
 * - the kernel keyring (not namespaced), bpf, perf_event_open, userfaultfd, io_uring (a long
 *   record of kernel exploits, none needed by image code), and kernel modules, kexec, reboot,
 *   swap, accounting, quotas.
 *
 * Every denied call fails with EPERM, as it would for an unprivileged user. Syscalls of another
 * ABI (i386 through int 0x80, x32 on x86_64) are denied whole: their numbers differ, so the list
 * would not cover them, and the host's Python never uses them.
 */

/** Linux's audit architecture numbers (AUDIT_ARCH_*), as seccomp_data.arch reports them. */
const auditArch = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;

/** The denied syscalls' numbers per architecture (arch/x86/entry/syscalls, include/uapi/asm-generic). */
const deniedSyscalls: Record<keyof typeof auditArch, Record<string, number>> = {
  x64: {
    ptrace: 101,
    process_vm_readv: 310,
    process_vm_writev: 311,
    unshare: 272,
    setns: 308,
    mount: 165,
    umount2: 166,
    pivot_root: 155,
    chroot: 161,
    open_tree: 428,
    move_mount: 429,
    fsopen: 430,
    fsconfig: 431,
    fsmount: 432,
    fspick: 433,
    mount_setattr: 442,
    add_key: 248,
    request_key: 249,
    keyctl: 250,
    bpf: 321,
    perf_event_open: 298,
    userfaultfd: 323,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
    init_module: 175,
    finit_module: 313,
    delete_module: 176,
    kexec_load: 246,
    kexec_file_load: 320,
    reboot: 169,
    swapon: 167,
    swapoff: 168,
    acct: 163,
    quotactl: 179,
    open_by_handle_at: 304,
  },
  arm64: {
    ptrace: 117,
    process_vm_readv: 270,
    process_vm_writev: 271,
    unshare: 97,
    setns: 268,
    mount: 40,
    umount2: 39,
    pivot_root: 41,
    chroot: 51,
    open_tree: 428,
    move_mount: 429,
    fsopen: 430,
    fsconfig: 431,
    fsmount: 432,
    fspick: 433,
    mount_setattr: 442,
    add_key: 217,
    request_key: 218,
    keyctl: 219,
    bpf: 280,
    perf_event_open: 241,
    userfaultfd: 282,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
    init_module: 105,
    finit_module: 273,
    delete_module: 106,
    kexec_load: 104,
    kexec_file_load: 294,
    reboot: 142,
    swapon: 224,
    swapoff: 225,
    acct: 89,
    quotactl: 60,
    open_by_handle_at: 265,
  },
};

// BPF opcodes (linux/bpf_common.h) and seccomp return values (linux/seccomp.h).
const loadWord = 0x20; // BPF_LD | BPF_W | BPF_ABS
const jumpIfEqual = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const jumpIfAtLeast = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const returnValue = 0x06; // BPF_RET | BPF_K
const allow = 0x7fff0000; // SECCOMP_RET_ALLOW
const failWithEperm = 0x00050000 | 1; // SECCOMP_RET_ERRNO | EPERM
// Offsets in struct seccomp_data.
const syscallNumber = 0;
const architecture = 4;
/** x32 syscalls are x86_64 numbers with this bit set. */
const x32Bit = 0x40000000;

type Instruction = [code: number, jumpIfTrue: number, jumpIfFalse: number, value: number];

/** The syscall names the filter denies on this architecture, for docs and tests. */
export function deniedSyscallNames(arch: string = process.arch): string[] {
  return arch in deniedSyscalls ? Object.keys(deniedSyscalls[arch as keyof typeof auditArch]) : [];
}

/**
 * The compiled filter (struct sock_filter[], native byte order) for `arch` (Node's
 * `process.arch`), or undefined for an architecture without a table here: the sandbox then runs
 * without one, its namespaces and `--disable-userns` still in place.
 */
export function sandboxSeccompFilter(arch: string = process.arch): Buffer | undefined {
  if (!(arch in auditArch)) return undefined;
  const key = arch as keyof typeof auditArch;
  const numbers = Object.values(deniedSyscalls[key]);
  // Layout: check the ABI, load the number, deny x32 (x86_64), one jump per denied number to the
  // deny return at the end, allow.
  const program: Instruction[] = [
    [loadWord, 0, 0, architecture],
    [jumpIfEqual, 1, 0, auditArch[key]],
    [returnValue, 0, 0, failWithEperm],
    [loadWord, 0, 0, syscallNumber],
  ];
  const checks: Instruction[] = numbers.map((number) => [jumpIfEqual, 0, 0, number]);
  if (key === "x64") checks.unshift([jumpIfAtLeast, 0, 0, x32Bit]);
  // Each check jumps forward to the deny return, which follows the checks and the allow.
  checks.forEach((check, index) => {
    check[1] = checks.length - index;
  });
  program.push(...checks, [returnValue, 0, 0, allow], [returnValue, 0, 0, failWithEperm]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jumpIfTrue, jumpIfFalse, value], index) => {
    bytes.writeUInt16LE(code, index * 8);
    bytes.writeUInt8(jumpIfTrue, index * 8 + 2);
    bytes.writeUInt8(jumpIfFalse, index * 8 + 3);
    bytes.writeUInt32LE(value >>> 0, index * 8 + 4);
  });
  return bytes;
}
