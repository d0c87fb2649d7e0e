import { useDebouncedInput } from "../../hooks/useDebouncedInput.ts";
import type { Instance } from "../../hooks/useDeployments.ts";
import { useAppDispatch } from "../../store/index.ts";
import {
  type LogFilters as Filters,
  isFiltered,
  LOG_LEVELS,
  type LogRange,
  resetLogFilters,
  setLogFilters,
  toggleLogLevel,
} from "../../store/logViewerSlice.ts";
import { Button } from "../ui/Button.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import { LEVEL_LABELS, LOG_RANGE_OPTIONS } from "./appLogs.ts";
import { shortId } from "./deployments.ts";

/** The search language in one line (packages/engine/src/logs/query-language.ts has all of it). */
function SearchSyntax() {
  const term = (text: string) => <code className="rounded bg-slate-100 px-1 text-slate-800">{text}</code>;
  return (
    <span data-testid="log-search-syntax">
      Words, {term('"a phrase"')}, {term("-word")} to leave out, {term("level:error")}, {term("status:500..599")}, {term("process:web")},{" "}
      {term("instance:1a2b")}, {term("since:30m")}.
    </span>
  );
}

/**
 * What the Logs tab shows: levels, time range, words, process type and instance. Each change is
 * kept in the store (per app) and restarts the stream with the filter sent to the server.
 */
export function LogFilters({
  appId,
  filters,
  processTypes,
  instances,
  searchError = null,
}: {
  appId: string;
  filters: Filters;
  /** What the server said is wrong with the search, shown under the box. */
  searchError?: string | null;
  /** The app's process types, from its formation and instances. */
  processTypes: readonly string[];
  instances: readonly Instance[];
}) {
  const dispatch = useAppDispatch();
  const set = (changes: Partial<Omit<Filters, "levels">>) => dispatch(setLogFilters({ appId, changes }));
  const [search, setSearch] = useDebouncedInput(filters.search, (value) => set({ search: value }));
  // A filter chosen earlier stays selectable after its process type or instance is gone.
  const types = [...new Set([...processTypes, ...(filters.processType ? [filters.processType] : [])])].sort();
  const choosable = instances.filter((i) => !filters.processType || i.processType === filters.processType);
  const chosenGone = filters.instanceId !== "" && !choosable.some((i) => i.id === filters.instanceId);

  return (
    <search aria-label="Filter log lines" className="flex flex-wrap items-end gap-x-4 gap-y-3">
      <fieldset className="min-w-0">
        <legend className="mb-1 block text-sm font-medium text-slate-800">Levels</legend>
        <div className="flex flex-wrap gap-x-3 gap-y-1 py-2">
          {LOG_LEVELS.map((level) => {
            const on = filters.levels.includes(level);
            return (
              <label key={level} className="flex items-center gap-1.5 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={on}
                  // The last level shown cannot be turned off: no level at all would show nothing.
                  disabled={on && filters.levels.length === 1}
                  onChange={() => dispatch(toggleLogLevel({ appId, level }))}
                  className="size-4 accent-indigo-700"
                />
                {LEVEL_LABELS[level]}
              </label>
            );
          })}
        </div>
      </fieldset>
      <SelectField
        label="Time range"
        className="w-full sm:w-44"
        value={filters.range}
        onChange={(e) => set({ range: e.target.value as LogRange })}
      >
        {LOG_RANGE_OPTIONS.map((r) => (
          <option key={r.range} value={r.range}>
            {r.label}
          </option>
        ))}
      </SelectField>
      <Field
        label="Search"
        type="search"
        placeholder='timeout "connection refused" -healthcheck'
        className="w-full sm:w-96"
        spellCheck={false}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        hint={<SearchSyntax />}
        error={searchError}
      />
      <SelectField
        label="Process type"
        className="w-full sm:w-40"
        value={filters.processType}
        onChange={(e) => set({ processType: e.target.value })}
      >
        <option value="">All process types</option>
        {types.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Instance"
        className="w-full sm:w-52"
        value={filters.instanceId}
        onChange={(e) => set({ instanceId: e.target.value })}
      >
        <option value="">All instances</option>
        {choosable.map((i) => (
          <option key={i.id} value={i.id}>
            {`${i.processType}.${shortId(i.id)} (${i.status})`}
          </option>
        ))}
        {chosenGone && <option value={filters.instanceId}>{`${shortId(filters.instanceId)} (gone)`}</option>}
      </SelectField>
      {isFiltered(filters) && <Button onClick={() => dispatch(resetLogFilters(appId))}>Clear filters</Button>}
    </search>
  );
}
