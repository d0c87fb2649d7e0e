// The platform's own seccomp filter, loaded by the app's first process before it becomes the
// app's uid: it closes what nspawn's filter cannot express (clone() with CLONE_NEWUSER, which
// takes a look at the flags), and gives the bubblewrap path the same deny-list nspawn has.
//
// Written as classic BPF by hand (a dozen instructions; no libseccomp here) for x86-64, and
// loaded by Perl, which Debian always has (perl-base is essential): prctl(PR_SET_NO_NEW_PRIVS),
// seccomp(SECCOMP_SET_MODE_FILTER), exec the rest of the command line.

/** x86-64 numbers of the calls in SYSCALL_DENY's groups (systemd-analyze syscall-filter), plus unshare and setns. */
export const DENIED_X86_64: Record<string, number> = {
  adjtimex: 159,
  clock_adjtime: 305,
  clock_settime: 227,
  settimeofday: 164,
  modify_ldt: 154,
  lookup_dcookie: 212,
  perf_event_open: 298,
  pidfd_getfd: 438,
  ptrace: 101,
  delete_module: 176,
  finit_module: 313,
  init_module: 175,
  chroot: 161,
  fsconfig: 431,
  fsmount: 432,
  fsopen: 430,
  fspick: 433,
  mount: 165,
  mount_setattr: 442,
  move_mount: 429,
  open_tree: 428,
  pivot_root: 155,
  umount2: 166,
  _sysctl: 156,
  afs_syscall: 183,
  create_module: 174,
  get_kernel_syms: 177,
  getpmsg: 181,
  putpmsg: 182,
  query_module: 178,
  security: 185,
  sysfs: 139,
  tuxcall: 184,
  uselib: 134,
  ustat: 136,
  vserver: 236,
  ioperm: 173,
  iopl: 172,
  kexec_file_load: 320,
  kexec_load: 246,
  reboot: 169,
  swapoff: 168,
  swapon: 167,
  unshare: 272,
  setns: 308,
};
const CLONE = 56;
const CLONE3 = 435;
const CLONE_NEWUSER = 0x10000000;
const AUDIT_ARCH_X86_64 = 0xc000003e;
/** Numbers from here up are the x32 ABI's: a second way into every call, refused whole. */
const X32_SYSCALL_BIT = 0x40000000;

const LD_ABS_W = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const JSET = 0x45;
const RET = 0x06;
const ALLOW = 0x7fff0000;
const ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

type Insn = [code: number, jt: number, jf: number, k: number];

/**
 * The program: another architecture's calls (i386 through int 0x80) and x32's are refused;
 * clone3 answers ENOSYS, so glibc falls back to clone (its flags sit in a struct a filter cannot
 * read); clone with CLONE_NEWUSER and every call of DENIED_X86_64 fail with EPERM.
 */
export function seccompProgram(): Insn[] {
  const denied = Object.values(DENIED_X86_64);
  // Laid out as: checks, then [allow, deny, enosys]; jumps are counted from the next instruction.
  const checks = 4 + denied.length + 4;
  const at = (i: number, target: number) => target - (i + 1);
  const allow = checks;
  const deny = checks + 1;
  const enosys = checks + 2;
  const program: Insn[] = [
    [LD_ABS_W, 0, 0, 4],
    [JEQ, 0, at(1, deny), AUDIT_ARCH_X86_64],
    [LD_ABS_W, 0, 0, 0],
    [JGE, at(3, deny), 0, X32_SYSCALL_BIT],
  ];
  for (const nr of denied) program.push([JEQ, at(program.length, deny), 0, nr]);
  program.push([JEQ, at(program.length, enosys), 0, CLONE3]);
  program.push([JEQ, 0, at(program.length, allow), CLONE]);
  // args[0] of clone is its flags; its low 32 bits are at offset 16 on little-endian x86-64.
  program.push([LD_ABS_W, 0, 0, 16]);
  program.push([JSET, at(program.length, deny), at(program.length, allow), CLONE_NEWUSER]);
  program.push([RET, 0, 0, ALLOW], [RET, 0, 0, ERRNO | EPERM], [RET, 0, 0, ERRNO | ENOSYS]);
  if (program.length !== checks + 3) throw new Error("seccomp program layout is off");
  return program;
}

/** struct sock_filter[] as hex: u16 code, u8 jt, u8 jf, u32 k, little-endian. */
export function seccompProgramHex(): string {
  const program = seccompProgram();
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes.toString("hex");
}

const PERL = "/usr/bin/perl";
/** prctl(PR_SET_NO_NEW_PRIVS, 1), seccomp(SECCOMP_SET_MODE_FILTER, 0, &{ len, filter }), exec. */
const LOADER = [
  'my $p = pack("H*", shift @ARGV);',
  'syscall(157, 38, 1, 0, 0, 0) == 0 or die "skypanel: no_new_privs: $!\\n";',
  'my $prog = pack("S x![J] J", length($p) / 8, unpack("J", pack("p", $p)));',
  'syscall(317, 1, 0, $prog) == 0 or die "skypanel: seccomp: $!\\n";',
  'exec { $ARGV[0] } @ARGV or die "skypanel: exec $ARGV[0]: $!\\n";',
].join(" ");

/** The argv prefix that runs `argv` under the filter; empty off x86-64, where the program would not fit. */
export function seccompLoader(arch: string = process.arch): string[] {
  if (arch !== "x64") return [];
  return [PERL, "-e", LOADER, seccompProgramHex()];
}
