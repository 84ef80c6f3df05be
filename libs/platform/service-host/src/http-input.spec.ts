import { HttpException } from '@nestjs/common';
import { acceptedOrRefused, refusal, refusedCommand } from './http-input';

function thrown(act: () => unknown): HttpException {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpException) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('refusals answered with their status from REFUSAL_STATUS', () => {
  it.each([
    ['CLIENT_UNKNOWN', 404],
    ['ADJUSTMENT_ID_CONFLICT', 409],
    ['ADJUSTMENT_NOT_PENDING', 409],
    ['MAKER_CHECKER_SAME_PERSON', 422],
  ] as const)('%s is %i, with the body of every refusal', (code, status) => {
    const answer = refusedCommand({ code, path: 'adjustmentId', reason: 'why' }, 'path');
    expect(answer.getStatus()).toBe(status);
    expect(answer.getResponse()).toEqual({
      statusCode: status,
      code,
      path: 'path.adjustmentId',
      reason: 'why',
    });
  });

  it('a refusal of the whole command is at the prefix itself; the body prefix by default', () => {
    expect(
      refusedCommand({ code: 'REASON_REQUIRED', path: '', reason: 'say why' }).getResponse(),
    ).toEqual({ statusCode: 422, code: 'REASON_REQUIRED', path: 'body', reason: 'say why' });
  });

  it('a refusal without a field has no path; details the caller adds are kept', () => {
    expect(
      refusal({ code: 'CHECKPOINT_UNKNOWN', reason: 'no checkpoint yet' }).getResponse(),
    ).toEqual({ statusCode: 404, code: 'CHECKPOINT_UNKNOWN', reason: 'no checkpoint yet' });
    const withProblems = refusal({
      code: 'STATEMENT_INVALID',
      path: 'body.csv',
      reason: 'bad lines',
      problems: [{ line: 2 }],
    });
    expect(withProblems.getStatus()).toBe(422);
    expect(withProblems.getResponse()).toEqual({
      statusCode: 422,
      code: 'STATEMENT_INVALID',
      path: 'body.csv',
      reason: 'bad lines',
      problems: [{ line: 2 }],
    });
  });

  it('acceptedOrRefused passes an accepted result through and throws the refusal of a refused one', () => {
    const accepted = { ok: true, state: 'open' } as const;
    expect(acceptedOrRefused(accepted)).toBe(accepted);
    const answer = thrown(() =>
      acceptedOrRefused({
        ok: false,
        error: { code: 'DISCREPANCY_CLOSED', path: 'discrepancyId', reason: 'closed already' },
      } as const),
    );
    expect(answer.getStatus()).toBe(409);
    expect(answer.getResponse()).toEqual({
      statusCode: 409,
      code: 'DISCREPANCY_CLOSED',
      path: 'body.discrepancyId',
      reason: 'closed already',
    });
  });
});
