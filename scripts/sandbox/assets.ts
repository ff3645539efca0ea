/**
 * `/_sandbox/assets/…`: the stylesheet and scripts of the hosted page and the dashboard, served by the
 * sandbox itself, so both work offline and load nothing from elsewhere.
 */
import type { Hono } from 'hono';
import { DASHBOARD_SCRIPT } from './views/dashboard-script.ts';
import { PAGE_SCRIPT } from './views/page-script.ts';
import { SANDBOX_CSS } from './views/style.ts';

const ASSET_FILES: Record<string, { type: string; text: string }> = {
  'sandbox.css': { type: 'text/css; charset=utf-8', text: SANDBOX_CSS },
  'page.js': { type: 'text/javascript; charset=utf-8', text: PAGE_SCRIPT },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', text: DASHBOARD_SCRIPT },
};

export function assetRoutes(app: Hono): void {
  app.get('/_sandbox/assets/:name', (c) => {
    const asset = Object.hasOwn(ASSET_FILES, c.req.param('name')) ? ASSET_FILES[c.req.param('name')] : undefined;
    if (!asset) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    return new Response(asset.text, { headers: { 'content-type': asset.type, 'cache-control': 'no-cache' } });
  });
}
