import { Component, type ErrorInfo, type ReactNode } from "react";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "./Button.tsx";

interface Props {
  children: ReactNode;
  /** Changing this (e.g. the location) clears a caught error. */
  resetKey?: unknown;
}

/** Catches a crash in a page (or a failed lazy chunk) so the rest of the dashboard keeps working. */
export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(prev: Props) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("Dashboard page crashed", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="m-4 rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
        <h2 className="font-semibold">This page ran into a problem.</h2>
        <p className="mt-1 text-sm">{errorMessage(this.state.error)}</p>
        <div className="mt-3 flex gap-2">
          <Button onClick={() => this.setState({ error: null })}>Try again</Button>
          <Button onClick={() => window.location.reload()}>Reload the page</Button>
        </div>
      </div>
    );
  }
}
