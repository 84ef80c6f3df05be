import { formatMinor, parseAmount, ratioBasisPoints, shareBasisPoints } from './format';

describe('formatMinor', () => {
  it.each([
    ['123456789', 'BTC', '1.23456789'],
    ['100000000', 'BTC', '1'],
    ['1', 'BTC', '0.00000001'],
    ['0', 'BTC', '0'],
    ['-112119000', 'BTC', '-1.12119'],
    ['2344841000000000000', 'ETH', '2.344841'],
    ['64504278462', 'USDT', '64,504.278462'],
    ['123456789012345678901234567890', 'ETH', '123,456,789,012.34567890123456789'],
    ['1000000000000', 'USDC', '1,000,000'],
    ['-0', 'USDT', '0'],
    ['000123', 'USDT', '0.000123'],
  ])('given %s minor units of %s, then %s, exactly', (minor, asset, shown) => {
    expect(formatMinor(minor, asset)).toBe(shown);
  });

  it('given more digits than a float holds, then every digit is kept', () => {
    expect(formatMinor('9007199254740993000000001', 'ETH')).toBe('9,007,199.254740993000000001');
  });

  it('given an unknown asset or a malformed amount, then the text as it came, saying it is minor units', () => {
    expect(formatMinor('12345', 'XYZ')).toBe('12345 (minor units)');
    expect(formatMinor('1.5', 'BTC')).toBe('1.5 (minor units)');
  });
});

const REFUSED_FORMAT =
  'a positive decimal number, e.g. 0.25 (a point for decimals; commas only between groups of three digits)';

describe('parseAmount', () => {
  it.each([
    ['1.5', 'ETH', '1500000000000000000'],
    ['0.00000001', 'BTC', '1'],
    ['1,000', 'USDT', '1000000000'],
    ['12,345,678.5', 'USDT', '12345678500000'],
    [' 2 ', 'USDC', '2000000'],
    ['0.1', 'USDT', '100000'],
  ])('given %s %s, then %s minor units', (text, asset, minor) => {
    expect(parseAmount(text, asset)).toEqual({ ok: true, minor });
  });

  it.each([
    ['0.000000001', 'BTC', 'BTC has 8 decimals at most'],
    ['0', 'ETH', 'more than zero'],
    ['-1', 'ETH', REFUSED_FORMAT],
    ['1e3', 'ETH', REFUSED_FORMAT],
    // a decimal comma is never read as a thousands separator: 0,5 is not 5
    ['0,5', 'ETH', REFUSED_FORMAT],
    ['1,5', 'ETH', REFUSED_FORMAT],
    ['1.000,50', 'USDT', REFUSED_FORMAT],
    ['1,0000', 'USDT', REFUSED_FORMAT],
    ['1', 'XYZ', 'unknown asset XYZ'],
  ])('given %s %s, then refused: %s', (text, asset, reason) => {
    expect(parseAmount(text, asset)).toEqual({ ok: false, reason });
  });

  it('given a formatted amount, then parsing it gives the minor units back', () => {
    for (const [minor, asset] of [
      ['123456789', 'BTC'],
      ['64504278462', 'USDT'],
      ['2344841000000000001', 'ETH'],
    ] as const) {
      expect(parseAmount(formatMinor(minor, asset), asset)).toEqual({ ok: true, minor });
    }
  });
});

describe('shares for drawing', () => {
  it('given cold and hot minor units, then the cold share in basis points, rounded down', () => {
    expect(shareBasisPoints('98', '2')).toBe(9_800);
    expect(shareBasisPoints('2', '1')).toBe(6_666);
    expect(shareBasisPoints('0', '5')).toBe(0);
    expect(shareBasisPoints('0', '0')).toBe(10_000);
    expect(shareBasisPoints('123456789012345678901234567890', '1')).toBe(9_999);
  });

  it('given a policy ratio, then basis points', () => {
    expect(ratioBasisPoints('0.98')).toBe(9_800);
    expect(ratioBasisPoints('0.75')).toBe(7_500);
    expect(ratioBasisPoints('1')).toBe(10_000);
    expect(ratioBasisPoints('0.123456789012')).toBe(1_234);
    expect(ratioBasisPoints('x')).toBeUndefined();
  });
});
