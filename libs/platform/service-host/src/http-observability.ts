import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from '@custody/auth';
import type { Logger, ServiceMetrics } from '@custody/observability';
import type { NextFunction, Request, Response } from 'express';
import type { ClientDataMarked } from './client-data';
import type { SecurityEvent, SecurityEventRecorder } from './security-events';

/** Probes and scrapes are not logged: they would drown the access log. */
const UNLOGGED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** The header that carries a request's id in and out (taken from the caller or the proxy when well formed, else made here). */
export const REQUEST_ID_HEADER = 'x-request-id';
/** A request id taken from a caller: short, and only characters that cannot forge a log field or a header. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Longest X-Forwarded-For kept in the access log (a proxy chain, not a payload). */
export const FORWARDED_FOR_LOGGED_LENGTH_MAX = 256;

/**
 * Headers of every answer of every service: client data is never cached by a browser or a proxy,
 * never sniffed into another type, never framed, and never leaks its URL (client and record ids)
 * through a Referer. The APIs answer JSON (and CSV/text reports), never a page: `default-src 'none'`.
 * HSTS is the TLS terminator's (the services listen in plain HTTP behind it).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Roles that are workloads, not people: their reads of client data are not a staff read. */
const WORKLOAD_ROLES: ReadonlySet<string> = new Set(['custody-service']);
/** The path parameter that names a client: a staff read of a route with it is CLIENT_DATA_READ. */
const CLIENT_ID_PARAMETER = 'clientId';

interface ObservedRequest extends Request, ClientDataMarked {
  requestId?: string;
}

/**
 * Express middleware, registered before Nest's guards so refused requests (401, 403) count too:
 * sets the security headers and the request id on every answer, records the latency by route
 * template (never the raw path: ids would explode cardinality), and writes one access-log line
 * inside the request's trace with who asked (sub, roles, address), what (method, route, the ids in
 * the path) and the security event it is, if any. Never the token, a body or a query string.
 */
export function httpObservability(
  metrics: ServiceMetrics,
  logger: Logger,
  recorder?: SecurityEventRecorder | null,
) {
  return (request: ObservedRequest, response: Response, next: NextFunction): void => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdOf(request.headers[REQUEST_ID_HEADER]);
    request.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status_code: String(response.statusCode) },
        seconds,
      );
      if (UNLOGGED_ROUTES.has(route)) return;
      const line = accessLine(request, response.statusCode, route, requestId);
      const fields = { ...line, durationMs: Math.round(seconds * 1000) };
      if (line.securityEvent === 'AUTHENTICATION_FAILED' || line.securityEvent === 'ACCESS_DENIED')
        logger.warn(fields, 'request handled');
      else logger.info(fields, 'request handled');
      // and kept where auditors can query it for as long as records are kept (HK-22)
      if (line.securityEvent !== undefined) {
        recorder?.record({
          at: new Date(),
          event: line.securityEvent,
          requestId,
          callerId: line.callerId,
          roles: line.roles,
          clientAddress: line.clientAddress,
          method: line.method,
          route,
          pathIds: line.pathIds,
          statusCode: line.statusCode,
          clientId: line.clientId ?? null,
        });
      }
    });
    next();
  };
}

/** The caller's request id when it is well formed (a proxy's or a client's), else a fresh one. */
function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

function accessLine(
  request: ObservedRequest,
  statusCode: number,
  route: string,
  requestId: string,
) {
  const caller = (request as unknown as AuthenticatedRequest).caller;
  const pathIds = { ...((request.params as Record<string, string> | undefined) ?? {}) };
  const forwardedFor = request.headers['x-forwarded-for'];
  const securityEvent = securityEventOf(
    request.method,
    statusCode,
    caller?.roles,
    pathIds,
    request.clientData === true,
  );
  return {
    requestId,
    method: request.method,
    route,
    pathIds,
    statusCode,
    callerId: caller?.id ?? null,
    roles: caller?.roles ?? [],
    clientAddress: request.socket.remoteAddress ?? null,
    ...(typeof forwardedFor === 'string'
      ? { forwardedFor: forwardedFor.slice(0, FORWARDED_FOR_LOGGED_LENGTH_MAX) }
      : {}),
    ...(securityEvent === undefined ? {} : { securityEvent }),
    ...(securityEvent === 'CLIENT_DATA_READ'
      ? { clientId: pathIds[CLIENT_ID_PARAMETER] ?? null }
      : {}),
  };
}

/** 401 and 403 are security events; so is every answered read of a client's data by a person (staff): under :clientId, or a route marked @ClientData(). */
function securityEventOf(
  method: string,
  statusCode: number,
  roles: readonly string[] | undefined,
  pathIds: Readonly<Record<string, string>>,
  clientDataRoute: boolean,
): SecurityEvent | undefined {
  if (statusCode === 401) return 'AUTHENTICATION_FAILED';
  if (statusCode === 403) return 'ACCESS_DENIED';
  const staff = roles !== undefined && roles.some((role) => !WORKLOAD_ROLES.has(role));
  const read = method === 'GET' && statusCode >= 200 && statusCode < 300;
  if (read && staff && (pathIds[CLIENT_ID_PARAMETER] !== undefined || clientDataRoute))
    return 'CLIENT_DATA_READ';
  return undefined;
}
