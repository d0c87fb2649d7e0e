import { useEffect } from "react";
import { Route, Routes, useParams } from "react-router";
import { ImportProgress } from "../components/imports/ImportProgress.tsx";
import { ImportWizard } from "../components/imports/ImportWizard.tsx";
import { RecentImports } from "../components/imports/RecentImports.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";

/** /paas/import: the Heroku import wizard and the recent imports; /paas/import/<id>: one import, followed live. */
export default function ImportPage() {
  useEffect(() => {
    document.title = "Import from Heroku · SkyPanel";
    return () => {
      document.title = "SkyPanel";
    };
  }, []);
  return (
    <Routes>
      <Route index element={<ImportHome />} />
      <Route path=":id" element={<ImportOfId />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function ImportHome() {
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Import from Heroku</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-700">
          Bring a Heroku app over whole: its code, config vars, processes, databases with their data, and domains. You see the plan before
          anything is made, and a finished import can be rolled back.
        </p>
      </div>
      <ImportWizard />
      <RecentImports />
    </div>
  );
}

function ImportOfId() {
  const { id = "" } = useParams();
  return <ImportProgress key={id} id={id} />;
}
