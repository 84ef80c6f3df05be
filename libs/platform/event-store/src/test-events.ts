import { randomUUID } from 'node:crypto';
import type { NewEvent } from './types';

/** Builds a NewEvent for tests; ids are random unless given. */
export function testEvent(
  type = 'Deposited',
  data: NewEvent['data'] = { amountMinor: '100' },
  eventId = randomUUID(),
): NewEvent {
  return { eventId, type, schemaVersion: 1, data, metadata: { correlationId: 'test' } };
}
