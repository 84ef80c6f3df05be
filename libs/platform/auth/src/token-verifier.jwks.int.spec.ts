import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { AuthErrorCode, SigningKeysUnavailableError, TokenInvalidError } from './errors';
import { TokenVerifier } from './token-verifier';

const ISSUER = 'https://idp.custody.test';
const AUDIENCE = 'custody-ledger';
const JWKS_PATH = '/.well-known/jwks.json';

interface JwksServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `body` with `status` on JWKS_PATH from 127.0.0.1 on a free port. */
async function serveJwks(status: number, body: unknown): Promise<JwksServer> {
  const server: Server = createServer((request, response) => {
    response.writeHead(request.url === JWKS_PATH ? status : 404, {
      'content-type': 'application/json',
    });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  return { url: `http://127.0.0.1:${port}${JWKS_PATH}`, close };
}

function jwksConfig(url: string): AuthConfig {
  const result = parseAuthConfig({
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWKS_URL: url,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

interface SigningKey {
  readonly kid: string;
  readonly algorithm: 'RS256' | 'ES256';
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

async function signingKey(kid: string, algorithm: SigningKey['algorithm']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  return { kid, algorithm, privateKey, publicJwk };
}

function signWith(key: SigningKey, subject: string, roles: string[]): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: key.algorithm, kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

describe('TokenVerifier with a JWKS URL (RS256/ES256)', () => {
  let rsaKey: SigningKey;
  let ecKey: SigningKey;
  let jwks: JwksServer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    rsaKey = await signingKey('rsa-2030-01', 'RS256');
    ecKey = await signingKey('ec-2030-01', 'ES256');
    jwks = await serveJwks(200, { keys: [rsaKey.publicJwk, ecKey.publicJwk] });
    verifier = new TokenVerifier(jwksConfig(jwks.url));
  });
  afterAll(() => jwks.close());

  it('given an RS256 token signed by a key in the served JWKS, when verified, then the caller is returned', async () => {
    const caller = await verifier.verify(await signWith(rsaKey, 'custodian-3', ['key-custodian']));
    expect(caller).toEqual({ id: 'custodian-3', roles: ['key-custodian'] });
  });

  it('given an ES256 token signed by a key in the served JWKS, when verified, then the caller is returned', async () => {
    await expect(verifier.verify(await signWith(ecKey, 'auditor-1', ['auditor']))).resolves.toEqual(
      { id: 'auditor-1', roles: ['auditor'] },
    );
  });

  it('given a token signed by another key under a known kid, when verified, then it is invalid (signature-mismatch)', async () => {
    const impostor = await signingKey(rsaKey.kid, 'RS256');
    const attempt = verifier.verify(await signWith(impostor, 'custodian-3', ['key-custodian']));
    await expect(attempt).rejects.toMatchObject({
      code: AuthErrorCode.tokenInvalid,
      problem: 'signature-mismatch',
    });
  });

  it('given a token whose kid is not in the JWKS, when verified, then it is invalid (signing-key-not-found)', async () => {
    const stranger = await signingKey('unknown-kid', 'RS256');
    const attempt = verifier.verify(await signWith(stranger, 'custodian-3', []));
    await expect(attempt).rejects.toBeInstanceOf(TokenInvalidError);
    await expect(attempt).rejects.toMatchObject({ problem: 'signing-key-not-found' });
  });

  it('given an HS256 token (algorithm confusion), when verified against a JWKS, then the algorithm is refused', async () => {
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: rsaKey.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('intruder')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(rsaKey.publicJwk)));
    await expect(verifier.verify(token)).rejects.toMatchObject({ problem: 'algorithm-refused' });
  });

  it('given the JWKS endpoint is down, when verifying, then signing keys are unavailable (not the token fault)', async () => {
    const stopped = await serveJwks(200, { keys: [] });
    await stopped.close();
    const attempt = new TokenVerifier(jwksConfig(stopped.url)).verify(
      await signWith(rsaKey, 'custodian-3', []),
    );
    await expect(attempt).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    await expect(attempt).rejects.toMatchObject({ code: AuthErrorCode.signingKeysUnavailable });
  });

  it('given the JWKS endpoint answers 500, when verifying, then signing keys are unavailable', async () => {
    const failing = await serveJwks(500, { error: 'boom' });
    try {
      const attempt = new TokenVerifier(jwksConfig(failing.url)).verify(
        await signWith(rsaKey, 'custodian-3', []),
      );
      await expect(attempt).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    } finally {
      await failing.close();
    }
  });
});
