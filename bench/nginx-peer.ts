// A peer for Caddy in the deploy bench: Debian's nginx as a reverse proxy in front of the same
// app address, with kept-alive upstream connections and a buffered access log, so "through a
// proxy ÷ direct" can be told apart from "through Caddy ÷ direct" in one run on this machine.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./harness.ts";

export interface NginxPeer {
  url: string;
  stop(): Promise<void>;
}

/** Installs nginx through the project's script if it is missing (Debian's package, its service not started). */
export function requireNginx() {
  execFileSync("bash", ["-c", "source scripts/lib/require.sh && require_nginx"], { cwd: ROOT, stdio: "inherit" });
}

/** nginx on 127.0.0.1:`port`, proxying every request to `upstream` (`address:port`). */
export async function startNginxPeer(port: number, upstream: string): Promise<NginxPeer> {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-bench-nginx-"));
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes auto;
daemon off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # Idle upstream connections go before Node closes them (its keep-alive timeout is 5 s), or a
  # request sent on one as Node closes it fails with a 502 (one upstream server: nothing to retry on).
  upstream app { server ${upstream}; keepalive 32; keepalive_timeout 4s; }
  server {
    listen 127.0.0.1:${port};
    # nginx closes a client's connection after 1,000 requests by default; Caddy does not, and a
    # close racing autocannon's next request counts as a failed request.
    keepalive_requests 10000000;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
  );
  const child = spawn("nginx", ["-c", conf, "-p", dir], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 100) throw new Error("nginx did not answer within 10 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill("SIGQUIT");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
