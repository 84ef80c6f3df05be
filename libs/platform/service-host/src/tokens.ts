/** Injection tokens of the service host. */
export const SERVICE_CONFIG = Symbol('custody.service-config');
export const DATABASE_POOL = Symbol('custody.database-pool');
export const EVENT_STORE = Symbol('custody.event-store');
export const SERVICE_METRICS = Symbol('custody.service-metrics');
export const SERVICE_LOGGER = Symbol('custody.service-logger');
export const EVENT_RELAY = Symbol('custody.event-relay');
/** The all-in-one runner's in-process bus (a MessageBus), or null: consumers then use Kafka when configured. */
export const EMBEDDED_BUS = Symbol('custody.embedded-bus');
/** The environment the service was configured from (process.env, or the runner's per-service copy): its modules read their own settings from it. */
export const SERVICE_ENVIRONMENT = Symbol('custody.service-environment');
