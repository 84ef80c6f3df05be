import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Roles } from '@custody/auth';
import type { PostgresEventStore, RecordedEvent } from '@custody/event-store';
import { EVENT_STORE } from './tokens';
import {
  optionalBigIntQuery,
  optionalIntegerQuery,
  ValidationFailedException,
  type FieldError,
} from './validation';

export const EVENT_LOG_PAGE_DEFAULT = 100;
export const EVENT_LOG_PAGE_MAX = 1_000;

/**
 * The service's own event log, for auditors (HK-22: records produced promptly on request).
 * Positions and versions are decimal strings: they are 64-bit integers.
 */
@Controller('v1/event-log')
@Roles('auditor')
export class EventLogController {
  constructor(@Inject(EVENT_STORE) private readonly store: PostgresEventStore) {}

  @Get()
  async page(@Query('after') afterQuery: unknown, @Query('limit') limitQuery: unknown) {
    const errors: FieldError[] = [];
    const after = optionalBigIntQuery(afterQuery, 'query.after', 0n, errors);
    const limit = optionalIntegerQuery(
      limitQuery,
      'query.limit',
      EVENT_LOG_PAGE_DEFAULT,
      1,
      EVENT_LOG_PAGE_MAX,
      errors,
    );
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const events = await this.store.readAll({ after, maxCount: limit });
    const last = events.at(-1);
    return {
      events: events.map(toWire),
      next:
        events.length === limit && last !== undefined
          ? { after: last.globalPosition.toString() }
          : null,
    };
  }

  @Get('verification')
  async verify() {
    const result = await this.store.verifyChain();
    return result.ok
      ? {
          ok: true,
          eventsChecked: result.eventsChecked.toString(),
          head:
            result.head === null
              ? null
              : { globalPosition: result.head.globalPosition.toString(), hash: result.head.hash },
        }
      : {
          ok: false,
          position: result.position.toString(),
          reason: result.reason,
          detail: result.detail,
          eventsChecked: result.eventsChecked.toString(),
        };
  }
}

function toWire(event: RecordedEvent) {
  return {
    globalPosition: event.globalPosition.toString(),
    streamId: event.streamId,
    streamVersion: event.streamVersion.toString(),
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    previousHash: event.previousHash,
    hash: event.hash,
  };
}
