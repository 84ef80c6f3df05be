import type { Logger, ServiceMetrics } from '@custody/observability';
import type { NextFunction, Request, Response } from 'express';

/** Probes and scrapes are not logged: they would drown the access log. */
const UNLOGGED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Express middleware: records the latency of every request by route template (never the raw
 * path: ids would explode cardinality) and writes one access-log line inside the request's
 * trace. Registered before Nest's guards, so refused requests (401, 403) count too.
 */
export function httpObservability(metrics: ServiceMetrics, logger: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      metrics.httpRequestDuration.observe({ method: request.method, route, status_code: String(response.statusCode) }, seconds);
      if (!UNLOGGED_ROUTES.has(route)) {
        logger.info({ method: request.method, route, statusCode: response.statusCode, durationMs: Math.round(seconds * 1000) }, 'request handled');
      }
    });
    next();
  };
}
