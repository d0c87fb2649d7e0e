// For tests that make add-ons: drop what they made, by name, whatever state the test left.
export { dropPostgresAddon } from "./postgres.ts";
export { dropRedisAddon } from "./redis.ts";
