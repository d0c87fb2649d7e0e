import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "./Button.tsx";

/** A failed query, said plainly, with a way to try again. */
export function ErrorNotice({
  error,
  onRetry,
  title = "This could not be loaded.",
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <p className="font-medium">{title}</p>
      <p className="mt-1">{errorMessage(error)}</p>
      {onRetry && (
        <Button className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
