import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useApps, useTeams } from "../../hooks/useApps.ts";
import { useDebouncedInput } from "../../hooks/useDebouncedInput.ts";
import { useAppDispatch, useAppSelector } from "../../store/index.ts";
import {
  APP_STATUSES,
  type AppSort,
  type AppStatus,
  resetAppListFilters,
  type SortOrder,
  setAppListFilters,
  setAppListPage,
} from "../../store/paasSlice.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { inputClass, SelectField } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { AppCard } from "./AppCard.tsx";
import { ConfirmDeleteApp } from "./ConfirmDeleteApp.tsx";
import { CreateAppDialog } from "./CreateAppDialog.tsx";
import type { AppSummary } from "./types.ts";

export function AppList() {
  const filters = useAppSelector((s) => s.paas.appList);
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const apps = useApps(filters);
  const teams = useTeams();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<AppSummary | null>(null);
  const [search, setSearch] = useDebouncedInput(filters.search, (value) => dispatch(setAppListFilters({ search: value })));

  const data = apps.data;
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.perPage)) : 1;
  const filtered = Boolean(filters.search || filters.status || filters.teamId);

  // Deleting the last app of the last page leaves that page empty: step back to one that has apps.
  useEffect(() => {
    if (data && data.items.length === 0 && data.total > 0 && filters.page > pageCount) dispatch(setAppListPage(pageCount));
  }, [data, filters.page, pageCount, dispatch]);

  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">
          Apps {data && <span className="text-base font-normal text-slate-600">({data.total})</span>}
        </h1>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create app
        </Button>
      </div>

      <search aria-label="Filter apps" className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <div className="col-span-2">
          <label htmlFor="app-search" className="mb-1 block text-sm font-medium text-slate-800">
            Search
          </label>
          <input
            id="app-search"
            type="search"
            placeholder="Name or description"
            className={inputClass}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <SelectField
          label="Sort by"
          value={`${filters.sort}:${filters.order}`}
          onChange={(e) => {
            const [sort, order] = e.target.value.split(":") as [AppSort, SortOrder];
            dispatch(setAppListFilters({ sort, order }));
          }}
        >
          <option value="updatedAt:desc">Recently updated</option>
          <option value="createdAt:desc">Newest first</option>
          <option value="createdAt:asc">Oldest first</option>
          <option value="name:asc">Name, A to Z</option>
          <option value="name:desc">Name, Z to A</option>
        </SelectField>
        <SelectField
          label="Status"
          value={filters.status}
          onChange={(e) => dispatch(setAppListFilters({ status: e.target.value as AppStatus | "" }))}
        >
          <option value="">Any status</option>
          {APP_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        {teams.data && teams.data.length > 1 && (
          <SelectField
            label="Team"
            className="col-span-2 sm:col-span-1"
            value={filters.teamId}
            onChange={(e) => dispatch(setAppListFilters({ teamId: e.target.value }))}
          >
            <option value="">All teams</option>
            {teams.data.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
        )}
      </search>

      <div className="mt-5">
        {apps.isPending ? (
          <LoadingBlock label="Loading apps…" />
        ) : apps.isError ? (
          <ErrorNotice title="The app list could not be loaded." error={apps.error} onRetry={() => apps.refetch()} />
        ) : apps.data.items.length === 0 ? (
          filtered ? (
            <EmptyState title="No app matches these filters." testId="apps-empty">
              <Button
                className="mt-3"
                onClick={() => {
                  setSearch("");
                  dispatch(resetAppListFilters());
                }}
              >
                Clear filters
              </Button>
            </EmptyState>
          ) : (
            <EmptyState title="No apps yet." testId="apps-empty">
              <p>An app holds your code's config, releases and domains. Create one to get started.</p>
              <Button variant="primary" className="mt-3" onClick={() => setCreating(true)}>
                Create your first app
              </Button>
            </EmptyState>
          )
        ) : (
          <ul aria-label="Apps" aria-busy={apps.isPlaceholderData} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {apps.data.items.map((app) => (
              <AppCard key={app.id} app={app} onDelete={setDeleting} />
            ))}
          </ul>
        )}
      </div>

      {data && data.total > 0 && (
        <nav aria-label="Pagination" className="mt-6 flex flex-wrap items-center justify-between gap-3 text-sm">
          <div className="flex items-center gap-2">
            <Button disabled={filters.page <= 1} onClick={() => dispatch(setAppListPage(filters.page - 1))}>
              Previous
            </Button>
            <span data-testid="page-indicator" className="text-slate-700">
              Page {Math.min(filters.page, pageCount)} of {pageCount}
            </span>
            <Button disabled={filters.page >= pageCount} onClick={() => dispatch(setAppListPage(filters.page + 1))}>
              Next
            </Button>
          </div>
          <div className="flex items-center gap-2">
            <label htmlFor="app-per-page" className="text-slate-700">
              Per page
            </label>
            <select
              id="app-per-page"
              className={inputClass.replace("w-full", "w-auto")}
              value={filters.perPage}
              onChange={(e) => dispatch(setAppListFilters({ perPage: Number(e.target.value) }))}
            >
              {[10, 20, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </nav>
      )}

      {creating && (
        <CreateAppDialog
          onClose={() => setCreating(false)}
          onCreated={(app) => {
            setCreating(false);
            navigate(`/paas/apps/${app.name}`);
          }}
        />
      )}
      {deleting && (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)} testId="delete-app-dialog">
          <ConfirmDeleteApp app={deleting} onCancel={() => setDeleting(null)} onDeleted={() => setDeleting(null)} />
        </Dialog>
      )}
    </div>
  );
}

export default AppList;
