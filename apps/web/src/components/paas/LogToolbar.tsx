import { cx } from "../../lib/cx.ts";
import type { LogConnection } from "../../store/paasSlice.ts";
import { Button } from "../ui/Button.tsx";
import { LogConnectionIndicator } from "./LogConnectionIndicator.tsx";

/** The bar above a log: its title, the stream's state, how many lines, follow mode and download. */
export function LogToolbar({
  title,
  titleId,
  connection,
  count,
  follow,
  onFollowChange,
  downloadLabel,
  onDownload,
}: {
  title: string;
  /** The heading's id, for the section it names. */
  titleId: string;
  connection: LogConnection;
  count: number;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  downloadLabel: string;
  onDownload: () => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      <LogConnectionIndicator connection={connection} />
      <span className="text-sm text-slate-600" data-testid="log-line-count">
        {count === 1 ? "1 line" : `${count.toLocaleString("en")} lines`}
      </span>
      <div className="ml-auto flex flex-wrap gap-2">
        <Button aria-pressed={follow} onClick={() => onFollowChange(!follow)}>
          <span aria-hidden="true" className={cx("size-2 rounded-full", follow ? "bg-indigo-600" : "bg-slate-300")} />
          Follow new lines
        </Button>
        <Button disabled={count === 0} onClick={onDownload}>
          {downloadLabel}
        </Button>
      </div>
    </div>
  );
}
