// Kairos dashboard: progressive enhancement only. Every page works without this script; with it,
// times are shown in the browser's zone and the parts marked data-live refresh themselves.
// Loaded from 'self' (the Content-Security-Policy allows no inline script).
(function () {
  'use strict';

  var zone = null;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch (e) {
    zone = null;
  }

  // The server renders times in the zone named by ?tz= (UTC without it): ask for the browser's.
  var params = new URLSearchParams(window.location.search);
  if (zone && zone !== 'UTC' && !params.has('tz') && document.body.dataset.refresh !== undefined) {
    params.set('tz', zone);
    window.location.replace(window.location.pathname + '?' + params.toString());
    return;
  }
  var tz = params.get('tz');

  // Keep the zone when following links and submitting forms within the dashboard.
  function keepZone(root) {
    if (!tz) {
      return;
    }
    root.querySelectorAll('a[href^="/ui/"]').forEach(function (a) {
      var url = new URL(a.getAttribute('href'), window.location.origin);
      if (!url.searchParams.has('tz') && !url.pathname.startsWith('/ui/static/')) {
        url.searchParams.set('tz', tz);
        a.setAttribute('href', url.pathname + url.search + url.hash);
      }
    });
    root.querySelectorAll('form[action^="/ui/"]').forEach(function (form) {
      if (!form.querySelector('input[name="tz"]') && form.getAttribute('action') !== '/ui/sign-out') {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'tz';
        input.value = tz;
        form.appendChild(input);
      }
    });
  }
  keepZone(document);

  // An action's result, rendered into the page after the redirect, is put into the status region a
  // moment after load: screen readers announce changes to a live region, not what a page loads with.
  var results = document.querySelector('.results');
  var announce = document.getElementById('announce');
  if (results && announce) {
    window.setTimeout(function () {
      announce.textContent = results.textContent.replace(/\s+/g, ' ').trim();
    }, 250);
  }

  // Live parts: fetch this same page every few seconds and swap in the fresh [data-live] parts,
  // unless the user is working in one (a ticked checkbox, focus in it).
  var every = parseInt(document.body.dataset.refresh || '0', 10);
  var live = Array.prototype.slice.call(document.querySelectorAll('[data-live][id]'));
  if (!every || live.length === 0) {
    return;
  }
  var status = document.querySelector('.live-status');
  var stopped = false;

  function busy(element) {
    if (element.querySelector('input[type=checkbox]:checked')) {
      return true;
    }
    var form = element.closest('form');
    if (form && form.querySelector('input[name="confirm"]:checked')) {
      return true;
    }
    var active = document.activeElement;
    return active && active !== document.body && element.contains(active);
  }

  function refresh() {
    if (stopped || document.hidden) {
      return;
    }
    fetch(window.location.href, {
      credentials: 'same-origin',
      headers: { 'X-Kairos-Live': '1' },
      redirect: 'error',
      cache: 'no-store'
    }).then(function (response) {
      if (response.status === 401) {
        stopped = true;
        throw new Error('signed out');
      }
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, 'text/html');
      live.forEach(function (element) {
        var replacement = fresh.getElementById(element.id);
        if (replacement && !busy(element)) {
          element.innerHTML = replacement.innerHTML;
          keepZone(element);
        }
      });
      status = document.querySelector('.live-status');
      if (status) {
        status.textContent = 'Live: refreshes every ' + Math.round(every / 1000) + ' s.';
      }
    }).catch(function () {
      status = document.querySelector('.live-status');
      if (status) {
        status.textContent = stopped ? 'Signed out: reload to sign in.' : 'Refresh failed; retrying.';
      }
    });
  }

  if (status) {
    status.textContent = 'Live: refreshes every ' + Math.round(every / 1000) + ' s.';
  }
  window.setInterval(refresh, every);
})();
