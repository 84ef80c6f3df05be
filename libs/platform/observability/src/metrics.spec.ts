import { createServiceMetrics } from './metrics';

describe('service metrics', () => {
  it('labels every series with the service and exposes HTTP latency by route and status', async () => {
    const metrics = createServiceMetrics('audit');
    metrics.httpRequestDuration.observe(
      { method: 'GET', route: '/v1/event-log', status_code: '200' },
      0.02,
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{service="audit",method="GET",route="\/v1\/event-log",status_code="200"\} 1/,
    );
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="audit"\}/);
  });

  it('keeps one registry per service (no global state shared between hosts)', async () => {
    const a = createServiceMetrics('a');
    const b = createServiceMetrics('b');
    a.httpRequestDuration.observe({ method: 'GET', route: '/x', status_code: '200' }, 1);
    expect(await b.registry.metrics()).not.toContain('route="/x"');
  });
});
