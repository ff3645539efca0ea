/** What the sandbox's HTML pages share: escaping, amounts in Rupiah, the page frame. */

type Json = Record<string, any>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** `Rp 10.000` (Indonesian grouping), or the raw value for another currency. */
export function formatAmount(amount: Json | undefined): string {
  if (!amount) return '';
  const value = Number(amount.value);
  if (amount.currency === 'IDR') return `Rp ${value.toLocaleString('id-ID')}`;
  return `${amount.currency} ${value}`;
}

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; color: #1d1d1f; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
dt { color: #666; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; border-radius: .4rem; border: 1px solid #888; cursor: pointer; }
button[value=pay] { background: #0a7d32; color: #fff; border-color: #0a7d32; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; }
.note { color: #666; font-size: .85rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** An HTML answer. */
export function html(text: string, status = 200): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
