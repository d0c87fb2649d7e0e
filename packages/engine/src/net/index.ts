// The platform's own networking rules. Today: what outbound requests made for users may reach.
export * from "./outbound/index.ts";
