/**
 * GET /docs: one self-contained page (no CDN: the fleet runs offline) that fetches
 * ./openapi.json and lists every operation with its parameters, body and answers.
 */
export const docsPage = (title: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} API</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.5em}h2{font-size:1.1em;margin:1.6em 0 .3em;font-family:monospace}
.m{display:inline-block;width:4em;font-weight:bold;text-transform:uppercase}
.get{color:#06c}.post{color:#070}table{border-collapse:collapse;margin:.3em 0}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:20em}details{margin:.2em 0}
</style></head><body><h1>${title}</h1><p id="intro">Loading <a href="openapi.json">openapi.json</a>…</p><div id="ops"></div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const resolve = (doc, schema) => (schema && schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);
fetch('openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('intro').innerHTML = esc(doc.info.description) + ' OpenAPI ' + esc(doc.openapi) + ': <a href="openapi.json">openapi.json</a>';
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    out.push('<h2><span class="m ' + method + '">' + method + '</span>' + esc(path) + '</h2><p>' + esc(op.summary) + '</p>');
    if (op.parameters) out.push('<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>' + op.parameters.map((p) => '<tr><td>' + esc(p.name) + '</td><td>' + p.in + '</td><td><code>' + esc(JSON.stringify(p.schema)) + '</code></td></tr>').join('') + '</table>');
    if (op.requestBody) out.push('<details><summary>body</summary><pre>' + esc(JSON.stringify(resolve(doc, op.requestBody.content['application/json'].schema), null, 2)) + '</pre></details>');
    for (const [status, answer] of Object.entries(op.responses)) {
      const content = answer.content && Object.values(answer.content)[0];
      out.push('<details><summary>' + status + ' ' + esc(answer.description) + '</summary>' + (content ? '<pre>' + esc(JSON.stringify(resolve(doc, content.schema), null, 2)) + '</pre>' : '') + '</details>');
    }
  }
  document.getElementById('ops').innerHTML = out.join('');
});
</script></body></html>
`;
