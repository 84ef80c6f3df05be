import { readBearerToken } from './bearer-token';

describe('readBearerToken', () => {
  it('given "Bearer <token>", when read, then the token is returned', () => {
    expect(readBearerToken('Bearer abc.def.ghi')).toEqual({ found: true, token: 'abc.def.ghi' });
  });

  it('given the scheme in another case ("bearer"), when read, then it is accepted (RFC 7235)', () => {
    expect(readBearerToken('bearer abc.def.ghi')).toEqual({ found: true, token: 'abc.def.ghi' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['the scheme alone', 'Bearer'],
    ['two tokens', 'Bearer one two'],
    ['several headers', ['Bearer a', 'Bearer b']],
  ])('given %s, when read, then no token is found and a reason is given', (_case, header) => {
    const result = readBearerToken(header);
    expect(result.found).toBe(false);
    expect(result).toMatchObject({ reason: expect.any(String) });
  });
});
