/** Injection tokens of the service host. */
export const SERVICE_CONFIG = Symbol('custody.service-config');
export const DATABASE_POOL = Symbol('custody.database-pool');
export const EVENT_STORE = Symbol('custody.event-store');
export const SERVICE_METRICS = Symbol('custody.service-metrics');
export const SERVICE_LOGGER = Symbol('custody.service-logger');
export const EVENT_RELAY = Symbol('custody.event-relay');
