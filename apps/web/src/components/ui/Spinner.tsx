import { cx } from "../../lib/cx.ts";

/** A small turning ring for work in progress; the words next to it say what is running. */
export function Spinner({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cx("inline-block size-3.5 rounded-full border-2 border-current border-t-transparent motion-safe:animate-spin", className)}
    />
  );
}
