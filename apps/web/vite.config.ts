import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server forwards API calls to a BFF started separately (see the README).
const backend = `http://127.0.0.1:${process.env.SKYPANEL_PORT ?? 3000}`;

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist" },
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
    },
  },
});
