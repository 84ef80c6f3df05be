import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { Public } from '@custody/auth';
import type { Response } from 'express';
import { DatabaseReadiness } from './database-readiness';

/** Kubernetes probes. Public by design: they carry no client data. */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(DatabaseReadiness) private readonly readiness: DatabaseReadiness) {}

  @Get('live')
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<object> {
    const report = await this.readiness.check();
    if (report.ready) return { status: 'ready', checks: { database: 'up' } };
    response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'not-ready', checks: { database: 'down' }, reason: report.reason };
  }
}
