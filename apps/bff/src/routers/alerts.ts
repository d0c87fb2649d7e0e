import { ALERT_KIND_SPECS } from "@skypanel/engine";
import {
  alertChannelCreateInput,
  alertChannelIdInput,
  alertChannelsInput,
  alertChannelUpdateInput,
  alertHistoryInput,
  alertRuleIdInput,
  alertRuleInput,
  alertRuleUpdateInput,
} from "../schemas/alerts.ts";
import { appInput } from "../schemas/common.ts";
import { authedProcedure, router } from "../trpc.ts";

export const alertsRouter = router({
  /** Each kind's words, threshold unit and bounds, and what its duration means: the form is built from these. */
  kinds: authedProcedure.query(() => ALERT_KIND_SPECS),
  rules: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.alerts.listRules(ctx.actor, input.app)),
  addRule: authedProcedure
    .input(alertRuleInput)
    .mutation(({ ctx, input: { app, ...rule } }) => ctx.engine.alerts.createRule(ctx.actor, app, rule)),
  updateRule: authedProcedure
    .input(alertRuleUpdateInput)
    .mutation(({ ctx, input: { app, id, ...changes } }) => ctx.engine.alerts.updateRule(ctx.actor, app, id, changes)),
  removeRule: authedProcedure
    .input(alertRuleIdInput)
    .mutation(({ ctx, input }) => ctx.engine.alerts.removeRule(ctx.actor, input.app, input.id)),
  /** Firing and resolved alerts, newest first, with what each channel answered. */
  history: authedProcedure
    .input(alertHistoryInput)
    .query(({ ctx, input: { app, ...page } }) => ctx.engine.alerts.history(ctx.actor, app, page)),
  channels: authedProcedure.input(alertChannelsInput).query(({ ctx, input }) => ctx.engine.alerts.listChannels(ctx.actor, input.team)),
  addChannel: authedProcedure
    .input(alertChannelCreateInput)
    .mutation(({ ctx, input: { team, ...channel } }) => ctx.engine.alerts.createChannel(ctx.actor, team, channel)),
  updateChannel: authedProcedure
    .input(alertChannelUpdateInput)
    .mutation(({ ctx, input: { team, id, ...changes } }) => ctx.engine.alerts.updateChannel(ctx.actor, team, id, changes)),
  removeChannel: authedProcedure
    .input(alertChannelIdInput)
    .mutation(({ ctx, input }) => ctx.engine.alerts.removeChannel(ctx.actor, input.team, input.id)),
  /** Sends a test notice now and answers how it went. */
  testChannel: authedProcedure
    .input(alertChannelIdInput)
    .mutation(({ ctx, input }) => ctx.engine.alerts.testChannel(ctx.actor, input.team, input.id)),
});
