export type BearerTokenResult =
  | { readonly found: true; readonly token: string }
  | { readonly found: false; readonly reason: string };

const BEARER_SCHEME = 'bearer';

/** Reads `Authorization: Bearer <token>` (scheme case-insensitive, RFC 7235). */
export function readBearerToken(
  authorization: string | readonly string[] | undefined,
): BearerTokenResult {
  if (authorization === undefined || authorization === '') {
    return {
      found: false,
      reason: 'request has no Authorization header; send Authorization: Bearer <jwt>',
    };
  }
  if (typeof authorization !== 'string') {
    return { found: false, reason: 'request has more than one Authorization header' };
  }
  const [scheme = '', token = '', ...rest] = authorization.trim().split(/\s+/);
  if (scheme.toLowerCase() !== BEARER_SCHEME) {
    return { found: false, reason: 'Authorization header does not use the Bearer scheme' };
  }
  if (token === '' || rest.length > 0) {
    return { found: false, reason: 'Authorization header must be exactly "Bearer <jwt>"' };
  }
  return { found: true, token };
}
