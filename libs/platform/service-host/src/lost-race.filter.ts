import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { EventIdConflictError, WrongExpectedVersionError } from '@custody/event-store';
import { refusal } from './http-input';

export const LOST_RACE_REASON =
  'another request changed the same record while this one was decided, every retry included: read it again and decide anew';

/**
 * A command that lost its optimistic-concurrency race on every attempt (STREAM_COMMAND_ATTEMPTS_MAX)
 * is a 409 with the code of the store's error (REFUSAL_STATUS), not a 500: nothing was recorded.
 * Controller-scoped (`@UseFilters(LostRaceFilter)`) so message handlers keep the store's error.
 */
@Catch(WrongExpectedVersionError, EventIdConflictError)
export class LostRaceFilter extends BaseExceptionFilter {
  override catch(error: WrongExpectedVersionError | EventIdConflictError, host: ArgumentsHost) {
    super.catch(refusal({ code: error.code, reason: LOST_RACE_REASON }), host);
  }
}
