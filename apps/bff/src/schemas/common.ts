// What every app-scoped schema shares.
import { z } from "zod";

/** An app is addressed by its id or its name, in the API as in the dashboard's URLs. */
export const appRef = z.string().min(1).max(100).meta({ description: "The app's id or name." });
export const appInput = z.object({ app: appRef });
