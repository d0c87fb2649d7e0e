/** Header and cell classes of the app's data tables (instances, one-off processes). */
export const TH = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
export const TD = "px-3 py-2 align-top";
