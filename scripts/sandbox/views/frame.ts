/**
 * The frame of every sandbox page: one stylesheet and scripts served by the sandbox (no inline
 * script, no CDN), a viewport for phones, and an empty icon so the browser asks the sandbox for nothing
 * it does not serve.
 */
import { escapeHtml } from '../html.ts';

export interface Frame {
  title: string;
  body: string;
  /** Scripts under `/_sandbox/assets/`, e.g. `page.js`. */
  scripts?: string[];
  /** The dashboard's wide layout. */
  wide?: boolean;
}

export const ASSETS = '/_sandbox/assets';

export function frame({ title, body, scripts = [], wide = false }: Frame): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS}/sandbox.css">
${scripts.map((name) => `<script src="${ASSETS}/${escapeHtml(name)}" defer></script>`).join('\n')}
</head>
<body>
<main${wide ? ' class="wide"' : ''}>
${body}
</main>
</body>
</html>
`;
}

/** The tone of a status badge: good (paid), bad (ended unpaid), wait (in progress). */
export function statusTone(status: string): 'good' | 'bad' | 'wait' | '' {
  if (['PAID', 'SUCCESS', 'ACTIVE', 'delivered'].includes(status)) return 'good';
  if (['EXPIRED', 'CANCELLED', 'FAILED', 'failed', 'manual_retry'].includes(status)) return 'bad';
  if (
    ['PROCESSING', 'WAITING_FOR_CAPTURE', 'WAITING_FOR_AUTHENTICATION', 'PENDING', 'WAITING_BANK_TRANSFER', 'retrying'].includes(
      status,
    )
  )
    return 'wait';
  return '';
}

/** A status badge: the words, with the raw value for a tester in its title. */
export function statusBadge(status: string, inWords: string, id?: string): string {
  return `<span class="status ${statusTone(status)}"${id ? ` id="${id}"` : ''} data-value="${escapeHtml(status)}" title="${escapeHtml(status)}">${escapeHtml(inWords)}</span>`;
}
