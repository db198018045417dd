// Pressluft progressive enhancement: live job log over SSE, and confirmations. Pages work without it.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var message = form && form.getAttribute && form.getAttribute('data-confirm');
    // a read-only button of a confirming form (a drift check) does not ask
    if (event.submitter && event.submitter.hasAttribute('data-no-confirm')) return;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  var log = document.getElementById('job-log');
  if (!log || !window.EventSource) return;
  var status = document.getElementById('log-status');
  var seen = {};
  Array.prototype.forEach.call(log.querySelectorAll('li[data-id]'), function (li) { seen[li.getAttribute('data-id')] = true; });
  // The server resumes after the newest line this page already shows (and after Last-Event-ID on reconnects).
  var last = log.querySelector('li[data-id]:last-child');
  var src = log.getAttribute('data-log-src') + (last ? '?after=' + encodeURIComponent(last.getAttribute('data-id')) : '');
  var source = new EventSource(src);
  source.addEventListener('line', function (e) {
    if (seen[e.lastEventId]) return;
    seen[e.lastEventId] = true;
    var line = JSON.parse(e.data);
    var li = document.createElement('li');
    li.setAttribute('data-id', e.lastEventId);
    li.className = 'src-' + line.source + (line.tone ? ' ' + line.tone : '');
    var when = document.createElement('span');
    when.className = 'when';
    when.textContent = String(line.at).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    li.appendChild(when);
    li.appendChild(document.createTextNode(' ' + line.text));
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  });
  source.addEventListener('end', function (e) {
    source.close();
    var data = JSON.parse(e.data);
    if (status) status.textContent = 'Finished: ' + data.state + '.';
    var badge = document.querySelector('[data-job-state] .badge');
    if (badge) {
      badge.textContent = data.state;
      badge.className = 'badge ' + (data.state === 'succeeded' ? 'ok' : data.state === 'failed' ? 'bad' : 'muted');
    }
    log.setAttribute('data-finished', data.state);
  });
  source.onerror = function () { if (status) status.textContent = 'Connection lost; reconnecting…'; };
  source.onopen = function () { if (status && !log.hasAttribute('data-finished')) status.textContent = 'Live: new lines appear as the job runs.'; };
})();
