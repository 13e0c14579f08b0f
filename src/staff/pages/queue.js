// The queue page: listens to the kiosk's event stream and re-reads the table when the queue
// changes; buttons call the JSON API. No polling: only the "waited" minutes tick locally.
(() => {
  const queue = document.getElementById('queue');
  const flash = document.getElementById('flash');
  const live = document.getElementById('live');
  const soundButton = document.getElementById('sound');
  const baseTitle = document.title;
  let badge = 0;
  let sound = localStorage.getItem('hub-sound') === 'on';
  let audio = null;
  let pending = null;
  let offset = 0;

  const number = (t) => t.number.prefix + ' ' + String(t.number.number).padStart(3, '0');

  function say(text, kind) {
    flash.textContent = text;
    flash.className = 'message ' + (kind || 'note');
    flash.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function clearBadge() {
    if (badge) {
      badge = 0;
      document.title = baseTitle;
    }
  }

  function showSound() {
    soundButton.textContent = 'Sound: ' + (sound ? 'on' : 'off');
    soundButton.setAttribute('aria-pressed', String(sound));
  }

  function chime() {
    if (!sound) return;
    try {
      audio = audio || new AudioContext();
      [660, 880].forEach((f, i) => {
        const o = audio.createOscillator();
        const g = audio.createGain();
        const at = audio.currentTime + i * 0.25;
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, at);
        g.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, at + 0.5);
        o.connect(g).connect(audio.destination);
        o.start(at);
        o.stop(at + 0.55);
      });
    } catch (e) { /* no sound on this device */ }
  }

  function signIn() {
    location.href = '/login?next=' + encodeURIComponent('/queue');
  }

  async function api(path, body) {
    let r;
    try {
      r = await fetch(path, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body || {}),
      });
    } catch (e) {
      say('The kiosk cannot be reached: check the network and try again.', 'error');
      return null;
    }
    if (r.status === 401) { signIn(); return null; }
    let data = null;
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (!r.ok) {
      say((data && data.error) || ('The kiosk refused this (' + r.status + ').'), 'error');
      return null;
    }
    return data;
  }

  function tick() {
    const table = queue.querySelector('table[data-now]');
    if (!table) return;
    const amber = Number(table.dataset.amber);
    const red = Number(table.dataset.red);
    const now = Date.now() + offset;
    table.querySelectorAll('tr[data-created]').forEach((tr) => {
      const m = Math.max(0, Math.floor((now - Number(tr.dataset.created)) / 60000));
      tr.querySelector('.waited').textContent = m + ' min';
      tr.classList.toggle('red', m >= red);
      tr.classList.toggle('amber', m >= amber && m < red);
    });
  }

  async function refresh() {
    let r;
    try {
      r = await fetch('/queue/table', { credentials: 'same-origin' });
    } catch (e) {
      return;
    }
    if (r.status === 401) { signIn(); return; }
    if (!r.ok) return;
    queue.innerHTML = await r.text();
    adopt();
  }

  // Waits count on the kiosk's clock, not this device's.
  function adopt() {
    const table = queue.querySelector('table[data-now]');
    if (table) offset = Number(table.dataset.now) - Date.now();
    tick();
  }

  function soon() {
    if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 60);
  }

  function joined(t) {
    badge += 1;
    document.title = '(' + badge + ') ' + baseTitle;
    say('Ticket ' + number(t) + ' joined the queue.', 'note');
    chime();
  }

  const events = new EventSource('/api/v1/events');
  events.addEventListener('ready', () => { live.textContent = 'Live'; soon(); });
  events.addEventListener('checked_in', (e) => {
    const d = JSON.parse(e.data);
    if (d.ticket) { joined(d.ticket); soon(); }
  });
  ['ticket_changed', 'duty_changed', 'resync'].forEach((n) => events.addEventListener(n, soon));
  events.onerror = () => {
    live.textContent = 'Reconnecting…';
    if (events.readyState === EventSource.CLOSED) refresh();
  };

  const done = {
    call: 'called', recall: 'called again', seen: 'seen', 'no-show': 'marked no-show',
    requeue: 'back in the queue', transfer: 'transferred', left: 'marked as left',
  };

  document.addEventListener('click', async (ev) => {
    clearBadge();
    const b = ev.target.closest('button[data-act]');
    if (!b || b.disabled) return;
    ev.preventDefault();
    b.disabled = true;
    try {
      const act = b.dataset.act;
      const id = b.dataset.id;
      if (act === 'call-next') {
        const t = await api('/api/v1/queue/call-next');
        if (t) say('Calling ' + number(t) + ': it shows on the kiosk screen now.', 'note');
      } else if (act === 'duty') {
        const d = await api('/api/v1/duty', { on_duty: b.dataset.on === 'true' });
        if (d) say(d.advisors_on_duty + ' on duty now.', 'note');
      } else {
        const body = act === 'transfer' ? { need: document.getElementById('transfer-' + id).value } : {};
        const t = await api('/api/v1/tickets/' + encodeURIComponent(id) + '/' + act, body);
        if (t) say(number(t) + ': ' + done[act] + '.', 'note');
      }
      soon();
    } finally {
      b.disabled = false;
    }
  });
  document.addEventListener('keydown', clearBadge);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) clearBadge(); });

  soundButton.addEventListener('click', () => {
    sound = !sound;
    localStorage.setItem('hub-sound', sound ? 'on' : 'off');
    showSound();
    chime();
  });
  showSound();

  document.getElementById('walk-in').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const needs = Array.from(f.querySelectorAll('input[name=need]:checked')).map((i) => i.value);
    if (!needs.length) { say('Choose what they need first.', 'error'); return; }
    const body = { needs, priority: f.elements.priority.checked };
    const member = f.elements.member.value.trim();
    if (member) body.member = member;
    const r = await api('/api/v1/walk-ins', body);
    if (r) {
      say('Added: ticket ' + number(r.ticket) + ', number ' + r.position + ' in the queue.', 'note');
      f.reset();
      soon();
    }
  });

  adopt();
  setInterval(tick, 20000);
})();
