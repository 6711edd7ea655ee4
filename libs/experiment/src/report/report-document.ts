/**
 * A small document model so that report.md and report.html say exactly the same thing:
 * the report is built once as blocks, then rendered to each format.
 */

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  /** A warning box (synthetic data, interrupted run, failed steps). */
  | { readonly kind: 'callout'; readonly tone: 'info' | 'warning'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly align?: readonly ('left' | 'right')[];
    }
  | {
      readonly kind: 'chart';
      readonly id: string;
      readonly title: string;
      readonly caption: string;
    }
  | { readonly kind: 'code'; readonly text: string };

/** Inline markup allowed in texts: `code` and **bold** only (rendered in both formats). */
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const inlineHtml = (text: string) =>
  escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\bhttps?:\/\/[^\s)<]+/g, (url) => `<a href="${url}">${url}</a>`);

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown; charts become image links to charts/<id>.svg. */
export const renderMarkdown = (blocks: readonly Block[]): string => {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`${'#'.repeat(block.level)} ${block.text}`);
        break;
      case 'paragraph':
        out.push(block.text);
        break;
      case 'callout':
        out.push(`> **${block.tone === 'warning' ? 'Warning' : 'Note'}:** ${block.text}`);
        break;
      case 'list':
        out.push(block.items.map((item) => `- ${item}`).join('\n'));
        break;
      case 'table': {
        const align = block.header.map((_, i) => (block.align?.[i] === 'right' ? '---:' : '---'));
        out.push(
          [
            `| ${block.header.map(escapeCell).join(' | ')} |`,
            `| ${align.join(' | ')} |`,
            ...block.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
          ].join('\n'),
        );
        break;
      }
      case 'chart':
        out.push(`![${block.title}](charts/${block.id}.svg)\n\n*${block.caption}*`);
        break;
      case 'code':
        out.push(`\`\`\`\n${block.text}\n\`\`\``);
        break;
      default: {
        const _exhaustive: never = block;
        throw new Error(`unknown block ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
  return `${out.join('\n\n')}\n`;
};

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 2px solid #ddd; padding-bottom: .3em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #eee; padding-bottom: .2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .3em .6em; }
th { background: #f6f6f6; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fbfbfb; }
.callout { padding: .6em 1em; border-left: 4px solid #0072B2; background: #eef6fb; margin: 1em 0; }
.callout.warning { border-color: #D55E00; background: #fdf1e9; }
figure { margin: 1.5em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9em; font-style: italic; }
code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; }
`;

/** Self-contained HTML: the SVG charts are inlined (`svgs` maps chart id -> SVG text). */
export const renderHtml = (
  title: string,
  blocks: readonly Block[],
  svgs: ReadonlyMap<string, string>,
): string => {
  const body = blocks.map((block) => {
    switch (block.kind) {
      case 'heading':
        return `<h${block.level}>${inlineHtml(block.text)}</h${block.level}>`;
      case 'paragraph':
        return `<p>${inlineHtml(block.text)}</p>`;
      case 'callout':
        return `<div class="callout ${block.tone}"><strong>${block.tone === 'warning' ? 'Warning' : 'Note'}:</strong> ${inlineHtml(block.text)}</div>`;
      case 'list':
        return `<ul>${block.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</ul>`;
      case 'table': {
        const head = `<tr>${block.header.map((cell) => `<th>${inlineHtml(cell)}</th>`).join('')}</tr>`;
        const rows = block.rows
          .map(
            (row) =>
              `<tr>${row.map((cell, i) => `<td${block.align?.[i] === 'right' ? ' class="num"' : ''}>${inlineHtml(cell)}</td>`).join('')}</tr>`,
          )
          .join('\n');
        return `<table>\n${head}\n${rows}\n</table>`;
      }
      case 'chart': {
        const svg =
          svgs.get(block.id) ??
          `<p><em>chart ${escapeHtml(block.id)} could not be rendered</em></p>`;
        return `<figure id="${escapeHtml(block.id)}">${svg}<figcaption>${inlineHtml(block.caption)}</figcaption></figure>`;
      }
      case 'code':
        return `<pre>${escapeHtml(block.text)}</pre>`;
      default: {
        const _exhaustive: never = block;
        throw new Error(`unknown block ${JSON.stringify(_exhaustive)}`);
      }
    }
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
};
