import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const metricsRouter = router({
  /** CPU, memory, network and instance count over `range`, downsampled to about 120 points. */
  series: authedProcedure
    .input(z.object({ app: appRef, range: z.enum(["15m", "1h", "6h", "24h", "7d"]).default("1h") }))
    .query(({ ctx, input }) => ctx.engine.metrics.series(ctx.actor, input.app, input.range)),
});
