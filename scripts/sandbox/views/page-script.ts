/**
 * The hosted page's script (`/_sandbox/assets/page.js`), plain browser JavaScript kept here as text so
 * the sandbox serves it itself. Everything works without it (plain forms); with it the page counts
 * the expiry down in sandbox time, copies the VA number, fills in a test card, encrypts the card form
 * with the payment's key (Web Crypto RSA-OAEP, decision `card-encryption-format`), and follows the
 * session: when it changes (paid from the dashboard, expired on the clock) the page moves on by itself.
 */
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var page = document.getElementById('page');
  var skew = page ? Number(page.getAttribute('data-sandbox-now')) - Date.now() : 0;
  var sandboxNow = function () { return Date.now() + skew; };

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function left(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h > 0 ? h + ':' + two(m) : String(m)) + ':' + two(r) + ' left';
  }
  var countdowns = document.querySelectorAll('[data-countdown]');
  function tick() {
    countdowns.forEach(function (el) {
      var ms = Date.parse(el.getAttribute('data-countdown')) - sandboxNow();
      el.textContent = ms > 0 ? left(ms) : 'time is up';
    });
  }
  if (countdowns.length) { tick(); setInterval(tick, 1000); }

  document.addEventListener('click', function (event) {
    var copy = event.target.closest && event.target.closest('[data-copy]');
    if (copy) {
      var text = copy.getAttribute('data-copy');
      var done = function () { copy.textContent = 'Copied'; setTimeout(function () { copy.textContent = 'Copy'; }, 2000); };
      var fallback = function () {
        var area = document.createElement('textarea');
        area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
        document.body.appendChild(area); area.select();
        try { document.execCommand('copy'); } catch (ignored) { /* the number stays selectable on the page */ }
        document.body.removeChild(area); done();
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
      return;
    }
    var card = event.target.closest && event.target.closest('[data-card]');
    if (card) {
      var set = function (id, value) { var input = document.getElementById(id); if (input && !input.value) input.value = value; };
      var number = document.getElementById('card-number');
      if (number) number.value = card.getAttribute('data-card').replace(/(\d{4})(?=\d)/g, '$1 ');
      set('card-expiry', '01/39'); set('card-cvc', '123'); set('card-name', 'Sandbox Tester');
      var details = document.getElementById('test-cards');
      if (details) details.open = false;
      if (number) number.focus();
    }
  });

  var numberInput = document.getElementById('card-number');
  if (numberInput) numberInput.addEventListener('input', function () {
    var digits = numberInput.value.replace(/\D/g, '').slice(0, 19);
    numberInput.value = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
  });

  function base64(bytes) { var s = ''; for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return btoa(s); }
  function encrypt(keyText, plain) {
    var der = Uint8Array.from(atob(keyText), function (c) { return c.charCodeAt(0); });
    return crypto.subtle.importKey('spki', der, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt'])
      .then(function (key) { return crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, new TextEncoder().encode(JSON.stringify(plain))); })
      .then(function (buffer) { return base64(new Uint8Array(buffer)); });
  }
  var form = document.getElementById('card-form');
  if (form) form.addEventListener('submit', function (event) {
    if (form.getAttribute('data-sent') === 'yes') return;
    event.preventDefault();
    if (!form.reportValidity()) return;
    var number = form.elements.cardNumber.value.replace(/\D/g, '');
    var expiry = form.elements.cardExpiry.value.replace(/\s/g, '').split('/');
    var cvc = form.elements.cardCvc.value;
    var send = function () { form.setAttribute('data-sent', 'yes'); form.submit(); };
    if (!(window.crypto && crypto.subtle)) { send(); return; }
    var year = Number(expiry[1]);
    encrypt(form.getAttribute('data-encrypt-key'), { number: number, expMonth: Number(expiry[0]), expYear: year < 100 ? year : year % 100, cvc: cvc })
      .then(function (encrypted) {
        form.elements.encryptedCard.value = encrypted;
        ['cardNumber', 'cardExpiry', 'cardCvc'].forEach(function (name) { form.elements[name].removeAttribute('name'); });
        send();
      }, send);
  });

  if (page && page.getAttribute('data-watch')) {
    var status = page.getAttribute('data-status');
    var final = ['PAID', 'EXPIRED', 'CANCELLED'].indexOf(status) >= 0;
    var busy = false;
    if (!final) setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(page.getAttribute('data-watch'), { headers: { accept: 'application/json' }, cache: 'no-store' })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (now) { if (now && now.status !== status) window.location.assign(now.next); })
        .catch(function () { /* the sandbox is away; try again on the next beat */ })
        .then(function () { busy = false; });
    }, 1500);
  }
})();
`;
