/**
 * The one stylesheet of the hosted page and the dashboard, served by the sandbox itself
 * (`/_sandbox/assets/sandbox.css`): no CDN, no web font, so both work offline. Mobile first: the page is
 * one column on a phone and a centred panel on a desktop; the dashboard's tables scroll sideways on a
 * narrow screen instead of overflowing.
 */
export const SANDBOX_CSS = `:root {
  --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; --panel: #fff; --back: #f3f4f6;
  --brand: #0b57d0; --good: #0a7d32; --bad: #b3261e; --warn: #8a5300;
  color-scheme: light;
}
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--back); }
a { color: var(--brand); }
main { margin: 0 auto; padding: 1rem; max-width: 30rem; }
main.wide { max-width: 78rem; }
header.top { display: flex; align-items: center; justify-content: space-between; gap: .5rem; margin: .25rem 0 1rem; flex-wrap: wrap; }
.badge { font-size: .75rem; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; color: var(--warn); background: #fff4e5; border: 1px solid #f3d19c; border-radius: 1rem; padding: .1rem .6rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: .75rem; padding: 1.25rem; margin-bottom: 1rem; }
.merchant { color: var(--muted); margin: 0; }
.amount { font-size: 2rem; font-weight: 700; margin: .1rem 0 .25rem; }
h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: .75rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.status { display: inline-block; font-weight: 600; border-radius: 1rem; padding: .05rem .65rem; background: #e8f0fe; color: var(--brand); }
.status.good { background: #e6f4ea; color: var(--good); }
.status.bad { background: #fce8e6; color: var(--bad); }
.status.wait { background: #fff4e5; color: var(--warn); }
button, .button { font: inherit; font-weight: 600; display: inline-block; text-align: center; text-decoration: none; cursor: pointer;
  border-radius: .5rem; border: 1px solid var(--line); background: #fff; color: var(--ink); padding: .7rem 1rem; }
button.primary, .button.primary { background: var(--brand); border-color: var(--brand); color: #fff; width: 100%; font-size: 1.05rem; }
button.good { background: var(--good); border-color: var(--good); color: #fff; }
button.bad { color: var(--bad); border-color: #f1b4ae; }
button.link { border: 0; background: none; color: var(--brand); padding: .25rem; font-weight: 500; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #a8c7fa; outline-offset: 1px; }
.actions { display: flex; flex-direction: column; gap: .6rem; margin-top: 1rem; }
.actions.row { flex-direction: row; flex-wrap: wrap; }
form.inline { display: inline; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input, select { font: inherit; width: 100%; padding: .65rem .75rem; border: 1px solid #9aa0a6; border-radius: .5rem; background: #fff; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.note { color: var(--muted); font-size: .9rem; }
.error { color: var(--bad); background: #fce8e6; border-radius: .5rem; padding: .6rem .8rem; }
.big-number { font: 600 1.6rem/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; letter-spacing: .06em; overflow-wrap: anywhere; }
.copy-row { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; }
ol.steps { padding-left: 1.25rem; margin: .5rem 0; }
ol.steps li { margin: .25rem 0; }
.qr { display: block; width: min(18rem, 100%); height: auto; margin: .5rem auto; image-rendering: pixelated; border: 1px solid var(--line); border-radius: .5rem; background: #fff; }
.choices { display: grid; gap: .5rem; }
.choices button { width: 100%; text-align: left; }
.choices .group { color: var(--muted); font-size: .85rem; font-weight: 600; margin-top: .5rem; text-transform: uppercase; letter-spacing: .04em; }
.saved { display: grid; gap: .5rem; }
details { margin-top: 1rem; }
summary { cursor: pointer; font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .45rem .5rem; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f8f9fa; border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; overflow-x: auto; max-height: 24rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
.filters label { margin: 0; font-size: .85rem; }
.filters label { max-width: 100%; }
.filters input, .filters select { width: auto; min-width: 9rem; max-width: 100%; }
.pager { display: flex; gap: .75rem; align-items: center; margin-top: .75rem; }
.timeline { list-style: none; padding: 0; margin: 0; }
.timeline li { border-left: 3px solid var(--line); padding: .2rem 0 .6rem .8rem; }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
.toolbar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.toolbar input { width: 7rem; }
.toolbar select { width: auto; max-width: 100%; }
.flash { min-height: 1.5rem; }
.acs { border-top: 4px solid #3c4043; }
.test-cards td button { font: 500 .85rem ui-monospace, monospace; padding: .2rem .4rem; }
@media (min-width: 40rem) {
  main { padding: 2rem 1rem; }
  .actions.row button { flex: 0 0 auto; }
}
@media (max-width: 26rem) {
  .two { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .35rem; }
}
`;
