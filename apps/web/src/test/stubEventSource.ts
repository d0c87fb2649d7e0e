// An EventSource for component tests: the real httpSubscriptionLink opens it, and it reads the
// Server-Sent Events that the stub tRPC server streams back through the stub `fetch`. Enough of
// the standard for tRPC: open/message/error and named events, lastEventId, readyState, close(),
// and reconnecting with Last-Event-ID after the stream drops.

class SseEvent extends Event {
  constructor(
    type: string,
    readonly data: string,
    readonly lastEventId: string,
  ) {
    super(type);
  }
}

// A browser waits about 3 s before it reconnects; tests need not.
const RECONNECT_MS = 10;

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
      for (;;) {
        try {
          const headers: Record<string, string> = { accept: "text/event-stream" };
          if (this.lastEventId) headers["last-event-id"] = this.lastEventId;
          const response = await fetchImpl(this.url, { headers, signal: this.abort.signal });
          if (!response.ok || !response.body) {
            // An HTTP error fails the connection for good.
            this.fail();
            return;
          }
          this.readyState = 1;
          this.dispatchEvent(new Event("open"));
          // A TextDecoder, not a TextDecoderStream: one stream fewer per chunk keeps 100,000 events quick.
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
              this.dispatchBlock(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
          }
        } catch {
          if (this.abort.signal.aborted) return;
        }
        if (this.readyState === 2) return;
        // The stream ended or the network failed: like a browser, say so, wait, and reconnect,
        // sending the last event id so the server resumes after it.
        this.readyState = 0;
        this.dispatchEvent(new Event("error"));
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
        if (this.readyState === 2) return;
      }
    }

    private fail() {
      this.readyState = 2;
      this.dispatchEvent(new Event("error"));
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
