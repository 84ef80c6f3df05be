import type { ArgumentsHost } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { EventIdConflictError, WrongExpectedVersionError } from '@custody/event-store';
import { LOST_RACE_REASON, LostRaceFilter } from './lost-race.filter';

function answered(error: WrongExpectedVersionError | EventIdConflictError) {
  const replies: { body: unknown; status: number | undefined }[] = [];
  const adapter = {
    isHeadersSent: () => false,
    reply: (_response: unknown, body: unknown, status?: number) => {
      replies.push({ body, status });
    },
    end: () => undefined,
  } as unknown as AbstractHttpAdapter;
  const response = {};
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}) }),
    getArgByIndex: (index: number) => (index === 1 ? response : {}),
    getArgs: () => [{}, response],
  } as unknown as ArgumentsHost;
  new LostRaceFilter(adapter).catch(error, host);
  return replies;
}

describe('LostRaceFilter: a race lost on every attempt is a 409 with the body of every refusal', () => {
  it('a stream written by someone else first', () => {
    expect(answered(new WrongExpectedVersionError('ledger-client-alice', 3n, 4n))).toEqual([
      {
        status: 409,
        body: {
          statusCode: 409,
          code: 'EVENT_STORE_WRONG_EXPECTED_VERSION',
          reason: LOST_RACE_REASON,
        },
      },
    ]);
  });

  it('an event id stored with another payload', () => {
    expect(
      answered(new EventIdConflictError('e-1', 'ledger-claim-trade:T-1', 'different-payload')),
    ).toEqual([
      {
        status: 409,
        body: { statusCode: 409, code: 'EVENT_STORE_EVENT_ID_CONFLICT', reason: LOST_RACE_REASON },
      },
    ]);
  });
});
