// cvm-avs monitor dashboard: reads /api/* and refreshes on every Server-Sent "update" event.
(function () {
  'use strict';
  const $ = (sel) => document.querySelector(sel);
  const short = (h) => (h ? h.slice(0, 10) + '…' + h.slice(-6) : '');
  const time = (t) => (t ? new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19) : '—');
  const eth = (wei) => {
    const w = BigInt(wei || '0');
    const whole = w / 10n ** 18n;
    const frac = (w % 10n ** 18n).toString().padStart(18, '0').slice(0, 2);
    return whole.toString() + '.' + frac;
  };
  const pct = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1) + ' %');

  function cell(text, cls, title) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    if (title) td.title = title;
    return td;
  }
  // A shortened hex value whose full text is in the tooltip.
  const hex = (h, cls) => cell(short(h), 'mono' + (cls ? ' ' + cls : ''), h || '');

  function fill(tbody, rows) {
    tbody.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      cells.forEach((c) => tr.appendChild(c));
      return tr;
    }));
  }

  const latencyChart = new Chart($('#latencyChart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'latency (s)', data: [], backgroundColor: '#4c6ef5' }] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  });
  const stakeChart = new Chart($('#stakeChart'), {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'signed stake (%)', data: [], borderColor: '#1a9c4a', tension: 0 }] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } },
  });

  async function get(path) {
    const r = await fetch(path, { cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }

  async function refresh() {
    const [operators, tasks, events] = await Promise.all([
      get('/api/operators'), get('/api/tasks?limit=100'), get('/api/events?limit=100')]);
    fill($('#operators tbody'), operators.map((o) => {
      const status = o.ejected ? ['ejected', 'bad'] : o.slashed ? ['slashed', 'bad']
        : o.livenessWarning || (o.sla && (o.sla.warning || o.sla.ejectable)) ? ['liveness warning', 'warn']
          : ['ok', 'ok'];
      const sla = o.sla === null ? cell('—', 'wide')
        : cell(o.sla.missedInARow + ' missed in a row, ejection at ' + o.sla.ejectionAt
          + ' (' + o.sla.missesLeft + ' left)', 'wide' + (o.sla.warning || o.sla.ejectable ? ' warn' : ''),
        o.sla.summary);
      const rewards = !o.rewards ? cell('—', 'wide')
        : cell('earned ' + eth(o.rewards.earned) + ' $C, claimed ' + eth(o.rewards.claimed), 'wide',
          'unclaimed ' + eth(o.rewards.unclaimed) + ' $C (token ' + o.rewards.token + ')');
      const w = o.lastTasks;
      const signed = o.lastSignedTask === null ? null : '#' + o.lastSignedTask + ' at ' + time(o.lastSignedTime);
      return [
        hex(o.operator), cell(status[0], 'status ' + status[1]), cell(eth(o.stake), 'num'),
        cell(pct(o.shareOfQuorum), 'num'),
        cell(w.tasks ? pct(w.attestationRate) : '—', 'num'),
        cell(w.signed + ' / ' + w.missed + ' / ' + w.wrong, 'num'),
        cell(o.last24h.tasks ? pct(o.last24h.attestationRate) : '—', 'num wide'),
        cell(signed === null ? '—' : '#' + o.lastSignedTask + ' ' + time(o.lastSignedTime).slice(11), 'wide', signed),
        sla,
        rewards,
        hex(o.operatorId, 'wide'),
      ];
    }));
    fill($('#tasks tbody'), tasks.map((t) => [
      cell('#' + t.taskIndex, 'num'), cell(String(t.cvmBlockHeight), 'num'), cell(String(t.createdBlock), 'num'),
      cell(t.respondedBlock === null ? 'pending' : String(t.respondedBlock), 'num'),
      cell(t.latencySeconds === null ? '—' : t.latencySeconds + ' s / ' + t.latencyBlocks + ' blocks', 'num'),
      cell(pct(t.signedStakePercent), 'num'),
      cell(t.nonSigners === null ? 'unknown' : t.nonSigners.map(short).join(', ') || 'none', 'mono wrap',
        t.nonSigners === null ? '' : t.nonSigners.join('\n')),
    ]));
    fill($('#events tbody'), events.map((e) => [
      cell(time(e.timestamp)), cell(String(e.block), 'num'), cell(e.severity, 'sev-' + e.severity), cell(e.type),
      hex(e.operator || e.operatorId || ''),
      cell(e.taskIndex === null ? '' : '#' + e.taskIndex, 'num'), cell(e.requestId === null ? '' : e.requestId, 'num'),
      hex(e.txHash),
    ]));
    const done = tasks.filter((t) => t.respondedBlock !== null).reverse();
    latencyChart.data.labels = done.map((t) => '#' + t.taskIndex);
    latencyChart.data.datasets[0].data = done.map((t) => t.latencySeconds);
    latencyChart.update();
    stakeChart.data.labels = done.map((t) => '#' + t.taskIndex);
    stakeChart.data.datasets[0].data = done.map((t) => t.signedStakePercent);
    stakeChart.update();
    document.body.dataset.tasks = String(tasks.length);
    document.body.dataset.responded = String(done.length);
  }

  let pending = null;
  function schedule() {
    if (pending) return;
    pending = refresh().catch((e) => { $('#status').textContent = 'error: ' + e.message; })
      .finally(() => { pending = null; });
  }

  const stream = new EventSource('/api/stream');
  stream.addEventListener('update', (m) => {
    const s = JSON.parse(m.data);
    const st = $('#status');
    st.className = 'live';
    st.textContent = 'live · head block ' + s.head + ' · ' + s.tasks + ' tasks (' + s.responded + ' responded) · '
      + s.events + ' events';
    schedule();
  });
  stream.onerror = () => { $('#status').className = ''; $('#status').textContent = 'reconnecting…'; };
  schedule();
})();
