import { withSchemaDdl } from '@custody/event-store';
import type { Pool } from 'pg';
import { factsTablesDdl } from './facts/facts-tables';
import { withdrawalReservationsDdl } from './withdrawal-decisions/withdrawal-reservations';

/** The policy service's read tables (after the event store's schema), in the order they came. Idempotent. */
export async function migratePolicyTables(pool: Pool, schema: string): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(factsTablesDdl(schema));
    await client.query(withdrawalReservationsDdl(schema));
  });
}
