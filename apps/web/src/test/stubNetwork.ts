// The network between the dashboard and the stub server, for tests of lost connections: drop()
// cuts every open event stream (as a dropped connection would), and while `offline` every
// request fails as a browser's does when the server cannot be reached.

export function stubNetwork() {
  const streams = new Set<AbortController>();
  const network = {
    offline: false,

    /** The dashboard's `fetch`, reaching `serve` (the stub server) unless the network is offline. */
    connect(serve: (request: Request) => Promise<Response>): typeof fetch {
      return async (url, init) => {
        if (network.offline) throw new TypeError("Failed to fetch (the stub network is offline)");
        const response = await serve(new Request(new URL(String(url), "http://skypanel.test"), init));
        if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) return response;
        // An event stream runs through a pipe that drop() can break.
        const cut = new AbortController();
        streams.add(cut);
        const { readable, writable } = new TransformStream();
        const forget = () => streams.delete(cut);
        response.body.pipeTo(writable, { signal: cut.signal }).then(forget, forget);
        return new Response(readable, { status: response.status, headers: response.headers });
      };
    },

    /** Cuts every open event stream. */
    drop() {
      for (const cut of streams) cut.abort(new Error("connection lost"));
      streams.clear();
    },
  };
  return network;
}
