import type { ReactNode } from "react";

export function AuthCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <p className="text-lg font-bold tracking-tight text-indigo-800">SkyPanel</p>
        <h1 className="mt-2 text-xl font-semibold text-slate-900">{title}</h1>
        {intro && <p className="mt-1 text-sm text-slate-600">{intro}</p>}
        <div className="mt-5">{children}</div>
      </div>
    </main>
  );
}
