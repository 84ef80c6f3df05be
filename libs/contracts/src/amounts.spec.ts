import { formatAmountMinor, parseAmountMinor } from './primitives';

describe('parseAmountMinor', () => {
  describe('given amounts beyond 2^53 (HK-8: exact integers, no floats)', () => {
    it.each(['9007199254740993', '18446744073709551617', '1234567890123456789012345678', '0'])(
      'HK-8 when %s is parsed and formatted again, then the text round-trips exactly',
      (text) => {
        const amountMinor = parseAmountMinor(text);
        expect(typeof amountMinor).toBe('bigint');
        expect(formatAmountMinor(amountMinor)).toBe(text);
      },
    );

    it('HK-8 when 2^53 + 1 is parsed, then it differs from 2^53 (a number would not)', () => {
      expect(parseAmountMinor('9007199254740993') - parseAmountMinor('9007199254740992')).toBe(1n);
    });
  });

  describe('given text that is not a validated amount', () => {
    it.each(['1.5', '1e8', '-5', '007', '', ' 1', '0x10'])(
      'when %j is parsed, then it throws (programmer error)',
      (text) => {
        expect(() => parseAmountMinor(text)).toThrow('not an amount in minor units');
      },
    );
  });
});
