// What the engine offers (packages/engine/src/addons: ADDON_TYPES, POSTGRES_PLANS, REDIS_PLANS),
// in the words the dashboard shows. The engine checks every choice again and names what it allows.

export type AddonTypeName = "postgresql" | "redis";

export const ADDON_TYPES: Record<AddonTypeName, { label: string; defaultAs: string; plans: { id: string; label: string }[] }> = {
  postgresql: {
    label: "PostgreSQL",
    defaultAs: "DATABASE_URL",
    plans: [
      { id: "hobby", label: "Hobby — 5 connections" },
      { id: "standard", label: "Standard — 20 connections" },
    ],
  },
  redis: {
    label: "Redis",
    defaultAs: "REDIS_URL",
    plans: [
      { id: "hobby", label: "Hobby" },
      { id: "standard", label: "Standard" },
    ],
  },
};

/** A restore into a new add-on attaches it under this name unless told otherwise. */
export const DEFAULT_RESTORED_AS = "DATABASE_RESTORED_URL";

export const typeLabel = (type: string) => ADDON_TYPES[type as AddonTypeName]?.label ?? type;
export const defaultAs = (type: string) => ADDON_TYPES[type as AddonTypeName]?.defaultAs ?? "";
