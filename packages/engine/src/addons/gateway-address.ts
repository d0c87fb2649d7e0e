// Where instances reach their add-ons (see gateway.ts); no imports, so the runtime's network and
// firewall code can use it without importing the add-ons.

/** In the service-address range (router/service-balancer.ts), never an app's service address. */
export const ADDON_GATEWAY = "10.214.255.253";
/** The only ports instances may open on ADDON_GATEWAY (runtime/firewall.ts); reserve them on the host. */
export const GATEWAY_PORTS = { first: 15400, last: 15499 } as const;
