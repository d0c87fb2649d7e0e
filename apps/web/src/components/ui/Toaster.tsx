import { useEffect } from "react";
import { cx } from "../../lib/cx.ts";
import { useAppDispatch, useAppSelector } from "../../store/index.ts";
import { dismissToast, type Toast } from "../../store/paasSlice.ts";

const LIFETIME_MS = 6000;

function ToastItem({ toast }: { toast: Toast }) {
  const dispatch = useAppDispatch();
  useEffect(() => {
    const timer = setTimeout(() => dispatch(dismissToast(toast.id)), LIFETIME_MS);
    return () => clearTimeout(timer);
  }, [dispatch, toast.id]);
  return (
    <li
      data-testid={`toast-${toast.kind}`}
      className={cx(
        "pointer-events-auto flex items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1",
        toast.kind === "success" ? "bg-white text-slate-900 ring-green-600/40" : "bg-red-50 text-red-900 ring-red-600/40",
      )}
    >
      <span className="flex-1">{toast.message}</span>
      <button
        type="button"
        aria-label="Dismiss notification"
        className="rounded px-1 text-slate-600 hover:text-slate-900"
        onClick={() => dispatch(dismissToast(toast.id))}
      >
        ×
      </button>
    </li>
  );
}

export function Toaster() {
  const toasts = useAppSelector((s) => s.paas.toasts);
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-50 p-4 sm:left-auto sm:w-96"
    >
      <ul className="space-y-2">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </ul>
    </section>
  );
}
