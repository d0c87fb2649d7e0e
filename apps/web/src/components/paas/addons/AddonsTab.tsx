import { useAddons } from "../../../hooks/useAddons.ts";
import { EmptyState } from "../../ui/EmptyState.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";
import { AddonCard } from "./AddonCard.tsx";
import { CreateAddonForm } from "./CreateAddonForm.tsx";

/** The app's add-ons: databases and caches the platform runs for it, each handed to the app as a config var. */
export function AddonsTab({ app }: { app: AppDetail }) {
  const addons = useAddons(app.name);
  const editable = can.edit(app.role);

  return (
    <div className="space-y-6" data-testid="addons-tab">
      <div>
        <h2 className="text-lg font-semibold">Add-ons</h2>
        <p className="mt-1 text-sm text-slate-600">
          Databases and caches the platform runs for this app. Each reaches the app as a secret config var holding its URL; changing one
          makes a new release.
        </p>
      </div>
      {addons.isPending ? (
        <LoadingBlock label="Loading the add-ons…" rows={2} />
      ) : addons.isError ? (
        <ErrorNotice title="The add-ons could not be loaded." error={addons.error} onRetry={() => addons.refetch()} />
      ) : addons.data.length === 0 ? (
        <EmptyState title="No add-ons yet" testId="addons-empty">
          An add-on is a PostgreSQL database or a Redis cache the platform makes and runs for this app. The app reaches it through a config
          var holding its URL (DATABASE_URL or REDIS_URL), set when the add-on is made.
          {editable && " Create one below."}
        </EmptyState>
      ) : (
        <ul className="space-y-4" aria-label="Add-ons">
          {addons.data.map((addon) => (
            <AddonCard key={addon.id} app={app} addon={addon} editable={editable} />
          ))}
        </ul>
      )}
      {editable ? (
        <CreateAddonForm app={app.name} />
      ) : (
        <p className="text-sm text-slate-700">
          Your role ({app.role}) lets you see the add-ons, not create, attach, back up, restore or destroy them.
        </p>
      )}
    </div>
  );
}

export default AddonsTab;
