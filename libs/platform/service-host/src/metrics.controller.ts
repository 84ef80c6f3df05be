import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '@custody/auth';
import type { ServiceMetrics } from '@custody/observability';
import { SERVICE_METRICS } from './tokens';

/** Prometheus scrape endpoint. Public like the probes; it exposes counts, never client data. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
