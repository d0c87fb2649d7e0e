// What the engine announces as it happens, and the resumable per-app stream the dashboard follows.
export {
  type AppLogEntry,
  type EventBus,
  eventsForApp,
  memoryEventBus,
  type PlatformEvent,
  REPLAY_CAPACITY,
  type ResyncEvent,
  type SequencedEvent,
  type StateEvent,
  sequencedEventsForApp,
} from "./bus.ts";
export { type RedisBusOptions, type RedisEventBus, redisEventBus } from "./redis-bus.ts";
export { createAppEvents } from "./service.ts";
export { openSharedRedis, redisConnector, type SharedRedis, type SharedRedisSettings } from "./shared-redis.ts";
