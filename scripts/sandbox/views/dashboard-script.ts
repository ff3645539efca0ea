/**
 * The dashboard's script (`/_sandbox/assets/dashboard.js`), plain browser JavaScript kept as text so the
 * sandbox serves it itself. Each element with `data-control` calls that control route with a JSON body
 * (a button's `data-body`, or a form's fields: `a.b` names nest, `data-type` number / boolean converts),
 * shows the answer in words, and refreshes the live part; every two seconds the live part is refreshed
 * anyway, so what the API, the hosted page or the clock changed shows without a reload.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
(function () {
  var flash = document.getElementById('flash');
  var live = document.getElementById('live');
  var busy = false;

  function say(text, bad) {
    if (!flash) return;
    flash.textContent = text;
    flash.className = 'flash ' + (bad ? 'error' : 'note');
  }

  /** Whether the tester is typing in the live part (then it waits: replacing it would lose the text). */
  function typing() {
    var active = document.activeElement;
    return !!active && live.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
  }

  function refresh(force) {
    if (!live || busy || (!force && typing())) return Promise.resolve();
    busy = true;
    return fetch(window.location.href, { headers: { accept: 'text/html' }, cache: 'no-store' })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var next = new DOMParser().parseFromString(text, 'text/html').getElementById('live');
        if (!next || next.innerHTML === live.innerHTML) return;
        var open = {};
        live.querySelectorAll('details[data-delivery]').forEach(function (d) { open[d.getAttribute('data-delivery')] = d.open; });
        live.innerHTML = next.innerHTML;
        live.querySelectorAll('details[data-delivery]').forEach(function (d) {
          var id = d.getAttribute('data-delivery');
          if (Object.prototype.hasOwnProperty.call(open, id)) d.open = open[id];
        });
      })
      .catch(function () { /* the sandbox is away; the next beat tries again */ })
      .then(function () { busy = false; });
  }

  function put(target, path, value) {
    var keys = path.split('.');
    for (var i = 0; i < keys.length - 1; i++) target = target[keys[i]] = target[keys[i]] || {};
    target[keys[keys.length - 1]] = value;
  }

  function bodyOf(element) {
    if (element.tagName !== 'FORM') return JSON.parse(element.getAttribute('data-body') || '{}');
    var body = {};
    Array.prototype.forEach.call(element.elements, function (field) {
      if (!field.name || field.disabled) return;
      var type = field.getAttribute('data-type');
      if (field.type === 'checkbox') { put(body, field.name, field.checked); return; }
      if (field.value === '') return;
      put(body, field.name, type === 'number' ? Number(field.value) : field.value);
    });
    if (body.amount && body.amount.value === undefined && typeof body.amount !== 'number') delete body.amount;
    if (element.getAttribute('data-control').slice(-8) === '/refunds') body.isFullAmount = body.amount === undefined;
    return body;
  }

  function describe(answer, body) {
    if (body && body.code === '00' && body.data && body.data.status) return 'Done: ' + (body.data.clientReferenceId || '') + ' is now ' + body.data.status + '.';
    if (body && body.now) return 'Sandbox time is now ' + new Date(body.now).toLocaleString();
    if (body && body.reset) return 'The sandbox was reset.';
    if (body && body.state) return 'Delivery ' + body.state + '.';
    if (answer.ok) return 'Done.';
    return (body && (body.message || body.code)) || ('Refused: HTTP ' + answer.status);
  }

  function run(element) {
    var question = element.getAttribute('data-confirm');
    if (question && !window.confirm(question)) return;
    var body;
    try { body = bodyOf(element); } catch (ignored) { body = {}; }
    say('Working…');
    fetch(element.getAttribute('data-control'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (answer) {
        return answer.json().catch(function () { return null; }).then(function (json) { return { answer: answer, json: json }; });
      })
      .then(function (result) {
        var details = result.json && result.json.error && result.json.error.details;
        say(describe(result.answer, result.json) + (details ? ' ' + details.map(function (d) { return d.message; }).join('; ') : ''), !result.answer.ok);
        if (result.answer.ok && element.getAttribute('data-then') === 'open' && result.json && result.json.data) {
          window.location.assign(result.json.data.paymentUrl || '/_sandbox/sessions/' + result.json.data.id);
          return;
        }
        return refresh(true);
      })
      .catch(function () { say('The sandbox did not answer.', true); });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-control]');
    if (button) { event.preventDefault(); run(button); }
  });
  document.addEventListener('submit', function (event) {
    if (event.target.hasAttribute('data-control')) { event.preventDefault(); run(event.target); }
  });
  setInterval(function () { if (!document.hidden) refresh(); }, 2000);
})();
`;
