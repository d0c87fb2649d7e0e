// A tiny app instance for the router tests, run as its own process so a test can SIGKILL it.
// GET /healthz answers 200 (or 503 after /_sick, until /_well); every other request is echoed
// as JSON with this instance's name (/slow/<ms> after a delay); a WebSocket upgrade echoes text frames prefixed with the name.
import { createHash } from "node:crypto";
import { createServer } from "node:http";

const name = process.argv[2] ?? "upstream";
let healthy = true;

const server = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.statusCode = healthy ? 200 : 503;
    res.end(healthy ? "ok" : "sick");
    return;
  }
  if (req.url === "/_sick" || req.url === "/_well") {
    healthy = req.url === "/_well";
    res.end("ok");
    return;
  }
  const answer = () => {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ name, url: req.url, headers: req.headers }));
  };
  // /slow/<ms> answers after that many milliseconds: a request still in flight during a change.
  const slow = /^\/slow\/(\d+)$/.exec(req.url ?? "");
  if (slow) setTimeout(answer, Number(slow[1]));
  else answer();
});

// RFC 6455, just enough: the handshake, and short masked text frames from the client.
server.on("upgrade", (req, socket) => {
  const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
  socket.write(
    ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${accept}`, "", ""].join(
      "\r\n",
    ),
  );
  socket.on("data", (frame) => {
    const length = frame[1] & 0x7f;
    const mask = frame.subarray(2, 6);
    const text = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4])).toString("utf8");
    const reply = Buffer.from(`${name}: ${text}`);
    socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
  });
  socket.on("error", () => {});
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
