import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, type ContextManager, context, ROOT_CONTEXT } from "@opentelemetry/api";

/**
 * The active span follows async work through AsyncLocalStorage. The SDK's Node package (with
 * its own manager) is not installed, and passing parents by hand through every call of a
 * request would touch every router: so a request's span is active for everything it awaits,
 * and a tRPC procedure's span, or a deployment step's "start instance", nests under it by itself.
 */
export class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

let registered = false;

/**
 * Registers the manager for the whole process, once: it holds no state of its own beyond the
 * store, so every engine in a process (tests make several) can share it.
 */
export function useAsyncContext() {
  if (registered) return;
  // False when something else registered a manager first; theirs then carries our spans too.
  context.setGlobalContextManager(new AsyncLocalContextManager());
  registered = true;
}
