import fs from 'node:fs';
import path from 'node:path';
import { fleetCatalog } from '@qf/local-infra';
import { parse } from 'yaml';
import { promqlSyntaxError, referencedMetrics } from './promql';

// The dashboards and alert rules are files Prometheus and Grafana load; these tests keep
// them parseable and pointing at metrics the services really export.
const root = path.resolve(__dirname, '../../../../..');
const dir = path.join(root, 'deploy/observability');
const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

/** Every metric the fleet's code registers (counter/gauge/histogram `name: 'qf_…'`). */
const exportedMetrics = (): Set<string> => {
  const names = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('.spec.')) {
        for (const match of fs.readFileSync(file, 'utf8').matchAll(/name: '(qf_[a-z0-9_]+)'/g))
          if (match[1]) names.add(match[1]);
      }
    }
  };
  walk(path.join(root, 'libs'));
  walk(path.join(root, 'apps'));
  return names;
};

// What Strimzi's Kafka exporter (and the compose kafka-exporter) exports, and Prometheus itself.
const EXTERNAL_METRICS = new Set([
  'kafka_consumergroup_lag',
  'kafka_topic_partition_current_offset',
  'up',
]);

interface Rule {
  alert: string;
  expr: string;
}
const rules = (
  parse(read('prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> }
).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(read('grafana/dashboards/quest-fleet.json')) as {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
};
const panelExprs = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ title: panel.title, expr: target.expr })),
);

describe('alert rules and dashboards', () => {
  const exported = exportedMetrics();
  const everyExpr = [
    ...rules.map((rule) => ({ title: rule.alert, expr: rule.expr })),
    ...panelExprs,
  ];

  it('finds the fleet metrics in the code', () => {
    expect(exported.has('qf_http_requests_total')).toBe(true);
  });

  it.each(everyExpr.map((entry) => [entry.title, entry.expr]))(
    '%s: parses as PromQL',
    (_title, expr) => {
      expect(promqlSyntaxError(expr)).toBeUndefined();
    },
  );

  it.each(everyExpr.map((entry) => [entry.title, entry.expr]))(
    '%s: uses only metrics that exist',
    (_title, expr) => {
      const unknown = referencedMetrics(expr).filter(
        (name) => !exported.has(name) && !EXTERNAL_METRICS.has(name),
      );
      expect(unknown).toEqual([]);
    },
  );

  it('alert on consumer lag, time lag, dead letters and the outbox backlog', () => {
    const exprs = rules.map((rule) => rule.expr).join('\n');
    for (const metric of [
      'kafka_consumergroup_lag',
      'qf_consumer_time_lag_seconds',
      'qf_outbox_oldest_pending_age_seconds',
      'qf_projector_dead_letters_total',
      'qf_audit_dead_lettered_total',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toMatch(/topic=~"\.\*\\\\\.dlq"/);
  });

  it('show per service rate, p95 and errors, per group lag and time lag, transaction time, DLQ depth and outbox backlog', () => {
    const shown = panelExprs.map((entry) => entry.expr).join('\n');
    for (const fragment of [
      'rate(qf_http_requests_total',
      'histogram_quantile(0.95, sum by (job, le) (rate(qf_http_request_duration_seconds_bucket',
      'status=~"5.."',
      'kafka_consumergroup_lag',
      'qf_consumer_time_lag_seconds',
      'qf_processor_transaction_duration_seconds_bucket',
      '.dlq',
      'qf_outbox_pending_entries',
    ]) {
      expect(shown).toContain(fragment);
    }
  });

  it('scrape every fleet service in compose under its own job name', () => {
    const config = parse(read('prometheus/compose.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    for (const spec of fleetCatalog) {
      const job = config.scrape_configs.find((scrape) => scrape.job_name === spec.name);
      expect(job?.static_configs[0]?.targets).toEqual([`${spec.name}:${spec.httpPort}`]);
    }
  });
});
