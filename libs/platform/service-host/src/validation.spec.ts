import { parseInput, positionText } from './http-input';
import {
  optionalBigIntQuery,
  POSITION_MAX,
  POSITION_REASON,
  positionFromText,
  ValidationFailedException,
  type FieldError,
} from './validation';
import { z } from 'zod/v4';

/** Issue 22: `?at=9999999999999999999` passed a 19-digit check and failed in PostgreSQL (a 500); one parser refuses it. */
describe('positions on the wire (one parser: positionFromText)', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['9223372036854775807', POSITION_MAX],
  ])('given %p, then it is the position', (text, position) => {
    expect(positionFromText(text)).toBe(position);
  });

  it.each([
    '9223372036854775808',
    '9999999999999999999',
    '99999999999999999999',
    '-1',
    '01',
    '1e3',
    ' 1',
    '1.0',
    '',
    '0x10',
  ])('given %p, then it is not a position', (text) => {
    expect(positionFromText(text)).toBeUndefined();
  });

  it('given a query value beyond the largest position, then optionalBigIntQuery collects a field error naming the bound', () => {
    const errors: FieldError[] = [];
    expect(optionalBigIntQuery('9999999999999999999', 'query.after', 0n, errors)).toBe(0n);
    expect(errors).toEqual([{ path: 'query.after', reason: POSITION_REASON }]);
    expect(POSITION_REASON).toContain('9223372036854775807');
  });

  it('given a schema with positionText, then a position becomes a bigint and one beyond the bound is a 400 at its field', () => {
    const schema = z.strictObject({ ledgerPosition: positionText.optional() });
    expect(parseInput(schema, { ledgerPosition: '42' }, 'query')).toEqual({ ledgerPosition: 42n });
    const attempt = () => parseInput(schema, { ledgerPosition: '9999999999999999999' }, 'query');
    expect(attempt).toThrow(ValidationFailedException);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationFailedException).errors).toEqual([
        { path: 'query.ledgerPosition', reason: expect.stringContaining(POSITION_REASON) },
      ]);
    }
  });
});
