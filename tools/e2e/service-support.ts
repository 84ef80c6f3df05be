import { signTestToken } from '@custody/auth/testing';
import { eventually } from '@custody/testing';

/** The issuer and audience of the tokens the e2e specs sign and the services they start accept. */
export const ISSUER = 'custody-e2e';
export const AUDIENCE = 'custody';

/**
 * A call to a service at `baseUrl` as `subject` with `roles`, its bearer token signed with the
 * test secret: the status and the JSON body.
 */
export async function callService(
  secret: string,
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  roles: string[],
  subject: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await signTestToken({
    secret,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject,
    roles,
  });
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Each service, in order, answers ready (/health/ready 200) within `waitMs`; the test fails otherwise. */
export async function expectReady(
  services: readonly { readonly baseUrl: string }[],
  waitMs: number,
): Promise<void> {
  for (const service of services)
    expect(
      await eventually(
        async () => (await fetch(`${service.baseUrl}/health/ready`)).status === 200,
        waitMs,
      ),
    ).toBe(true);
}
