import * as vega from 'vega';
import { compile, version as vegaLiteVersion, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite -> Vega -> SVG, headless (no canvas, no browser). vega 5 / vega-lite 5 are pinned:
 * their 6.x releases are ESM-only and this workspace runs CommonJS.
 */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const { spec: vegaSpec } = compile(spec);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

/** Versions of the charting libraries, for the report's footer. */
export const chartingVersions = (): Record<string, string> => ({
  vega: vega.version,
  'vega-lite': vegaLiteVersion,
});
