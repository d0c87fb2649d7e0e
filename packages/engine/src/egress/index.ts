// What each app's instances may reach outside the platform (the rules themselves: runtime/firewall.ts).
export { type AppEgress, type AppInstances, createAppEgress, type EgressView, egressPolicyOf } from "./service.ts";
