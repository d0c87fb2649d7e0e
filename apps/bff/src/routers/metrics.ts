import { metricsSeriesInput } from "../schemas/metrics.ts";
import { authedProcedure, router } from "../trpc.ts";

export const metricsRouter = router({
  /** CPU, memory, network and instance count over `range`, downsampled to about 120 points. */
  series: authedProcedure.input(metricsSeriesInput).query(({ ctx, input }) => ctx.engine.metrics.series(ctx.actor, input.app, input.range)),
});
