import { parser } from '@prometheus-io/lezer-promql';

// Prometheus's own PromQL grammar (the one its web UI parses with).

/** Grafana's and Prometheus's template variables, replaced by values that parse. */
const withoutTemplateVariables = (expr: string): string =>
  expr.replace(/\$__rate_interval|\$__interval/g, '1m').replace(/"\$[a-z_]+"/g, '".*"');

/** The first syntax error of a PromQL expression, as `at <offset>: <text>`, or undefined. */
export const promqlSyntaxError = (expr: string): string | undefined => {
  const text = withoutTemplateVariables(expr);
  let error: string | undefined;
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError && error === undefined)
        error = `at ${node.from}: ${text.slice(Math.max(0, node.from - 10), node.to + 10)}`;
    },
  });
  return error;
};

const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/** The metric names an expression selects (histogram series by their base name). */
export const referencedMetrics = (expr: string): string[] => {
  const text = withoutTemplateVariables(expr);
  const names = new Set<string>();
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        const name = text.slice(node.from, node.to);
        names.add(name.startsWith('qf_') ? name.replace(HISTOGRAM_SUFFIX, '') : name);
      }
    },
  });
  return [...names];
};
