// The OpenAPI shape of one Server-Sent Event. Before OpenAPI 3.2 (no `itemSchema`), a
// `text/event-stream` entry's schema describes each event as a client parses it: its `data`
// (data lines joined), its `event` type ("message" when the server names none) and the last `id`.
import { z } from "zod";

export function sseEvent(description: string, events: [string, ...string[]] = ["message"]) {
  return z
    .object({
      data: z.string(),
      event: z.enum(events),
      id: z.string().optional(),
    })
    .meta({ description });
}
