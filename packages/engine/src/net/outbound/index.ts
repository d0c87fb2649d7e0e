// Outbound requests made for users (git sources, webhooks, log drains, imports): refused when they
// would reach loopback, private, link-local or metadata addresses, unless the operator allows them.
export {
  allowsAddress,
  allowsHost,
  isOutboundAllowEntry,
  OUTBOUND_ALLOW_SETTING,
  type OutboundAllowList,
  OutboundAllowListError,
  parseOutboundAllow,
} from "./allow-list.ts";
export { bareHost, checkAddress, checkOutbound, guardedLookup } from "./check.ts";
export { parseAddress, type RefusedRange, refusedRange } from "./classify.ts";
export {
  OutboundRedirectError,
  OutboundRefusedError,
  type OutboundTarget,
  OutboundTimeoutError,
  OutboundTooLargeError,
  OutboundUnresolvedError,
} from "./errors.ts";
export { type OutboundFetchOptions, outboundFetch } from "./fetch.ts";
export {
  DEFAULT_OUTBOUND_POLICY,
  loopbackOutboundPolicy,
  type OutboundPolicy,
  outboundPolicy,
  type ResolvedAddress,
  type Resolver,
  systemResolver,
  testResolver,
} from "./policy.ts";
export { type OutboundRequestOptions, type OutboundResponse, openOutbound, outboundRequest, shownUrl } from "./request.ts";
