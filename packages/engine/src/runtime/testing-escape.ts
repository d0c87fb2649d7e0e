// The escape app for hardening tests: an HTTP server inside an instance that reports its own
// credentials and runs the escape attempts of escape.py (Python from the host's /usr, which every
// instance sees), each answered by the errno the kernel gave or "ok".
import { addTestArtifact } from "./testing.ts";

const SERVER_JS = `
const http = require("node:http");
const fs = require("node:fs");
const { spawnSync } = require("node:child_process");
const run = (argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 10000 });
  return { code: r.status, stdout: (r.stdout || "").trim(), stderr: (r.stderr || "").trim(), error: r.error && r.error.code };
};
const routes = {
  "/status": () => ({ status: fs.readFileSync("/proc/self/status", "utf8"), uid: process.getuid() }),
  "/attempts": () => JSON.parse(run(["/usr/bin/python3", "escape.py"]).stdout || "{}"),
  "/run": (q) => run(JSON.parse(q.get("argv"))),
};
http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const route = routes[url.pathname];
  if (!route) { res.statusCode = 404; return res.end(); }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(route(url.searchParams)));
}).listen(Number(process.env.PORT), "0.0.0.0");
`;

/** Each attempt prints the errno name it failed with, or "ok" if the kernel let it through. */
const ESCAPE_PY = `
import ctypes, errno, json, os, signal, socket, time
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def outcome(result):
    return "ok" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))

def py(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))

def ptrace_own_child():
    # Allowed to any process without a filter (no Yama on these hosts): proves the @debug deny-list.
    pid = os.fork()
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    try:
        return outcome(libc.ptrace(16, pid, None, None))  # PTRACE_ATTACH
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

def clone_user_namespace():
    # clone(CLONE_NEWUSER | SIGCHLD): the child, if there is one, leaves at once.
    pid = libc.syscall(56, 0x10000000 | 17, None, None, None, None)
    if pid == 0:
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
    return outcome(pid)

def raw_socket():
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()

attempts = {
    "mount": outcome(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
    "unshareUser": outcome(libc.unshare(0x10000000)),  # CLONE_NEWUSER
    "unshareMount": outcome(libc.unshare(0x00020000)),  # CLONE_NEWNS
    "cloneUser": clone_user_namespace(),
    "setns": outcome(libc.setns(os.open("/proc/self/ns/uts", os.O_RDONLY), 0)),
    "ptraceInit": outcome(libc.ptrace(16, 1, None, None)),
    "ptraceOwnChild": ptrace_own_child(),
    "readInitEnviron": py(lambda: open("/proc/1/environ", "rb").read()),
    "readShadow": py(lambda: open("/etc/shadow", "rb").read()),
    "loadModule": outcome(libc.syscall(175, None, 0, b"")),  # init_module
    "rawSocket": py(raw_socket),
    "setClock": py(lambda: time.clock_settime(time.CLOCK_REALTIME, time.time())),
    "chroot": outcome(libc.chroot(b"/tmp")),
    "setuidRoot": outcome(libc.setuid(0)),
}
print(json.dumps(attempts))
`;

/** Adds the escape app to the store under a name unique to this run; `remove` deletes it again. */
export function addEscapeApp() {
  return addTestArtifact("skypanel-escape-probe", { "server.js": SERVER_JS, "escape.py": ESCAPE_PY });
}
