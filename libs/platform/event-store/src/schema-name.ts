/**
 * A plain identifier, at most 56 characters: the NOTIFY channel `<schema>_events` must stay
 * within PostgreSQL's 63-byte identifier limit.
 */
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,55}$/;

/** Asserts a schema name is a plain identifier, so it can be spliced into SQL safely. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(`assertion: event store schema '${schema}' must match ${SCHEMA_NAME_PATTERN}`);
  }
  return schema;
}
