// An EventSource for component tests: the real httpSubscriptionLink opens it, and it reads the
// Server-Sent Events that the stub tRPC server streams back through the stub `fetch`. Enough of
// the standard for tRPC: open/message/error and named events, lastEventId, readyState, close().

class SseEvent extends Event {
  constructor(
    type: string,
    readonly data: string,
    readonly lastEventId: string,
  ) {
    super(type);
  }
}

export function eventSourceOver(fetchImpl: typeof fetch): typeof EventSource {
  class StubEventSource extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSED = 2;
    readyState = 0;
    readonly withCredentials = false;
    readonly url: string;
    onopen = null;
    onmessage = null;
    onerror = null;
    private readonly abort = new AbortController();
    private lastEventId = "";

    constructor(url: string | URL) {
      super();
      this.url = String(url);
      void this.read();
    }

    close() {
      this.readyState = 2;
      this.abort.abort();
    }

    private async read() {
      try {
        const response = await fetchImpl(this.url, { headers: { accept: "text/event-stream" }, signal: this.abort.signal });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.readyState = 1;
        this.dispatchEvent(new Event("open"));
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            this.dispatchBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        if (this.abort.signal.aborted) return;
      }
      // A real EventSource would reconnect; the tests have nothing to reconnect to.
      if (this.readyState !== 2) {
        this.readyState = 2;
        this.dispatchEvent(new Event("error"));
      }
    }

    private dispatchBlock(block: string) {
      let type = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") type = value;
        else if (field === "data") data.push(value);
        else if (field === "id") this.lastEventId = value;
      }
      if (data.length === 0 && type === "message") return;
      if (this.readyState === 2) return;
      this.dispatchEvent(new SseEvent(type, data.join("\n"), this.lastEventId));
    }
  }
  return StubEventSource as unknown as typeof EventSource;
}
