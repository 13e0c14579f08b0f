// The queue page: listens to the kiosk's event stream and re-reads the table when the queue
// changes; buttons call the JSON API. No polling: only the "waited" minutes tick locally.
// A help request is impossible to miss: it sits first on the page, the alarm sounds (where
// sound is on, `/sound.js`) and the title flashes until someone acknowledges it.
(() => {
  const queue = document.getElementById('queue');
  const flash = document.getElementById('flash');
  const live = document.getElementById('live');
  const soundButton = document.getElementById('sound');
  const pauseForm = document.getElementById('pause-form');
  const baseTitle = document.title;
  const sound = window.hubSound;
  let badge = 0;
  let pending = null;
  let offset = 0;
  let flashing = null;
  let show = localStorage.getItem('hub-show') === 'mine' ? 'mine' : 'all';

  const number = (t) => t.number.prefix + ' ' + String(t.number.number).padStart(3, '0');

  function say(text, kind) {
    flash.textContent = text;
    flash.className = 'message ' + (kind || 'note');
    flash.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function title() {
    document.title = (badge ? '(' + badge + ') ' : '') + baseTitle;
  }

  function clearBadge() {
    if (badge) {
      badge = 0;
      if (!flashing) title();
    }
  }

  function showSound() {
    soundButton.textContent = 'Sound: ' + (sound.isOn() ? 'on' : 'off');
    soundButton.setAttribute('aria-pressed', String(sound.isOn()));
  }

  // The help alarm and the flashing title follow the open requests in the table.
  function help(justRaised) {
    const section = queue.querySelector('#help-alerts');
    const open = justRaised || (section ? Number(section.dataset.open) : 0);
    const escalated = section ? section.dataset.escalated === '1' : false;
    if (open > 0) {
      sound.startAlarm(escalated);
      if (!flashing) {
        let lit = false;
        flashing = setInterval(() => {
          lit = !lit;
          document.title = lit ? '‼ HELP NEEDED at the kiosk' : baseTitle;
        }, 700);
        document.title = '‼ HELP NEEDED at the kiosk';
      }
    } else {
      sound.stopAlarm();
      if (flashing) clearInterval(flashing);
      flashing = null;
      title();
    }
  }

  function signIn() {
    location.href = '/login?next=' + encodeURIComponent('/queue');
  }

  function api(path, body) {
    return window.staffApi('POST', path, body || {}, say, signIn);
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
      r = await fetch('/queue/table?show=' + show, { credentials: 'same-origin' });
    } catch (e) {
      return;
    }
    if (r.status === 401) { signIn(); return; }
    if (!r.ok) return;
    queue.innerHTML = await r.text();
    adopt();
  }

  // Waits count on the kiosk's clock, not this device's; the alarm and the pause form follow
  // what the table says.
  function adopt() {
    const table = queue.querySelector('table[data-now]');
    if (table) offset = Number(table.dataset.now) - Date.now();
    const paused = queue.querySelector('#pause[data-paused="1"]');
    pauseForm.hidden = Boolean(paused);
    document.querySelectorAll('#show button').forEach((b) => {
      b.setAttribute('aria-pressed', String(b.dataset.show === show));
    });
    tick();
    help(0);
  }

  function soon() {
    if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 60);
  }

  function joined(t) {
    badge += 1;
    if (!flashing) title();
    say('Ticket ' + number(t) + ' joined the queue.', 'note');
    sound.chime();
  }

  const events = new EventSource('/api/v1/events');
  events.addEventListener('ready', () => { live.textContent = 'Live'; soon(); });
  events.addEventListener('checked_in', (e) => {
    const d = JSON.parse(e.data);
    if (d.ticket) { joined(d.ticket); soon(); }
  });
  events.addEventListener('help_requested', () => { help(1); refresh(); });
  ['ticket_changed', 'duty_changed', 'resync', 'help_escalated', 'help_acknowledged', 'pause_changed']
    .forEach((n) => events.addEventListener(n, soon));
  events.onerror = () => {
    live.textContent = 'Reconnecting…';
    if (events.readyState === EventSource.CLOSED) refresh();
  };

  const done = {
    call: 'called', recall: 'called again', seen: 'seen', 'no-show': 'marked no-show',
    requeue: 'back in the queue', transfer: 'transferred', left: 'marked as left',
    'come-back': 'asked to come back tomorrow',
  };

  async function act(b) {
    const act = b.dataset.act;
    const id = b.dataset.id;
    if (act === 'call-next') {
      const t = await api('/api/v1/queue/call-next');
      if (t) say('Calling ' + number(t) + ': it shows on the kiosk screen now.', 'note');
    } else if (act === 'duty') {
      const d = await api('/api/v1/duty', { on_duty: b.dataset.on === 'true' });
      if (d) say(d.advisors_on_duty + ' on duty now.', 'note');
    } else if (act === 'ack-help') {
      const h = await api('/api/v1/help-requests/' + encodeURIComponent(id) + '/acknowledge');
      if (h) say('Thank you: everyone can see you are going.', 'note');
    } else if (act === 'pause') {
      const reason = document.getElementById('pause-reason').value.trim();
      const p = await api('/api/v1/queue/pause', reason ? { reason } : {});
      if (p) { say('Drop-ins are paused: the screen gives no tickets.', 'note'); pauseForm.open = false; }
    } else if (act === 'resume') {
      if (await api('/api/v1/queue/resume')) say('Drop-ins are open again.', 'note');
    } else if (act === 'show') {
      show = b.dataset.show;
      localStorage.setItem('hub-show', show);
      await refresh();
      return;
    } else {
      const body = act === 'transfer' ? { need: document.getElementById('transfer-' + id).value } : {};
      const t = await api('/api/v1/tickets/' + encodeURIComponent(id) + '/' + act, body);
      if (t) say(number(t) + ': ' + done[act] + '.', 'note');
    }
    soon();
  }

  document.addEventListener('click', async (ev) => {
    clearBadge();
    const b = ev.target.closest('button[data-act]');
    if (!b || b.disabled) return;
    ev.preventDefault();
    b.disabled = true;
    try {
      await act(b);
    } finally {
      b.disabled = false;
    }
  });
  document.addEventListener('keydown', clearBadge);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) clearBadge(); });

  soundButton.addEventListener('click', () => {
    sound.set(!sound.isOn());
    sound.chime();
  });
  sound.onChange(() => { showSound(); help(0); });
  showSound();

  document.getElementById('walk-in').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const needs = Array.from(f.querySelectorAll('input[name=need]:checked')).map((i) => i.value);
    if (!needs.length) { say('Choose what they need first.', 'error'); return; }
    const body = { needs, priority: f.elements.priority.checked, interpreter: f.elements.interpreter.checked };
    const member = f.elements.member.value.trim();
    if (member) body.member = member;
    const r = await api('/api/v1/walk-ins', body);
    if (r) {
      say('Added: ticket ' + number(r.ticket) + ', number ' + r.position + ' in the queue.', 'note');
      f.reset();
      soon();
    }
  });

  if (show === 'mine' && document.getElementById('show')) refresh(); else adopt();
  setInterval(tick, 20000);
})();
