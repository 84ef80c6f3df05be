/** Named limits of the event store (TigerBeetle style: every loop and batch is bounded). */

/** Most events one append call may write, over all its streams. */
export const APPEND_EVENTS_MAX = 10_000;
/** Events serialised and digested between two yields to the event loop (before the lock). */
export const PREPARE_SLICE_EVENTS = 250;
/** Rows hashed and handed to the COPY stream at a time (PostgreSQL ingests one while the next is hashed). */
export const COPY_CHUNK_ROWS = 250;
/** Largest page readAll / readStream will return in one call. */
export const READ_PAGE_EVENTS_MAX = 10_000;
/** Default page for readAll / readStream when the caller gives none. */
export const READ_PAGE_EVENTS_DEFAULT = 1_000;
/** Events per batch a scan (scanAll: one streamed COPY) hands to its caller, by default and at most. */
export const SCAN_BATCH_EVENTS_DEFAULT = 5_000;
export const SCAN_BATCH_EVENTS_MAX = 50_000;
/** Rows fetched per round trip while verifying the hash chain. */
export const VERIFY_PAGE_EVENTS = 5_000;
/** Most upcasting steps applied to one event (guards against a cyclic registry). */
export const UPCAST_STEPS_MAX = 64;
/** Longest stream id and event type accepted. */
export const STREAM_ID_LENGTH_MAX = 256;
export const EVENT_TYPE_LENGTH_MAX = 128;
/** Subscription defaults. */
export const SUBSCRIPTION_BATCH_EVENTS_DEFAULT = 500;
export const SUBSCRIPTION_POLL_INTERVAL_MS_DEFAULT = 100;
export const SUBSCRIPTION_RETRY_BACKOFF_MS_MAX = 5_000;
/** Most streams one streamHeads call may ask about. */
export const STREAM_HEADS_MAX = 10_000;
