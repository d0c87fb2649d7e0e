import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

// findBy*/waitFor give up after this long. Their default (1 s) is shorter than a busy 2-core
// CI machine takes to render a view behind a stubbed fetch while the server tests run beside
// it; a wait bound, not a timing assertion: a view that never renders still fails.
configure({ asyncUtilTimeout: 5000 });
