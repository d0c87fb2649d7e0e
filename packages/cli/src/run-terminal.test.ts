// `skypanel run` on a terminal, against a stub of the one-off API and its WebSocket (not the
// platform: the end-to-end test covers that, piped). A pseudo-terminal comes from Python's pty
// module, since Node has none built in: it shows raw mode (Ctrl-C reaches the remote process as
// a byte), the size sent at start and on SIGWINCH, and the remote exit status becoming ours.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";

const BIN = fileURLToPath(new URL("../bin/skypanel.js", import.meta.url));

const DRIVER = String.raw`
import os, pty, sys, time, select, fcntl, termios, struct, signal
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
out = b""
def read(t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: out += os.read(fd, 4096)
            except OSError: return
    return
while b"prompt$" not in out: read(0.1)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, signal.SIGWINCH)
read(0.5)
os.write(fd, b"\x03")
read(1.0)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode() + "\nEXIT " + str(os.waitstatus_to_exitcode(status)) + "\n")
`;

describe("run on a terminal (stub one-off API and WebSocket, a Python pty)", () => {
  it("sends the size, resizes on SIGWINCH, passes Ctrl-C as a byte and exits with the remote status", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "o1", name: "run.1", command: "bash", attach: true, attachUrl: "/api/apps/x/one-offs/o1/attach" }));
      });
    });
    const wss = new WebSocketServer({ server });
    wss.on("connection", (ws, req) => {
      seen.push(`WS ${req.url} ${req.headers.authorization}`);
      ws.send(Buffer.from("prompt$ "), { binary: true });
      ws.on("message", (data, binary) => {
        const bytes = data as Buffer;
        seen.push(`${binary ? "BIN" : "TXT"} ${JSON.stringify(bytes.toString())}`);
        if (binary && bytes.includes(3)) {
          ws.send(JSON.stringify({ type: "exit", code: 130 }));
          ws.close();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const child = spawn("python3", ["-c", DRIVER, process.execPath, BIN, "run", "-a", "x", "bash"], {
        env: { PATH: process.env.PATH, HOME: "/nonexistent", SKYPANEL_URL: url, SKYPANEL_API_KEY: "spt_k" },
      });
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
      });
      child.stderr.on("data", (c) => {
        out += c;
      });
      await new Promise((r) => child.on("close", r));
      expect(out).toContain("prompt$ ");
      expect(out).toMatch(/EXIT 130\n$/);
      expect(seen).toEqual([
        'POST /api/apps/x/one-offs {"command":"bash","attach":true,"size":{"cols":100,"rows":30}}',
        "WS /api/apps/x/one-offs/o1/attach Bearer spt_k",
        'TXT "{\\"type\\":\\"resize\\",\\"cols\\":120,\\"rows\\":40}"',
        'BIN "\\u0003"',
      ]);
    } finally {
      wss.close();
      server.close();
    }
  });
});
