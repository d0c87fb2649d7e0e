// What other workspaces may import from the BFF: the router's type, nothing at runtime.
export type { AppRouter } from "./routers/_app.ts";
