import { DEAD_LETTER_REASON_CODES } from './deadletter.v1';

describe('custody.deadletter.v1 is frozen', () => {
  it('its reason codes are exactly the published ones: a new validation code would change a frozen schema (a new one needs deadletter v2)', () => {
    // prettier-ignore
    expect(DEAD_LETTER_REASON_CODES).toEqual([
      'NOT_JSON', 'NOT_UTF8', 'REQUIRED', 'INVALID_TYPE', 'UNKNOWN_FIELD', 'INVALID_VALUE', 'INVALID_FORMAT', 'TOO_LONG', 'TOO_SHORT',
      'OUT_OF_RANGE', 'TOPIC_UNKNOWN', 'ASSET_UNKNOWN', 'ASSET_PAIR_SAME', 'AMOUNT_NOT_DECIMAL', 'AMOUNT_NOT_INTEGER', 'AMOUNT_EXPONENT',
      'AMOUNT_NEGATIVE', 'AMOUNT_LEADING_ZERO', 'AMOUNT_TOO_MANY_DIGITS', 'AMOUNT_ZERO', 'DECIMAL_INVALID', 'UUID_INVALID',
      'TIMESTAMP_INVALID', 'TRACEPARENT_INVALID', 'STREAM_VERSION_INVALID', 'BASE64_INVALID',
    ]);
  });
});
